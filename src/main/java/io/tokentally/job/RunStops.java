package io.tokentally.job;

import io.tokentally.shared.BatchTimes;
import java.time.Clock;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Asks a running execution to stop, as the first half of Spring Batch's {@code JobOperator.stop} does: the
 * execution is marked stopping (stopped, once it records its end), and each running step sees that at its next
 * chunk boundary, when it saves its progress, and ends STOPPED (an ingest partition looks every few thousand rows).
 * The second half is left out: it marks each running step STOPPED from the asking thread and releases a step scope
 * it registered for the step, which closes the step-scoped beans the step is still using. A SIGTERM in the rate
 * step so closed its reader under it, and the run ended FAILED ("Unable to process chunk") instead of STOPPED.
 */
@Component
public class RunStops {

    private final JobRepository jobRepository;
    private final Clock clock;

    public RunStops(JobRepository jobRepository, Clock clock) {
        this.jobRepository = jobRepository;
        this.clock = clock;
    }

    /** Asks {@code execution}, which must be starting or started, to stop. */
    public void ask(JobExecution execution) throws JobExecutionNotRunningException {
        BatchStatus status = execution.getStatus();
        if (status != BatchStatus.STARTED && status != BatchStatus.STARTING) {
            throw new JobExecutionNotRunningException(
                    "execution " + execution.getId() + " is " + status + ", not running");
        }
        execution.setStatus(BatchStatus.STOPPING);
        execution.setExitStatus(ExitStatus.STOPPED);
        execution.setEndTime(BatchTimes.now(clock));
        jobRepository.update(execution);
        jobRepository.updateExecutionContext(execution);
    }
}
