package io.tokentally.shared;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The UTC hour an instant belongs to; hourly aggregates are keyed by it. */
public final class Hours {

    private Hours() {}

    public static Instant startOf(Instant instant) {
        return instant.truncatedTo(ChronoUnit.HOURS);
    }
}
