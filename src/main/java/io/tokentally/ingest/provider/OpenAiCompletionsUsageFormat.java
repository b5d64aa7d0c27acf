package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.JsonFields.count;
import static io.tokentally.ingest.provider.JsonFields.orZero;
import static io.tokentally.ingest.provider.JsonFields.required;
import static io.tokentally.ingest.provider.JsonFields.sum;
import static io.tokentally.ingest.provider.JsonFields.text;

import io.tokentally.ingest.UsageColumns;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Pages of OpenAI's {@code GET /v1/organization/usage/completions}: buckets of results grouped by
 * project, user, API key, model, batch and service tier. Both field sets are read: the current one
 * ({@code input_text_tokens}, {@code input_uncached_tokens}, {@code input_cache_write_tokens}, ...)
 * bills text tokens and rejects the audio and image tokens (no prices for them yet) as a second record
 * with their counts; the older one has
 * {@code input_tokens} (text, cached included), {@code input_cached_tokens} and {@code output_tokens}.
 * The API reports no context tier; buckets are standard context (a long-context request cannot be told from its
 * bucket).
 */
@Component
@Order(30)
class OpenAiCompletionsUsageFormat extends OpenAiUsagePagesFormat {

    static final String NAME = "openai-usage-completions";

    /** Fields older payloads never have (usage-formats.md: none of the text, image, uncached or cache-write ones). */
    private static final List<String> CURRENT_ONLY = List.of(
            "input_text_tokens",
            "input_uncached_tokens",
            "input_cache_write_tokens",
            "input_cached_text_tokens",
            "output_text_tokens",
            "input_image_tokens",
            "input_cached_image_tokens",
            "output_image_tokens");

    OpenAiCompletionsUsageFormat(CustomerAttribution attribution) {
        super(attribution, NAME, "organization.usage.completions.result");
    }

    @Override
    List<CanonicalRecord> translateResult(JsonNode item) {
        JsonNode result = item.get("result");
        String model = text(result, "model");
        if (model == null) {
            throw new RecordProblem("the result has no model: export the usage with group_by=model");
        }
        TokenSplit split =
                CURRENT_ONLY.stream().anyMatch(field -> result.get(field) != null) ? current(result) : older(result);
        Instant start = JsonFields.unixSeconds(item, "start_time");
        Instant end = JsonFields.unixSeconds(item, "end_time");
        String tier = Boolean.TRUE.equals(JsonFields.bool(result, "batch"))
                ? "batch"
                : OpenAiServiceTier.of(text(result, "service_tier"));
        CanonicalRecord record = new CanonicalRecord()
                .set(UsageColumns.REQUEST_ID, bucketId("openai-usage", start, end, result))
                .set(UsageColumns.TIMESTAMP, start)
                .set(UsageColumns.CUSTOMER_ID, attribution.customerOf(FAMILY, keys(result)))
                .set(UsageColumns.PROVIDER, "openai")
                .set(UsageColumns.MODEL, model)
                .set(UsageColumns.INPUT_TOKENS, split.input())
                .set(UsageColumns.CACHED_INPUT_TOKENS, split.cached())
                .set(UsageColumns.CACHE_WRITE_TOKENS, split.cacheWrite())
                .set(UsageColumns.OUTPUT_TOKENS, split.output())
                .set(UsageColumns.SERVICE_TIER, tier)
                .set(UsageColumns.CONTEXT_TIER, "standard");
        return split.unpriced() == null ? List.of(record) : List.of(record, CanonicalRecord.rejected(split.unpriced()));
    }

