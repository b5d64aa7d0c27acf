package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
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
 * A run with remote partitions whose broker cannot be reached (a closed port): its ingest step fails at once, its
 * partitions are failed in the job repository, and the same process can restart it.
 */
@SpringBootTest
class RemotePartitionFailuresIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-remote-failures-");
    static final String SCHEMA = "remote_fail_" + Long.toString(System.nanoTime(), 36);

    @Autowired
    BillingRuns runs;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, "amqp://guest:guest@127.0.0.1:1");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aBrokerThatCannotBeReachedFailsTheRunsPartitionsAndTheSameProcessRestartsIt() throws Exception {
        // given two files of one day
        LocalDate day = LocalDate.of(2026, 10, 30);
        Path input = Files.createDirectories(
                WORK.resolve("input-" + System.nanoTime()).resolve("down"));
        for (int file = 0; file < 2; file++) {
            UsageFixtures.write(
                    input.resolve("part-" + file + ".csv"), UsageFixtures.rows("down" + file, day, 100, file, "alice"));
        }

        // when
        JobExecution execution = RemotePartitionsTesting.runDay(runs, day, input);

        // then: both partitions failed in the repository, saying why, and a restart runs (and fails the same way)
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(RunFailures.of(execution)) // was the dispatcher's "Dispatcher failed to deliver Message"
                .singleElement()
                .asString()
                .startsWith("the broker of tokentally.ingest.broker-uri cannot be reached: Connection refused");
        assertThat(partitions(execution)).hasSize(2).allSatisfy(partition -> {
            assertThat(partition.getStatus()).isEqualTo(BatchStatus.FAILED);
            assertThat(partition.getExitStatus().getExitDescription()).contains("no worker started it");
        });
        JobExecution restarted = runs.restart(execution.getId());
        assertThat(restarted.getId()).isNotEqualTo(execution.getId());
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(partitions(restarted)).hasSize(2);
    }

    private List<StepExecution> partitions(JobExecution execution) {
        return RemotePartitionsTesting.partitions(jobRepository, execution);
    }
}
