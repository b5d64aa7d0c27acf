package io.tokentally.plans;

import java.time.Instant;

/** A customer is on {@code planId} from {@code effectiveFrom} until its next assignment. */
public record PlanAssignment(Instant effectiveFrom, String planId) {}
