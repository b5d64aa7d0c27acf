package io.tokentally.shared;

import java.util.Locale;
import java.util.Optional;

/** Long once a request's prompt passes the model's long-context threshold; the whole request is then long. */
public enum ContextTier {
    STANDARD,
    LONG;

    /** Read for every stored aggregate: a copy of {@code values()} made once. */
    private static final ContextTier[] TIERS = values();

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }

    /** The tier a code names in any letter case (lower-cased as the other codes are: a long s is no s). */
    public static Optional<ContextTier> parse(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        for (ContextTier tier : TIERS) {
            if (tier.code.equals(value)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }

    public static ContextTier fromCode(String code) {
        return parse(code).orElseThrow(() -> new IllegalArgumentException("no context tier " + code));
    }
}
