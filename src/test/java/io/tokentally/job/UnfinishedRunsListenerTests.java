package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

/** When an earlier run counts as unfinished: ended without completing, or marked running by a process that is gone. */
class UnfinishedRunsListenerTests {

    private static final LocalDateTime NOW = LocalDateTime.parse("2026-12-05T14:00:00");

    @Test
    void aRunThatEndedFailedOrStoppedIsUnfinished() {
        for (BatchStatus status : new BatchStatus[] {BatchStatus.FAILED, BatchStatus.STOPPED}) {
            JobExecution ended = execution(status, "another-host", NOW);

            assertThat(UnfinishedRunsListener.why(ended, NOW)).hasValue("ended " + status + " and was not resumed");
        }
    }

    @Test
    void aRunMarkedRunningByAProcessAliveHereIsNot() {
        JobExecution running = execution(BatchStatus.STARTED, RunOwnerListener.localHost(), NOW.minusDays(1));

        assertThat(UnfinishedRunsListener.why(running, NOW)).isEmpty();
    }

    @Test
    void aRunOfAnotherHostIsUnfinishedOnlyOnceNothingOfItHasChangedForAnHour() {
        JobExecution silent = execution(BatchStatus.STARTED, "another-host", NOW.minusMinutes(61));
        JobExecution recent = execution(BatchStatus.STARTED, "another-host", NOW.minusMinutes(59));
        JobExecution stepRecent = execution(BatchStatus.STARTED, "another-host", NOW.minusHours(5));
        StepExecution rating = new StepExecution(7, "rateStep", stepRecent);
        rating.setLastUpdated(NOW.minusMinutes(5));
        stepRecent.addStepExecution(rating);

        assertThat(UnfinishedRunsListener.why(silent, NOW))
                .get()
                .asString()
                .startsWith("is marked STARTED, but nothing of it has changed since ")
                .endsWith("over 60 minutes, so its process on another-host is taken to be gone (killed or crashed)");
        assertThat(UnfinishedRunsListener.why(recent, NOW)).isEmpty();
        assertThat(UnfinishedRunsListener.why(stepRecent, NOW)).isEmpty();
    }

    @Test
    void aRunOfAnotherHostWithoutADatedChangeIsUnfinishedAndOneNotBegunIsNot() {
        JobExecution undated = execution(BatchStatus.STARTED, "another-host", null);
        JobExecution notBegun = execution(BatchStatus.STARTING, "another-host", NOW.minusHours(5));
        notBegun.setStartTime(null);

        assertThat(UnfinishedRunsListener.why(undated, NOW))
                .hasValue("is marked STARTED, but no change of it is dated, so its process on another-host is taken"
                        + " to be gone (killed or crashed)");
        assertThat(UnfinishedRunsListener.why(notBegun, NOW)).isEmpty();
    }

    private static JobExecution execution(BatchStatus status, String host, LocalDateTime lastUpdated) {
        JobExecution execution = new JobExecution(3, new JobInstance(2, "nightlyBillingJob"), new JobParameters());
        execution.setStatus(status);
        execution.setStartTime(NOW.minusDays(1));
        execution.setLastUpdated(lastUpdated);
        execution.getExecutionContext().putString(RunOwnerListener.HOST, host);
        execution
                .getExecutionContext()
                .putLong(RunOwnerListener.PID, ProcessHandle.current().pid());
        return execution;
    }
}
