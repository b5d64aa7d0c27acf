package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import io.tokentally.UsageFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker that dies reading the first file of a source while another worker's threads all hold later files of it,
 * each waiting for the first (the real broker and PostgreSQL). The dying worker is a bare consumer that takes the first
 * message, marks its partition started with a presence queue of its own connection, as a worker does, and closes the
 * connection without acknowledging the message: the broker gives the message back to the queue and deletes the
 * presence queue, as when a worker process dies.
 */
@SpringBootTest
class RemotePartitionDeadWorkerIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-remote-dead-");
    static final String SCHEMA = "remote_dead_" + Long.toString(System.nanoTime(), 36);
    static final String QUEUE = "tokentally-test-" + SCHEMA;

    @Autowired
    BillingRuns runs;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, TestRabbitMq.BROKER);
        registry.add("tokentally.ingest.queue", () -> QUEUE);
        registry.add("tokentally.ingest.partition-timeout", () -> "60s");
    }

    @AfterAll
    static void dropQueueAndSchema() throws Exception {
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void theFileOfAWorkerThatDiedReadingItIsReadByAWorkerWhoseThreadsAllWaitForIt() throws Exception {
        // given four files of one source; a worker takes the first and starts it, another worker of two threads the
        // next two, which wait for the first, and the fourth waits in the queue
        try (DeadWorkerScenario scenario = new DeadWorkerScenario(LocalDate.of(2026, 10, 30), 4, true)) {
            // when the first worker lives on, then the second judges no wait stalled: it takes no more messages
            Thread.sleep(2 * 5_000 + 1_000);
            assertThat(RemotePartitionsTesting.consumers(QUEUE)).isEqualTo(3);

            // when the first worker dies (its connection ends without acknowledging: its message is back in the
            // queue, and its presence queue is gone), then the second reads the first file and the fourth, and the run
            // completes before its partition timeout
            JobExecution execution = scenario.dieAndAwaitRun();
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(RemotePartitionsTesting.partitions(jobRepository, execution))
                    .hasSize(4)
                    .allSatisfy(partition -> {
                        assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED);
                        assertThat(partition.getExecutionContext().getString("worker"))
                                .contains("@")
                                .isNotEqualTo(DYING);
                    });
        }
    }

    @Test
    void theFileOfAWorkerThatDiedBeforeStartingItIsReadByAWorkerWhoseThreadsAllWaitForIt() throws Exception {
        // given three files of one source; a worker takes the first without starting it, another worker of two threads
        // the next two, which wait for the first
        try (DeadWorkerScenario scenario = new DeadWorkerScenario(LocalDate.of(2026, 10, 31), 3, false)) {
            // when the first worker dies, then the second reads the first file, and the run completes
            JobExecution execution = scenario.dieAndAwaitRun();
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(RemotePartitionsTesting.partitions(jobRepository, execution))
                    .hasSize(3)
                    .allSatisfy(partition -> assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED));
        }
    }

    private static final String DYING = "1@dying";

    /**
     * A run of {@code files} files of one source, the first taken by a dying worker (a bare AMQP consumer that starts
     * its partition with a presence queue of its own connection, as a worker does, or leaves it unstarted), the next
     * two by a worker of two threads started after it, which wait for the first.
     */
    private final class DeadWorkerScenario implements AutoCloseable {

        private final CachingConnectionFactory connections = TestRabbitMq.connections();
        private final Connection dyingWorker;
        private final CompletableFuture<JobExecution> run;
        private final ConfigurableApplicationContext worker;

        DeadWorkerScenario(LocalDate day, int files, boolean startsIt) throws Exception {
            Path input = Files.createDirectories(
                    WORK.resolve("input-" + System.nanoTime()).resolve("dead" + files));
            for (int file = 0; file < files; file++) {
                UsageFixtures.write(
                        input.resolve("part-" + file + ".csv"),
                        UsageFixtures.rows("dead" + files + "-" + file, day, 300, file, "alice"));
            }
            new RabbitAdmin(connections).declareQueue(new Queue(QUEUE, true));
            ConnectionFactory bare = new ConnectionFactory();
            bare.setUri(TestRabbitMq.BROKER);
            dyingWorker = bare.newConnection();
            Channel dying = dyingWorker.createChannel();
            String presence = dying.queueDeclare().getQueue();
            CountDownLatch taken = new CountDownLatch(1);
            dying.basicQos(1);
            dying.basicConsume(QUEUE, false, new DefaultConsumer(dying) {
                @Override
                public void handleDelivery(
                        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    if (startsIt) {
                        startAsAWorker(Long.parseLong(new String(body, StandardCharsets.US_ASCII)), presence);
                    }
                    taken.countDown();
                }
            });
            run = CompletableFuture.supplyAsync(() -> {
                try {
                    return RemotePartitionsTesting.runDay(runs, day, input);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(taken.await(30, TimeUnit.SECONDS)).isTrue();
            worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);
            awaitStarted(startsIt ? 3 : 2);
        }

        JobExecution dieAndAwaitRun() throws Exception {
            dyingWorker.close();
            return run.get(55, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            if (dyingWorker.isOpen()) {
                dyingWorker.close();
            }
            worker.close();
            connections.destroy();
        }
    }

    /**
     * Marks a partition started by a worker whose presence queue is {@code presence}, as a worker does before it
     * reads the file.
     */
    private void startAsAWorker(long stepExecutionId, String presence) {
        StepExecution partition = jobRepository.getStepExecution(stepExecutionId);
        partition.setStatus(BatchStatus.STARTED);
        partition.setStartTime(LocalDateTime.now());
        partition.getExecutionContext().putString("worker", DYING);
        partition.getExecutionContext().putString("worker-presence", presence);
        jobRepository.update(partition);
        jobRepository.updateExecutionContext(partition);
    }

    /** Waits until {@code count} file partitions of the run under way have been started by a worker (or the test). */
    private void awaitStarted(int count) throws InterruptedException {
        for (int look = 0; look < 300; look++) {
            List<StepExecution> started = startedPartitions();
            if (started.size() >= count) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(startedPartitions()).hasSizeGreaterThanOrEqualTo(count);
    }

    private List<StepExecution> startedPartitions() {
        return jobRepository.getJobInstances("nightlyBillingJob", 0, 1).stream()
                .flatMap(instance -> jobRepository.getJobExecutions(instance).stream())
                .flatMap(execution -> RemotePartitionsTesting.partitions(jobRepository, execution).stream())
                .filter(partition -> partition.getStatus() == BatchStatus.STARTED)
                .toList();
    }
}
