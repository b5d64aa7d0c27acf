package io.tokentally.shared;

import java.util.Locale;
import java.util.Optional;

/** The provider's processing tier, which selects the price, not the counter. */
public enum ServiceTier {
    STANDARD,
    BATCH,
    PRIORITY,
    FLEX;

    private final String code = name().toLowerCase(Locale.ROOT);

    public String code() {
        return code;
    }

    /** Parses a tier as written in usage files; OpenAI's {@code default} means standard. */
    public static Optional<ServiceTier> parse(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        if (value.equals("default")) {
            return Optional.of(STANDARD);
        }
        for (ServiceTier tier : values()) {
            if (tier.code().equals(value)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
