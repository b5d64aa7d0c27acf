package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

class RunProgressListenerTests {

    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(5);

    @Test
    void aStepRunningLongerThanTheIntervalIsLoggedEveryIntervalWithItsItemsSoFar() {
        // given a run in its rate step, after a step that has finished
        JobExecution execution = new JobExecution(1, new JobInstance(7, "nightlyBillingJob"), new JobParameters());
        step(execution, 1, "ingestStep", BatchStatus.COMPLETED);
        StepExecution rate = step(execution, 2, "rateStep", BatchStatus.STARTED);
        RunProgressListener.Watch watch = new RunProgressListener.Watch(execution, INTERVAL);

        // when ticks see it at 0, 4 and 5 s, then at 10 s with 98,000 items rated
        var atStart = watch.lines(seconds(100));
        var atFour = watch.lines(seconds(104));
        var atFive = watch.lines(seconds(105));
        rate.setReadCount(98_000);
        rate.setWriteCount(98_000);
        var atTen = watch.lines(seconds(110));

        // then a line every interval, none for the finished step
        assertThat(atStart).isEmpty();
        assertThat(atFour).isEmpty();
        assertThat(atFive).containsExactly("Run progress: rateStep running for 5 s");
        assertThat(atTen)
                .containsExactly(
                        "Run progress: rateStep running for 10 s; 98,000 items read, 98,000 written (9,800 written/s)");
    }

    @Test
    void aStepThatEndsWithinTheIntervalLogsNothing() {
        // given a step seen running at 0 s
        JobExecution execution = new JobExecution(1, new JobInstance(7, "nightlyBillingJob"), new JobParameters());
        StepExecution prices = step(execution, 1, "loadPricesStep", BatchStatus.STARTED);
        RunProgressListener.Watch watch = new RunProgressListener.Watch(execution, INTERVAL);
        watch.lines(seconds(0));

        // when it completes before the interval is up
        prices.setStatus(BatchStatus.COMPLETED);

        // then
        assertThat(watch.lines(seconds(6))).isEmpty();
    }

    @Test
    void aPartitionWaitingForAThreadIsNotRunningAndCountsFromItsStart() {
        // given the ingest step, one file's partition running and one waiting for a thread (STARTING, as created)
        JobExecution execution = new JobExecution(1, new JobInstance(7, "nightlyBillingJob"), new JobParameters());
        step(execution, 1, "ingestStep", BatchStatus.STARTED);
        step(execution, 2, "ingestFileStep:file-1", BatchStatus.STARTED);
        StepExecution waiting = step(execution, 3, "ingestFileStep:file-2", BatchStatus.STARTING);
        RunProgressListener.Watch watch = new RunProgressListener.Watch(execution, INTERVAL);
        watch.lines(seconds(0));

        // when it starts after the tick at 5 s, and the next ticks are at 6 and 11 s
        var atFive = watch.lines(seconds(5));
        waiting.setStatus(BatchStatus.STARTED);
        watch.lines(seconds(6));
        var atEleven = watch.lines(seconds(11));

        // then it is not said to run before it started, and its time counts from the tick that saw it start
        assertThat(atFive)
                .containsExactly(
                        "Run progress: ingestStep running for 5 s",
                        "Run progress: ingestFileStep:file-1 running for 5 s");
        assertThat(atEleven)
                .containsExactly(
                        "Run progress: ingestStep running for 11 s",
                        "Run progress: ingestFileStep:file-1 running for 11 s",
                        "Run progress: ingestFileStep:file-2 running for 5 s");
    }

    @Test
    void aStepWaitingForItsTurnAtAStepLockIsSaidToRun() {
        // given a rate step created and waiting for another run's rate step (STARTING until it has the lock)
        JobExecution execution = new JobExecution(1, new JobInstance(7, "nightlyBillingJob"), new JobParameters());
        step(execution, 1, "rateStep", BatchStatus.STARTING);
        RunProgressListener.Watch watch = new RunProgressListener.Watch(execution, INTERVAL);
        watch.lines(seconds(0));

        // when, then
        assertThat(watch.lines(seconds(5))).containsExactly("Run progress: rateStep running for 5 s");
    }

    private static StepExecution step(JobExecution execution, long id, String name, BatchStatus status) {
        StepExecution step = new StepExecution(id, name, execution);
        step.setStatus(status);
        execution.addStepExecution(step);
        return step;
    }

    private static long seconds(long seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }
}
