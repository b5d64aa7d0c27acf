package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;

class PartitionWorkerTests {

    static final LocalDateTime CREATED = LocalDateTime.parse("2026-11-27T02:00:00.123456");

    /** Partition 7 of job execution 3, as this database holds it, created at {@link #CREATED}. */
    final StepExecution held = partition();

    @Test
    void aMessageOfThePartitionCreatedWhenItSaysIsTheDatabasesPartition() {
        // given: the message as the run sent it, and as a worker whose zone skips the hour reads the time (an hour on)
        PartitionQueue.Partition sent = sent(3, CREATED);
        PartitionQueue.Partition readAnHourOn = sent(3, CREATED.plusHours(1));

        // when, then
        assertThat(PartitionWorker.held(held, sent)).isSameAs(held);
        assertThat(PartitionWorker.held(held, readAnHourOn)).isSameAs(held);
    }

    @Test
    void aPartitionOfTheSameIdsCreatedAtAnotherTimeIsAnotherDatabasesAndDropped() {
        // given: a message of partition 7 of job execution 3 of another database, with an alike history
        PartitionQueue.Partition sent = sent(3, CREATED.plusDays(2).plusSeconds(7));

        // when, then: dropped, where the ids alone took it for this database's partition (ended, so acknowledged as
        // done)
        assertThatThrownBy(() -> PartitionWorker.held(held, sent))
                .isInstanceOf(AmqpRejectAndDontRequeueException.class)
                .hasMessage("Worker: dropped partition 7 of execution 3: this database's was created at"
                        + " 2026-11-27T02:00:00.123456, the message's at 2026-11-29T02:00:07.123456 (is the queue"
                        + " shared by two databases?)");
    }

    @Test
    void aMessageOfAnotherJobExecutionOrWithoutThePartitionIsDropped() {
        // given: a message of job execution 4, and one of a partition this database does not hold
        PartitionQueue.Partition otherJob = sent(4, CREATED);

        // when, then
        assertThatThrownBy(() -> PartitionWorker.held(held, otherJob))
                .isInstanceOf(AmqpRejectAndDontRequeueException.class)
                .hasMessageEndingWith(
                        "this database holds no such file partition (is the queue shared by two databases?)");
        assertThatThrownBy(() -> PartitionWorker.held(null, sent(3, CREATED)))
                .isInstanceOf(AmqpRejectAndDontRequeueException.class);
    }

    @Test
    void aMessageOfAVersionThatDidNotSayWhenIsTakenOnTheIds() {
        // given
        PartitionQueue.Partition sent = sent(3, null);

        // when, then
        assertThat(PartitionWorker.held(held, sent)).isSameAs(held);
    }

    private static StepExecution partition() {
        JobExecution job = new JobExecution(3, new JobInstance(1, "nightly-billing"), new JobParameters());
        StepExecution partition = new StepExecution(7, "ingestFileStep:partition0", job);
        partition.setCreateTime(CREATED);
        return partition;
    }

    private static PartitionQueue.Partition sent(long jobExecutionId, LocalDateTime created) {
        return new PartitionQueue.Partition(new StepExecutionRequest("ingestFileStep", 7L), jobExecutionId, created);
    }
}
