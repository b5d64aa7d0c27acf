package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

/** When an earlier run counts as unfinished: ended without completing, or marked running by a process that is gone. */
class UnfinishedRunsListenerTests {

    /** Now, as the job repository's local time in UTC, the zone the executions' owners record here. */
    private static final LocalDateTime NOW = LocalDateTime.parse("2026-12-05T14:00:00");

    private static final Instant NOW_INSTANT = NOW.toInstant(ZoneOffset.UTC);

    @Test
    void aRunThatEndedFailedOrStoppedIsUnfinished() {
        for (BatchStatus status : new BatchStatus[] {BatchStatus.FAILED, BatchStatus.STOPPED}) {
            JobExecution ended = execution(status, "another-host", NOW);

            assertThat(UnfinishedRunsListener.why(ended, NOW_INSTANT))
                    .hasValue("ended " + status + " and was not resumed");
        }
    }

    @Test
    void aRunThatEndedCompletedOrAbandonedAsItWasLookedForIsNot() {
        // hunt EK: found unfinished by the query, read completed a moment later, it was named "ended COMPLETED"
        for (BatchStatus status : new BatchStatus[] {BatchStatus.COMPLETED, BatchStatus.ABANDONED}) {
            JobExecution ended = execution(status, "another-host", NOW);

            assertThat(UnfinishedRunsListener.why(ended, NOW_INSTANT)).isEmpty();
        }
    }

    @Test
    void aRunMarkedRunningByAProcessAliveHereIsNot() {
        JobExecution running = execution(BatchStatus.STARTED, RunOwnerListener.localHost(), NOW.minusDays(1));

        assertThat(UnfinishedRunsListener.why(running, NOW_INSTANT)).isEmpty();
    }

    @Test
    void aRunOfAnotherHostIsUnfinishedOnlyOnceNothingOfItHasChangedForAnHour() {
        JobExecution silent = execution(BatchStatus.STARTED, "another-host", NOW.minusMinutes(61));
        JobExecution recent = execution(BatchStatus.STARTED, "another-host", NOW.minusMinutes(59));
        JobExecution stepRecent = execution(BatchStatus.STARTED, "another-host", NOW.minusHours(5));
        StepExecution rating = new StepExecution(7, "rateStep", stepRecent);
        rating.setLastUpdated(NOW.minusMinutes(5));
        stepRecent.addStepExecution(rating);

        assertThat(UnfinishedRunsListener.why(silent, NOW_INSTANT))
                .get()
                .asString()
                .startsWith("is marked STARTED, but nothing of it has changed since ")
                .endsWith("over 60 minutes, so its process on another-host is taken to be gone (killed or crashed)");
        assertThat(UnfinishedRunsListener.why(recent, NOW_INSTANT)).isEmpty();
        assertThat(UnfinishedRunsListener.why(stepRecent, NOW_INSTANT)).isEmpty();
    }

    @Test
    void theTimesOfAnotherHostsRunAreReadInTheZoneItsOwnerRecorded() {
        // given: a run of a host in Tokyo, whose job repository times are Tokyo's local times (UTC+9)
        JobExecution tokyo =
                execution(BatchStatus.STARTED, "tokyo-host", NOW.plusHours(9).minusMinutes(5));
        tokyo.getExecutionContext().putString(RunOwnerListener.ZONE, "Asia/Tokyo");
        JobExecution silentTokyo =
                execution(BatchStatus.STARTED, "tokyo-host", NOW.plusHours(9).minusMinutes(61));
        silentTokyo.getExecutionContext().putString(RunOwnerListener.ZONE, "Asia/Tokyo");

        // then: changed 5 minutes ago, not in nine hours; and 61 minutes ago, said as an instant
        assertThat(UnfinishedRunsListener.why(tokyo, NOW_INSTANT)).isEmpty();
        assertThat(UnfinishedRunsListener.why(silentTokyo, NOW_INSTANT))
                .get()
                .asString()
                .contains("nothing of it has changed since 2026-12-05T12:59:00Z, over 60 minutes");
    }

    @Test
    void aTimeItsZoneRepeatsIsReadAsTheLaterAndAZoneThisProcessDoesNotKnowAsItsOwn() {
        // given: Berlin's clocks go back at 03:00 on 25 October 2026, so 02:30 is 00:30Z and again 01:30Z
        JobExecution berlin = execution(BatchStatus.STARTED, "berlin-host", LocalDateTime.parse("2026-10-25T02:30"));
        berlin.getExecutionContext().putString(RunOwnerListener.ZONE, "Europe/Berlin");
        // and: a zone some newer time-zone database may know, with a change a minute ago in this process's zone
        JobExecution unknownZone = execution(
                BatchStatus.STARTED,
                "newer-host",
                LocalDateTime.ofInstant(NOW_INSTANT.minusSeconds(60), ZoneId.systemDefault()));
        unknownZone.getExecutionContext().putString(RunOwnerListener.ZONE, "Mars/Olympus_Mons");

        // then: changed five minutes before 01:35Z, not 65; and read in this process's zone
        assertThat(UnfinishedRunsListener.why(berlin, Instant.parse("2026-10-25T01:35:00Z")))
                .isEmpty();
        assertThat(UnfinishedRunsListener.why(unknownZone, NOW_INSTANT)).isEmpty();
    }

    @Test
    void aRunOfAnotherHostWithoutADatedChangeIsUnfinishedAndOneNotBegunIsNot() {
        JobExecution undated = execution(BatchStatus.STARTED, "another-host", null);
        JobExecution notBegun = execution(BatchStatus.STARTING, "another-host", NOW.minusHours(5));
        notBegun.setStartTime(null);

        assertThat(UnfinishedRunsListener.why(undated, NOW_INSTANT))
                .hasValue("is marked STARTED, but no change of it is dated, so its process on another-host is taken"
                        + " to be gone (killed or crashed)");
        assertThat(UnfinishedRunsListener.why(notBegun, NOW_INSTANT)).isEmpty();
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
        execution.getExecutionContext().putString(RunOwnerListener.ZONE, "UTC");
        return execution;
    }
}
