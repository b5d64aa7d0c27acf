package io.tokentally.shared;

import java.util.List;
import java.util.Locale;

/**
 * Canonical, disjoint usage buckets: the five token types, then the non-token units a price can name
 * (a web search request, a generated image, a second of audio). Reasoning is not one of them: it is
 * a sub-count of output.
 */
public enum TokenType {
    INPUT,
    CACHE_READ,
    CACHE_WRITE_5M,
    CACHE_WRITE_1H,
    OUTPUT,
    WEB_SEARCH_REQUEST,
    IMAGE,
    AUDIO_SECOND;

    private final String code = name().toLowerCase(Locale.ROOT);

    /** The non-token units, in the order of their usage columns. */
    public static final List<TokenType> UNITS = List.of(WEB_SEARCH_REQUEST, IMAGE, AUDIO_SECOND);

    public String code() {
        return code;
    }

    /** Whether this is a non-token unit (counted per request, image or second, not per token). */
    public boolean isUnit() {
        return ordinal() >= WEB_SEARCH_REQUEST.ordinal();
    }

    /** Whether a missing price of this type falls back to the input price (the cache types). */
    public boolean fallsBackToInput() {
        return this == CACHE_READ || this == CACHE_WRITE_5M || this == CACHE_WRITE_1H;
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
