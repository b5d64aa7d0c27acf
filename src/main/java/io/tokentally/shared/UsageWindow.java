package io.tokentally.shared;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A half-open interval [from, to) of UTC instants, usually one day of usage. */
public record UsageWindow(Instant from, Instant to) {

    public UsageWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("window start " + from + " is not before its end " + to);
        }
    }

    public static UsageWindow ofUtcDate(LocalDate date) {
        Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new UsageWindow(start, start.plus(Duration.ofDays(1)));
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && instant.isBefore(to);
    }

    /** The starts of the hours from {@code from} until {@code to}, in order. */
    public List<Instant> hours() {
        List<Instant> hours = new ArrayList<>();
        for (Instant hour = from; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            hours.add(hour);
        }
        return hours;
    }
}
