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

/** A run with remote partitions whose broker refuses the login: the run says so, naming the setting. */
@SpringBootTest
class RemotePartitionLoginRefusedIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-remote-login-");
    static final String SCHEMA = "remote_login_" + Long.toString(System.nanoTime(), 36);

    @Autowired
    BillingRuns runs;

    @Autowired
    JobRepository jobRepository;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        RemotePartitionsTesting.register(registry, SCHEMA, WORK, "amqp://guest:not-the-password@127.0.0.1:5672");
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Test
    void aBrokerThatRefusesTheLoginFailsTheRunSayingSoAndNamingTheSetting() throws Exception {
        // given
        LocalDate day = LocalDate.of(2026, 10, 30);
        Path input = Files.createDirectories(WORK.resolve("input").resolve("refused"));
        UsageFixtures.write(input.resolve("part.csv"), UsageFixtures.rows("refused", day, 10, 0, "alice"));

        // when
        JobExecution execution = RemotePartitionsTesting.runDay(runs, day, input);

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(RunFailures.of(execution))
                .singleElement()
                .asString()
                .startsWith("the broker refused the login of tokentally.ingest.broker-uri (its user and password):"
                        + " ACCESS_REFUSED");
        assertThat(partitions(execution))
                .singleElement()
                .satisfies(partition -> assertThat(partition.getExitStatus().getExitDescription())
                        .contains("no worker started it"));
    }

    private List<StepExecution> partitions(JobExecution execution) {
        return RemotePartitionsTesting.partitions(jobRepository, execution);
    }
}
