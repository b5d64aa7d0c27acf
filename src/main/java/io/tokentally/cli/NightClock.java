package io.tokentally.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The bench's clock: while a night runs, the engine sees the next day at 01:30 UTC, as a nightly {@code
 * serve} would, and the clock ticks on from there, so durations and rate limits still hold.
 */
final class NightClock extends Clock {

    private final Clock system = Clock.systemUTC();
    private volatile Duration offset = Duration.ZERO;

    /** From now on, the time is the morning after {@code day}, 01:30 UTC, plus what has elapsed since. */
    void morningAfter(LocalDate day) {
        offset =
                Duration.between(system.instant(), day.plusDays(1).atTime(1, 30).toInstant(ZoneOffset.UTC));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(system, offset).withZone(zone);
    }

    @Override
    public Instant instant() {
        return system.instant().plus(offset);
    }
}
