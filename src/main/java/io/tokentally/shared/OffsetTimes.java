package io.tokentally.shared;

import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;

/**
 * The usual slip in a time that must carry its offset: a date and time written without one
 * ({@code 2026-11-01T10:00}), which every file that takes an instant says the same way.
 */
public final class OffsetTimes {

    /** What a message says of a time without an offset. */
    public static final String NO_OFFSET = "has no offset; write it with Z or +hh:mm";

    private OffsetTimes() {}

    /** Why a text that must be an instant with an offset was not read as one: it lacks the offset, or is no instant. */
    public static String whyNotRead(String text) {
        return lacksOffset(text) ? NO_OFFSET : "is not an ISO-8601 instant with an offset";
    }

    /** Whether a text is an ISO-8601 date and time without an offset, which is all it lacks to be an instant. */
    public static boolean lacksOffset(String text) {
        try {
            LocalDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
