package io.tokentally.shared;

/** The messages of duration settings checked at start-up, worded as the rest of the property failures. */
public final class DurationSettings {

    public static final String POSITIVE = "must be a duration above zero, such as 30s or 5m";
    public static final String NOT_NEGATIVE = "must be a duration of zero or more, such as 0s or 5m";

    private DurationSettings() {}
}
