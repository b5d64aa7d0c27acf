package io.tokentally.shared;

import java.time.Duration;

/**
 * The messages of duration settings checked at start-up, worded as the rest of the property failures, and a duration
 * written as such a setting is.
 */
public final class DurationSettings {

    public static final String POSITIVE = "must be a duration above zero, such as 30s or 5m";
    public static final String NOT_NEGATIVE = "must be a duration of zero or more, such as 0s or 5m";

    private DurationSettings() {}

    /**
     * A duration as a setting is written: in the largest unit of days, hours, minutes, seconds and milliseconds that
     * holds it whole ({@code 2h}, {@code 90m}, {@code 1500ms}); with a part of a millisecond, in ISO form
     * ({@code PT0.0005S}).
     */
    public static String written(Duration duration) {
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis != 0 && millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis == 0 ? "0s" : millis + "ms";
    }
}
