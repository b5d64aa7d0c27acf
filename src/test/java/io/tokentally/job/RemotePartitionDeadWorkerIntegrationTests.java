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
        TestPostgres.register(registry, SCHEMA);
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        registry.add("tokentally.ingest.partitioning", () -> "remote");
        registry.add("tokentally.ingest.broker-uri", () -> TestRabbitMq.BROKER);
        registry.add("tokentally.ingest.queue", () -> QUEUE);
        registry.add("tokentally.ingest.partition-timeout", () -> "60s");
    }

    @AfterAll
    static void dropQueueAndSchema() throws Exception {
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void theFileOfAWorkerThatDiedIsReadByAWorkerWhoseThreadsAllWaitForIt() throws Exception {
        // given three files of one source, and a consumer that will take the first partition's message
        LocalDate day = LocalDate.of(2026, 10, 30);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("dead"));
        for (int file = 0; file < 3; file++) {
            UsageFixtures.write(
                    input.resolve("part-" + file + ".csv"), UsageFixtures.rows("dead" + file, day, 300, file, "alice"));
        }
        CachingConnectionFactory connections = TestRabbitMq.connections();
        new RabbitAdmin(connections).declareQueue(new Queue(QUEUE, true));
        ConfigurableApplicationContext worker = null;
        ConnectionFactory bare = new ConnectionFactory();
        bare.setUri(TestRabbitMq.BROKER);
        Connection dyingWorker = bare.newConnection();
        try {
            Channel dying = dyingWorker.createChannel();
            String presence = dying.queueDeclare().getQueue();
            CountDownLatch taken = new CountDownLatch(1);
            dying.basicQos(1);
            dying.basicConsume(QUEUE, false, new DefaultConsumer(dying) {
                @Override
                public void handleDelivery(
                        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    startAsAWorker(Long.parseLong(new String(body, StandardCharsets.US_ASCII)), presence);
                    taken.countDown();
                }
            });

            // when the run sends its partitions, the dying consumer takes the first one's message and starts it
            CompletableFuture<JobExecution> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return RemotePartitionsTesting.runDay(runs, day, input);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(taken.await(30, TimeUnit.SECONDS)).isTrue();

            // and a worker of two threads takes the other two, which wait for the first
            worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);
            awaitStarted(3);

            // and the dying consumer's connection closes without acknowledging: the first message is back in the queue
            dyingWorker.close();

            // then the worker reads the first file too, and the run completes before its partition timeout
            JobExecution execution = run.get(55, TimeUnit.SECONDS);
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(RemotePartitionsTesting.partitions(jobRepository, execution))
                    .hasSize(3)
                    .allSatisfy(partition -> {
                        assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED);
                        assertThat(partition.getExecutionContext().getString("worker"))
                                .contains("@");
                    });
        } finally {
            if (dyingWorker.isOpen()) {
                dyingWorker.close();
            }
            if (worker != null) {
                worker.close();
            }
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
        partition.getExecutionContext().putString("worker", "1@dying");
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
