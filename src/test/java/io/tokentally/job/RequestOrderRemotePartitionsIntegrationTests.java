package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import io.tokentally.UsageFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
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
 * Which copy of a repeated request id counts when the files are read by a worker process (remote partitions over
 * RabbitMQ at 127.0.0.1:5672, PostgreSQL shared): the worker runs in this JVM, in a context of its own started as the
 * {@code worker} command starts it, with two consumers as the local runs have two threads.
 */
@SpringBootTest
class RequestOrderRemotePartitionsIntegrationTests extends RequestOrderScenarios {

    static final Path WORK = TempFolders.create("tokentally-order-remote-");
    static final String SCHEMA = "order_remote_" + Long.toString(System.nanoTime(), 36);
    static final String BROKER = TestRabbitMq.BROKER;
    static final String QUEUE = "tokentally-test-" + SCHEMA;

    private static ConfigurableApplicationContext worker;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, BROKER);
        registry.add("tokentally.ingest.queue", () -> QUEUE);
    }

    /** The worker, started before the run's context (it creates the schema); as {@code SpringContexts.worker} does. */
    @BeforeAll
    static void startWorker() {
        worker = RemotePartitionsTesting.startWorker(SCHEMA, QUEUE, WORK);
    }

    @AfterAll
    static void stopWorkerAndDrop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Override
    Path workDir() {
        return WORK;
    }

    @Test
    void everyFilePartitionIsReadByTheWorkerProcess() throws Exception {
        // given: three files of one day
        LocalDate day = LocalDate.of(2026, 10, 28);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("three"));
        for (int file = 0; file < 3; file++) {
            UsageFixtures.write(
                    input.resolve("part-" + file + ".csv"),
                    UsageFixtures.rows("three" + file, day, 500, file, "alice"));
        }

        // when
        JobExecution execution = run(day, input);

        // then: three partitions, each completed, each naming the worker process that read it (as the job
        // repository has them: the run's own copies are those it created, before the worker took them)
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(RemotePartitionsTesting.partitions(jobRepository, execution))
                .hasSize(3)
                .allSatisfy(partition -> {
                    assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED);
                    assertThat(partition.getExecutionContext().getString("worker"))
                            .contains("@");
                });
    }

    @Test
    void aPartitionGivenAgainAfterItEndedIsNotRunAgain() throws Exception {
        // given a run whose one partition completed
        LocalDate day = LocalDate.of(2026, 10, 29);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("again"));
        UsageFixtures.write(input.resolve("one.csv"), UsageFixtures.rows("again", day, 200, 1, "alice"));
        JobExecution execution = run(day, input);
        StepExecution partition = partitionOf(execution);

        // when the broker gives its message again (as when a worker died before acknowledging it), and a worker has
        // taken it and had the time to run a file of 200 rows
        MessageProperties properties = new MessageProperties();
        properties.setHeader("tokentally-step", "ingestFileStep");
        CachingConnectionFactory connections = new CachingConnectionFactory(URI.create(BROKER));
        try {
            new RabbitTemplate(connections)
                    .send(
                            "",
                            QUEUE,
                            new Message(Long.toString(partition.getId()).getBytes(), properties));
            RabbitAdmin admin = new RabbitAdmin(connections);
            for (int wait = 0; wait < 100 && waiting(admin) > 0; wait++) {
                Thread.sleep(100);
            }
            assertThat(waiting(admin)).isZero();
        } finally {
            connections.destroy();
        }
        Thread.sleep(3000);

        // then the ended partition was left as it was: not started again
        StepExecution after = partitionOf(execution);
        assertThat(after.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(after.getStartTime()).isEqualTo(partition.getStartTime());
        assertThat(after.getVersion()).isEqualTo(partition.getVersion());
    }

    /** The messages in the queue that no worker has taken. */
    private static long waiting(RabbitAdmin admin) {
        return admin.getQueueInfo(QUEUE).getMessageCount();
    }

    private StepExecution partitionOf(JobExecution execution) {
        return RemotePartitionsTesting.partitions(jobRepository, execution).get(0);
    }
}