    /** Current fields: text tokens, and the audio and image tokens that cannot be billed, if any. */
    static TokenSplit current(JsonNode result) {
        BigInteger audioIn = count(result, "input_audio_tokens");
        BigInteger imageIn = count(result, "input_image_tokens");
        BigInteger cacheWrite = count(result, "input_cache_write_tokens");
        if (cacheWrite == null) {
            cacheWrite = unlistedCacheWrites(result);
        }
        BigInteger cachedText = count(result, "input_cached_text_tokens");
        if (cachedText == null) {
            cachedText = subtract(
                    count(result, "input_cached_tokens"),
                    count(result, "input_cached_audio_tokens"),
                    count(result, "input_cached_image_tokens"));
        }
        BigInteger uncachedText = count(result, "input_text_tokens");
        if (uncachedText == null) {
            uncachedText = subtract(count(result, "input_uncached_tokens"), audioIn, imageIn);
        }
        if (uncachedText == null) {
            // input_tokens holds every input token: the cached audio and image ones too
            uncachedText = subtract(
                    required(result, "input_tokens"),
                    cachedText,
                    cacheWrite,
                    audioIn,
                    imageIn,
                    count(result, "input_cached_audio_tokens"),
                    count(result, "input_cached_image_tokens"));
        }
        BigInteger outputText = count(result, "output_text_tokens");
        if (outputText == null) {
            outputText = subtract(
                    required(result, "output_tokens"),
                    count(result, "output_audio_tokens"),
                    count(result, "output_image_tokens"));
        }
        BigInteger input = sum(uncachedText, cachedText, cacheWrite);
        // cached audio and images left out: whether input_audio_tokens holds the cached audio changed between versions
        requireWithin(result, "input_tokens", sum(input, audioIn, imageIn));
        requireWithin(
                result,
                "output_tokens",
                sum(outputText, count(result, "output_audio_tokens"), count(result, "output_image_tokens")));
        return new TokenSplit(input, cachedText, cacheWrite, outputText, unpriced(result));
    }

    /**
     * Refuses a result whose parts add up to more than the total it gives, as contradicting itself: the parts are
     * what is billed (cached and uncached text over {@code input_tokens}, {@code output_text_tokens} over {@code
     * output_tokens}).
     */
    private static void requireWithin(JsonNode result, String totalField, BigInteger parts) {
        BigInteger total = count(result, totalField);
        if (total != null && parts != null && parts.compareTo(total) > 0) {
            throw new RecordProblem("the result's counts contradict each other: its parts add up to " + parts
                    + " tokens, more than its " + totalField + " of " + total);
        }
    }

    /**
     * Without {@code input_cache_write_tokens} (a field added in 2026), the input tokens that are neither cached nor
     * uncached: {@code input_tokens} holds cache writes, {@code input_uncached_tokens} does not. Null (unknown) if a
     * count is missing or they leave none, as a result whose counts contradict each other leaves none.
     */
    private static BigInteger unlistedCacheWrites(JsonNode result) {
        BigInteger all = count(result, "input_tokens");
        BigInteger cached = count(result, "input_cached_tokens");
        BigInteger uncached = count(result, "input_uncached_tokens");
        if (all == null || cached == null || uncached == null) {
            return null;
        }
        BigInteger rest = all.subtract(cached).subtract(uncached);
        return rest.signum() > 0 ? rest : null;
    }

    /** Older fields: input_tokens is text input with cached tokens included; audio counted apart. */
    static TokenSplit older(JsonNode result) {
        String unpriced = unpriced(result);
        return new TokenSplit(
                required(result, "input_tokens"),
                count(result, "input_cached_tokens"),
                null,
                required(result, "output_tokens"),
                unpriced);
    }

    private static String unpriced(JsonNode result) {
        List<String> parts = new ArrayList<>();
        for (String field : List.of(
                "input_audio_tokens",
                "input_cached_audio_tokens",
                "input_image_tokens",
                "input_cached_image_tokens",
                "output_audio_tokens",
                "output_image_tokens")) {
            BigInteger value = count(result, field);
            if (value != null && value.signum() != 0) {
                parts.add(field + " = " + value);
            }
        }
        return parts.isEmpty() ? null : CanonicalRecord.unpriced(parts, "result");
    }

    private static BigInteger subtract(BigInteger total, BigInteger... parts) {
        if (total == null) {
            return null;
        }
        BigInteger rest = total;
        for (BigInteger part : parts) {
            rest = rest.subtract(orZero(part));
        }
        return rest;
    }

    /** A result's text tokens in the usage format's convention, and why it cannot be billed, if so. */
    record TokenSplit(BigInteger input, BigInteger cached, BigInteger cacheWrite, BigInteger output, String unpriced) {}
}
