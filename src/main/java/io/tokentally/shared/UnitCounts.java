package io.tokentally.shared;

/**
 * Counts of the non-token units of one request or one sum of requests: web search requests,
 * generated images and seconds of audio.
 */
public record UnitCounts(long webSearchRequests, long images, long audioSeconds) {

    public static final UnitCounts NONE = new UnitCounts(0, 0, 0);

    /** The count of one unit ({@link TokenType#isUnit()}); 0 for a token type. */
    public long of(TokenType unit) {
        return switch (unit) {
            case WEB_SEARCH_REQUEST -> webSearchRequests;
            case IMAGE -> images;
            case AUDIO_SECOND -> audioSeconds;
            default -> 0;
        };
    }
}
