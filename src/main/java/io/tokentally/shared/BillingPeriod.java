package io.tokentally.shared;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One billing period of a customer, half-open: usage at {@code start} belongs to it, usage at {@code end}
 * to the next one. Usage belongs to the period of its event time, never of its arrival.
 */
public record BillingPeriod(Instant start, Instant end) implements Comparable<BillingPeriod> {

    public BillingPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("billing period start " + start + " is not before its end " + end);
        }
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    /** The part of this period that overlaps [from, to), or null when they do not overlap. */
    public BillingPeriod intersect(Instant from, Instant to) {
        Instant lower = from.isAfter(start) ? from : start;
        Instant upper = to == null || to.isAfter(end) ? end : to;
        return lower.isBefore(upper) ? new BillingPeriod(lower, upper) : null;
    }

    @Override
    public int compareTo(BillingPeriod other) {
        int byStart = start.compareTo(other.start);
        return byStart != 0 ? byStart : end.compareTo(other.end);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
