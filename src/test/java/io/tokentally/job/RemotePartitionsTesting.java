package io.tokentally.job;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/** What the remote-partition tests share: a day's run and the run's file partitions. */
final class RemotePartitionsTesting {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");

    private RemotePartitionsTesting() {}

    /** The day on one input folder, named after the folder, with the job fixtures' customers, plans and prices. */
    static JobExecution runDay(BillingRuns runs, LocalDate day, Path input) throws Exception {
        return runs.run(new BillingJobParameters(
                day,
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));
    }

    /** The run's file partitions as the job repository has them (the run's own copies are those it created). */
    static List<StepExecution> partitions(JobRepository jobRepository, JobExecution execution) {
        return jobRepository.getJobExecution(execution.getId()).getStepExecutions().stream()
                .filter(step -> step.getStepName().startsWith("ingestFileStep:"))
                .toList();
    }
}
