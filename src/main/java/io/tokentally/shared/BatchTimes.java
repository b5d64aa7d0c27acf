package io.tokentally.shared;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Times in Spring Batch's job repository: local times in the JVM's zone, as Spring Batch writes its own (and the
 * API reads them back), whatever zone the engine's clock has.
 */
public final class BatchTimes {

    private BatchTimes() {}

    /** The clock's instant as a job repository time. */
    public static LocalDateTime now(Clock clock) {
        return LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault());
    }
}
