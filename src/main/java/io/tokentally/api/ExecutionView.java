package io.tokentally.api;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.RunReportListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * A job execution as the API shows it: status, window, per-step progress and links to act on it and to
 * read its report. Times are UTC instants; durations are milliseconds, up to now for what still runs.
 */
public record ExecutionView(
        long executionId,
        String job,
        String date,
        Long rerun,
        String status,
        String exitCode,
        Instant startTime,
        Instant endTime,
        Long durationMs,
        boolean reportReady,
        List<StepView> steps,
        Map<String, String> links) {

    /** One step's progress; partitions of a step are listed each under their own name. */
    public record StepView(
            String name,
            String status,
            long read,
            long written,
            long filtered,
            long skipped,
            long commits,
            long rollbacks,
            Instant startTime,
            Instant endTime,
            Long durationMs) {}

    /**
     * @param reportReady whether the run folder holds its report: Spring Batch records a run's end before
     *     its listeners write the report, so a run is done, exit code included, once this is true
     * @param resumedBy the run's latest execution when a later one resumed this one, else null; when set, the view
     *     links to it instead of offering a restart, which would be refused
     */
    static ExecutionView of(JobExecution execution, Clock clock, boolean reportReady, Long resumedBy) {
        Instant start = instant(execution.getStartTime());
        Instant end = instant(execution.getEndTime());
        List<StepView> steps = execution.getStepExecutions().stream()
                .sorted(Comparator.comparingLong(StepExecution::getId))
                .map(step -> step(step, clock))
                .toList();
        return new ExecutionView(
                execution.getId(),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getJobParameters().getLong(BillingJobParameters.RERUN),
                execution.getStatus().name(),
                execution.getExitStatus().getExitCode(),
                start,
                end,
                durationMs(start, end, clock),
                reportReady,
                steps,
                links(execution, reportReady, resumedBy));
    }

    private static StepView step(StepExecution step, Clock clock) {
        Instant start = instant(step.getStartTime());
        Instant end = instant(step.getEndTime());
        return new StepView(
                step.getStepName(),
                step.getStatus().name(),
                step.getReadCount(),
                step.getWriteCount(),
                step.getFilterCount(),
                step.getSkipCount(),
                step.getCommitCount(),
                step.getRollbackCount(),
                start,
                end,
                durationMs(start, end, clock));
    }

    private static Map<String, String> links(JobExecution execution, boolean reportReady, Long resumedBy) {
        String self = "/api/executions/" + execution.getId();
        Map<String, String> links = new LinkedHashMap<>();
        links.put("self", self);
        if (reportReady) {
            links.put("report", self + "/report");
        }
        if (execution.getStatus().isRunning()) {
            links.put("stop", self + "/stop");
        } else if (resumedBy != null) {
            links.put("resumedBy", "/api/executions/" + resumedBy);
        } else if (execution.getStatus() == BatchStatus.FAILED || execution.getStatus() == BatchStatus.STOPPED) {
            links.put("restart", self + "/restart");
        }
        return links;
    }

    /** Spring Batch keeps local date-times of this JVM's zone. */
    private static Instant instant(LocalDateTime time) {
        return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
    }

    private static Long durationMs(Instant start, Instant end, Clock clock) {
        if (start == null) {
            return null;
        }
        return Duration.between(start, end == null ? Instant.now(clock) : end).toMillis();
    }
}
