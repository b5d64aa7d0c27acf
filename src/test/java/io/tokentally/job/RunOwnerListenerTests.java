package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;

/** Which process runs an execution: a restart takes over only one whose process is gone. */
class RunOwnerListenerTests {

    @Test
    void anExecutionOfThisProcessHasItsOwnerAliveHere() {
        JobExecution execution =
                ownedBy(RunOwnerListener.localHost(), ProcessHandle.current().pid());

        assertThat(RunOwnerListener.ownerIsAliveHere(execution)).isTrue();
        assertThat(RunOwnerListener.ownerIsGone(execution)).isFalse();
    }

    @Test
    void anExecutionOfAProcessThatEndedHasItsOwnerGone() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        JobExecution execution = ownedBy(RunOwnerListener.localHost(), ended.pid());

        assertThat(RunOwnerListener.ownerIsAliveHere(execution)).isFalse();
        assertThat(RunOwnerListener.ownerIsGone(execution)).isTrue();
    }

    @Test
    void anExecutionWhoseProcessIdNowNamesALaterProcessHasItsOwnerGone() {
        // given: this process's id, recorded with a start a minute before this process started
        long started =
                ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        JobExecution reused =
                ownedBy(RunOwnerListener.localHost(), ProcessHandle.current().pid());
        reused.getExecutionContext().putLong(RunOwnerListener.STARTED, started - 60_000);
        JobExecution same =
                ownedBy(RunOwnerListener.localHost(), ProcessHandle.current().pid());
        same.getExecutionContext().putLong(RunOwnerListener.STARTED, started);

        // then
        assertThat(RunOwnerListener.ownerIsGone(reused)).isTrue();
        assertThat(RunOwnerListener.ownerIsAliveHere(reused)).isFalse();
        assertThat(RunOwnerListener.ownerIsAliveHere(same)).isTrue();
    }

    @Test
    void anExecutionOfAnotherHostIsNeitherAliveHereNorKnownToBeGone() {
        JobExecution execution = ownedBy("another-host", ProcessHandle.current().pid());

        assertThat(RunOwnerListener.ownerIsAliveHere(execution)).isFalse();
        assertThat(RunOwnerListener.ownerIsGone(execution)).isFalse();
    }

    private static JobExecution ownedBy(String host, long pid) {
        JobExecution execution = new JobExecution(1, new JobInstance(1, "nightlyBillingJob"), new JobParameters());
        execution.getExecutionContext().putString(RunOwnerListener.HOST, host);
        execution.getExecutionContext().putLong(RunOwnerListener.PID, pid);
        return execution;
    }
}
