package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TcpProxy;
import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import io.tokentally.UsageFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker that loses its database (PostgreSQL through a proxy the test cuts; RabbitMQ at 127.0.0.1:5672): the files
 * it takes meanwhile go back to the queue, and it reads them once the database is back, so the run completes. A
 * message its database holds no partition of is dropped, not put back.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class RemotePartitionWorkerDatabaseIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-worker-database-");
    static final String SCHEMA = "worker_db_" + Long.toString(System.nanoTime(), 36);
    static final String QUEUE = "tokentally-test-" + SCHEMA;

    private static TcpProxy database;
    private static ConfigurableApplicationContext worker;

    @Autowired
    BillingRuns runs;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, TestRabbitMq.BROKER);
        registry.add("tokentally.ingest.queue", () -> QUEUE);
    }

    /** The worker, on the database through the proxy, waiting at most 2 s for a connection. */
    @BeforeAll
    static void startWorker() throws Exception {
        database = new TcpProxy(TestPostgres.address());
        worker = RemotePartitionsTesting.startWorker(
                SCHEMA,
                QUEUE,
                WORK,
                Map.of(
                        "spring.datasource.url",
                        TestPostgres.url(SCHEMA, database),
                        "spring.datasource.hikari.connection-timeout",
                        "2000"));
    }

    @AfterAll
    static void stopWorkerAndDrop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (database != null) {
            database.close();
        }
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void filesAWorkerTookWithoutItsDatabaseGoBackToTheQueueAndAreReadOnceItIsBack(CapturedOutput output)
            throws Exception {
        // given two files of one day, and a worker whose database is out of reach
        LocalDate day = LocalDate.of(2026, 10, 27);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("cut"));
        for (int file = 0; file < 2; file++) {
            UsageFixtures.write(
                    input.resolve("part-" + file + ".csv"), UsageFixtures.rows("cut" + file, day, 100, file, "alice"));
        }
        database.cut();

        // when a run sends them, and the worker has tried them without its database
        CompletableFuture<JobExecution> run = CompletableFuture.supplyAsync(() -> {
            try {
                return RemotePartitionsTesting.runDay(runs, day, input);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RemotePartitionsTesting.awaitOutput(output, "Connection is not available");
        assertThat(run).isNotDone();
        assertThat(RemotePartitionsTesting.get(worker, "/actuator/health/liveness")
                        .statusCode())
                .as("a worker without its database is live: a restart would not bring the database back")
                .isEqualTo(200);

        // then once the database is back, the worker reads both files, and the run completes with their rows
        database.restore();
        JobExecution execution = run.get(60, TimeUnit.SECONDS);
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(RemotePartitionsTesting.partitions(jobRepository, execution))
                .hasSize(2)
                .allSatisfy(partition -> {
                    assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED);
                    assertThat(partition.getExecutionContext().getString("worker"))
                            .contains("@");
                    assertThat(partition.getReadCount()).isEqualTo(100);
                });
    }

    @Test
    void aMessageNamingNoFilePartitionOfItsDatabaseIsDroppedAndLoggedNotPutBack(CapturedOutput output)
            throws Exception {
        // given a partition message of another database: a step execution id this one does not hold
        long otherDatabases = 987_654_321L;
        MessageProperties properties = new MessageProperties();
        properties.setHeader("tokentally-step", "ingestFileStep");
        properties.setHeader("tokentally-job-execution", "1");
        properties.setHeader("tokentally-partition-created", "2026-10-27T01:02:03.456");
        CachingConnectionFactory connections = TestRabbitMq.connections();
        try {
            // when it reaches the worker
            new RabbitTemplate(connections)
                    .send(
                            "",
                            QUEUE,
                            new Message(Long.toString(otherDatabases).getBytes(StandardCharsets.US_ASCII), properties));

            // then the worker drops it saying why, once: it is not put back (it was, every second, for good)
            String dropped = "PartitionWorker - Worker: dropped partition " + otherDatabases
                    + " of execution 1: this database holds no such file partition";
            RemotePartitionsTesting.awaitOutput(output, dropped);
            Thread.sleep(2_500);
            assertThat(output.getAll().split(Pattern.quote(dropped), -1))
                    .as("the drop's log lines")
                    .hasSize(2);
            assertThat(output.getAll())
                    .doesNotContain("EmptyResultDataAccessException")
                    .as("the listener container's warning and stack trace")
                    .doesNotContain("AmqpRejectAndDontRequeueException");
        } finally {
            connections.destroy();
        }
    }
}
