package io.tokentally.ingest.provider;

/** OpenAI's service tiers as written in its responses and usage, as the usage format's tiers. */
final class OpenAiServiceTier {

    private OpenAiServiceTier() {}

    /** {@code auto} and {@code default} (and none) are standard, {@code fast} is priority; others as written. */
    static String of(String serviceTier) {
        if (serviceTier == null || serviceTier.equals("auto") || serviceTier.equals("default")) {
            return "standard";
        }
        return serviceTier.equals("fast") ? "priority" : serviceTier;
    }
}
