package io.tokentally.schedule;

import java.time.Instant;

/** One fire time of a schedule and what became of it; {@code executionId} is null unless a run started. */
public record ScheduleFire(String schedule, Instant fireTime, FireState state, Long executionId, String detail) {}
