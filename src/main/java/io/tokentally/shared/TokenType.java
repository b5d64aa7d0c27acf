package io.tokentally.shared;

import java.util.Locale;

/** Canonical, disjoint token buckets. Reasoning is not one of them: it is a sub-count of output. */
public enum TokenType {
    INPUT,
    CACHE_READ,
    CACHE_WRITE_5M,
    CACHE_WRITE_1H,
    OUTPUT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a canonical code; {@code cache_write} (no TTL) is read as the 5-minute write. */
    public static TokenType fromCode(String code) {
        String value = code.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cache_write")) {
            return CACHE_WRITE_5M;
        }
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
