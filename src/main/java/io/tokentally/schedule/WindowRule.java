package io.tokentally.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which usage day a scheduled run bills, from its fire time in the schedule's zone. */
public enum WindowRule {
    /** The day before the fire time ("yesterday"): the nightly job bills a day once it is over. */
    PREVIOUS_DAY,
    /** The fire time's own day. */
    SAME_DAY;

    public LocalDate dateFor(Instant fireTime, ZoneId zone) {
        LocalDate day = fireTime.atZone(zone).toLocalDate();
        return this == PREVIOUS_DAY ? day.minusDays(1) : day;
    }

    static WindowRule parse(String text) {
        for (WindowRule rule : values()) {
            if (rule.text().equals(text)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("window '" + text + "' is not one of "
                + Arrays.stream(values()).map(WindowRule::text).collect(Collectors.joining(", ")));
    }

    /** As written in a jobs/ file: {@code previous-day}, {@code same-day}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
