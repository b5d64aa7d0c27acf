package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

class RunFailuresTests {

    @Test
    void aStoppedRunSaysWhereItsStepsStoppedOnceEachAndNotSpringBatchsNoticeOfEveryFileNotRead() {
        // given: a stopped run, two files stopped while read and 160 not started, each with Spring Batch's notice
        JobExecution run = run(BatchStatus.STOPPED);
        failStep(run, "file-1", new JobInterruptedException("stopped while reading a.csv"));
        failStep(run, "file-2", new JobInterruptedException("stopped while reading b.csv"));
        for (int file = 3; file < 163; file++) {
            failStep(run, "file-" + file, springBatchNotice("Job interrupted status detected."));
        }
        run.addFailureException(springBatchNotice("Job interrupted by step execution"));

        // when, then
        assertThat(RunFailures.of(run))
                .containsExactlyInAnyOrder("stopped while reading a.csv", "stopped while reading b.csv");
    }

    @Test
    void aFailedRunSaysItsOwnFailureWithoutStopNoticesAndOneWithOnlyNoticesSaysEachOnce() {
        JobExecution failed = run(BatchStatus.FAILED);
        failStep(failed, "file-1", springBatchNotice("Job interrupted status detected."));
        failStep(failed, "file-2", new IllegalStateException("disk full"));
        JobExecution noticesOnly = run(BatchStatus.FAILED);
        failStep(noticesOnly, "file-1", springBatchNotice("Job interrupted status detected."));
        failStep(noticesOnly, "file-2", springBatchNotice("Job interrupted status detected."));
        noticesOnly.addFailureException(springBatchNotice("Job interrupted by step execution"));

        assertThat(RunFailures.of(failed)).containsExactly("disk full");
        assertThat(RunFailures.of(noticesOnly))
                .containsExactlyInAnyOrder("Job interrupted status detected.", "Job interrupted by step execution");
    }

    private static JobExecution run(BatchStatus status) {
        JobExecution run = new JobExecution(1, new JobInstance(1, "nightly-billing"), new JobParameters());
        run.setStatus(status);
        return run;
    }

    private static void failStep(JobExecution run, String name, Throwable failure) {
        StepExecution step = new StepExecution(run.getStepExecutions().size() + 1, name, run);
        step.addFailureException(failure);
        run.addStepExecution(step);
    }

    /** A stop notice as Spring Batch's interruption policy throws it. */
    private static JobInterruptedException springBatchNotice(String message) {
        JobInterruptedException notice = new JobInterruptedException(message);
        notice.setStackTrace(new StackTraceElement[] {
            new StackTraceElement(
                    "org.springframework.batch.core.step.ThreadStepInterruptionPolicy", "checkInterrupted", null, 42)
        });
        return notice;
    }
}
