package io.tokentally.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import java.time.Duration;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Publishes a run's numbers to Micrometer when it ends: its duration ({@code tokentally.job.duration},
 * by job and status), each step's items of this execution ({@code tokentally.step.items}, by step and
 * kind: read, written, filtered, skipped) and, once a run completes, its usage rows
 * ({@code tokentally.rows}, by kind: read, accepted, rejected, duplicate), counted once per run even if
 * it took restarts.
 */
@Component
public class JobMetricsListener implements JobExecutionListener {

    private final MeterRegistry registry;
    private final FileRegistry files;

    public JobMetricsListener(MeterRegistry registry, FileRegistry files) {
        this.registry = registry;
        this.files = files;
    }

    @Override
    public void afterJob(JobExecution execution) {
        String job = execution.getJobInstance().getJobName();
        if (execution.getStartTime() != null && execution.getEndTime() != null) {
            Timer.builder("tokentally.job.duration")
                    .description("How long job executions took, by job and final status")
                    .tag("job", job)
                    .tag("status", execution.getStatus().name())
                    .register(registry)
                    .record(Duration.between(execution.getStartTime(), execution.getEndTime()));
        }
        for (StepExecution step : execution.getStepExecutions()) {
            String name = stepName(step.getStepName());
            count("tokentally.step.items", job, "step", name, "read", step.getReadCount());
            count("tokentally.step.items", job, "step", name, "written", step.getWriteCount());
            count("tokentally.step.items", job, "step", name, "filtered", step.getFilterCount());
            count("tokentally.step.items", job, "step", name, "skipped", step.getSkipCount());
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            countRows(job, execution.getJobInstance().getInstanceId());
        }
    }

    private void countRows(String job, long run) {
        long read = 0, accepted = 0, rejected = 0, duplicate = 0;
        for (RunFile file : files.filesOfRun(run)) {
            if (file.outcome() != RunFileOutcome.ALREADY_INGESTED) {
                read += file.rowsRead();
                accepted += file.rowsAccepted();
                rejected += file.rowsRejected();
                duplicate += file.rowsDuplicate();
            }
        }
        count("tokentally.rows", job, null, null, "read", read);
        count("tokentally.rows", job, null, null, "accepted", accepted);
        count("tokentally.rows", job, null, null, "rejected", rejected);
        count("tokentally.rows", job, null, null, "duplicate", duplicate);
    }

    private void count(String meter, String job, String tagKey, String tagValue, String kind, long amount) {
        Counter.Builder builder = Counter.builder(meter).tag("job", job).tag("kind", kind);
        if (tagKey != null) {
            builder.tag(tagKey, tagValue);
        }
        builder.register(registry).increment(amount);
    }

    /** Partitions of a step ({@code step:partition}) share its name, so the step tag stays a handful of values. */
    static String stepName(String name) {
        int partition = name.indexOf(':');
        return partition < 0 ? name : name.substring(0, partition);
    }
}
