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

    public static TokenType fromCode(String code) {
        return valueOf(code.trim().toUpperCase(Locale.ROOT));
    }
}
