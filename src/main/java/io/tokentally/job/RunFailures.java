package io.tokentally.job;

import java.util.List;
import java.util.Objects;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;

/**
 * What a run's failures say, each message once. A stopped run's steps each record Spring Batch's own notice that
 * they saw the stop ("Job interrupted status detected.", one per file not yet read), which says nothing the run's
 * status does not: those notices are left out when the run was stopped or another failure says more.
 */
public final class RunFailures {

    private RunFailures() {}

    /** The distinct failure messages of the run (in no particular order: Spring Batch keeps them in sets). */
    public static List<String> of(JobExecution execution) {
        List<Throwable> failures = execution.getAllFailureExceptions();
        boolean dropStopNotices = execution.getStatus() == BatchStatus.STOPPED
                || failures.stream().anyMatch(failure -> !isStopNotice(failure));
        return failures.stream()
                .filter(failure -> !(dropStopNotices && isStopNotice(failure)))
                .map(failure -> Objects.toString(
                        failure.getMessage(), failure.getClass().getName()))
                .distinct()
                .toList();
    }

    /** Spring Batch's own notice that a step saw the job stopping, as opposed to a step of ours saying where. */
    private static boolean isStopNotice(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        return failure instanceof JobInterruptedException
                && trace.length > 0
                && trace[0].getClassName().startsWith("org.springframework.batch.");
    }
}
