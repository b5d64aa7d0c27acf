package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import io.tokentally.UsageFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A run with remote partitions that no worker reads (the real broker, a queue of its own, no worker): its ingest step
 * fails once it has waited tokentally.ingest.partition-timeout, and its partitions are failed in the job repository.
 */
@SpringBootTest
class RemotePartitionTimeoutIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-remote-timeout-");
    static final String SCHEMA = "remote_timeout_" + Long.toString(System.nanoTime(), 36);

    @Autowired
    BillingRuns runs;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, TestRabbitMq.BROKER);
        registry.add("tokentally.ingest.queue", () -> QUEUE);
        registry.add("tokentally.ingest.partition-timeout", () -> "3s");
    }

    static final String QUEUE = "tokentally-test-" + SCHEMA;

    @AfterAll
    static void dropQueueAndSchema() throws Exception {
        TestRabbitMq.deleteQueue(QUEUE);
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aRunNoWorkerReadsFailsAfterTheTimeoutWithItsPartitionsFailed() throws Exception {
        // given one file, and no worker
        LocalDate day = LocalDate.of(2026, 10, 31);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("nobody"));
        UsageFixtures.write(input.resolve("one.csv"), UsageFixtures.rows("nobody", day, 100, 1, "alice"));

        // when
        JobExecution execution = RemotePartitionsTesting.runDay(runs, day, input);

        // then: failed once it had waited, saying which setting and that no worker started its file, and its
        // partition failed saying the same (it said the poller's "Timed out waiting for task to return non-null
        // result")
        String timedOut = "the run's files were not all read within tokentally.ingest.partition-timeout (3s): of its"
                + " 1 file(s), no worker started 1 (is a worker running, on this database and"
                + " tokentally.ingest.queue?)";
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(execution.getAllFailureExceptions())
                .extracting(Throwable::getMessage)
                .contains(timedOut);
        assertThat(partitions(execution)).singleElement().satisfies(partition -> {
            assertThat(partition.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(partition.getExitStatus().getExitDescription()).isEqualTo("no worker started it: " + timedOut);
        });
    }

    private List<StepExecution> partitions(JobExecution execution) {
        return RemotePartitionsTesting.partitions(jobRepository, execution);
    }
}
