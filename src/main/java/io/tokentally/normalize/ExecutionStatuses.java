package io.tokentally.normalize;

import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The status of a job execution, and of one of its step executions, each read with one small query. The job
 * repository's lookups load much more: {@code getJobExecution} every step execution of the job with its
 * execution context, {@code getLastStepExecution} the step's and the job's contexts. An ingest partition asks
 * these questions every few milliseconds while it waits for its turn, and a run of a few hundred small files
 * spent most of its ingest time answering them.
 */
class ExecutionStatuses {

    private final JdbcTemplate jdbc;

    ExecutionStatuses(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether the job execution was asked to stop (it is stopping or stopped) or has ended without this partition: a
     * run with remote partitions fails when it has waited for them too long, and a worker's partition of it then stops.
     */
    boolean stopAsked(long jobExecutionId) {
        List<String> status = jdbc.queryForList(
                "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?", String.class, jobExecutionId);
        return status.stream()
                .map(BatchStatus::valueOf)
                .anyMatch(found -> found == BatchStatus.STOPPING
                        || found == BatchStatus.STOPPED
                        || found == BatchStatus.FAILED
                        || found == BatchStatus.ABANDONED);
    }

    /** A step execution that is still running: {@code STARTING} until a thread or worker starts it, or later. */
    record RunningStep(long stepExecutionId, BatchStatus status) {}

    /** The job execution's step execution of this name that is still running, or null when none is. */
    RunningStep runningStep(long jobExecutionId, String stepName) {
        List<RunningStep> steps = jdbc.query(
                "SELECT STEP_EXECUTION_ID, STATUS FROM BATCH_STEP_EXECUTION"
                        + " WHERE JOB_EXECUTION_ID = ? AND STEP_NAME = ?",
                (rs, rowNum) -> new RunningStep(rs.getLong(1), BatchStatus.valueOf(rs.getString(2))),
                jobExecutionId,
                stepName);
        return steps.stream()
                .filter(step -> step.status().isRunning())
                .findFirst()
                .orElse(null);
    }
}
