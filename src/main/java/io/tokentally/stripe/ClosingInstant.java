package io.tokentally.stripe;

import java.time.Instant;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The instant at which a run judges which billing periods are closed for Stripe: its clock when the
 * record-closing-positions step ran, kept in the job's execution context, so the build-outbox step judges by the
 * same instant, after a restart too. Judged by its own later clock, a period that closed in between (a run
 * straddling the close, or resumed after it) would have no closing position while the outbox took it as closed:
 * the usage the run rated in it would go out neither as meter events nor as an invoice item (ADR 0021).
 */
final class ClosingInstant {

    private static final String KEY = "tokentally.closing-instant";

    private ClosingInstant() {}

    static void keep(JobExecution job, Instant instant) {
        job.getExecutionContext().putString(KEY, instant.toString());
    }

    /** The instant the run's closing positions were recorded at, or {@code otherwise} if it kept none. */
    static Instant of(JobExecution job, Instant otherwise) {
        ExecutionContext context = job.getExecutionContext();
        return context.containsKey(KEY) ? Instant.parse(context.getString(KEY)) : otherwise;
    }
}
