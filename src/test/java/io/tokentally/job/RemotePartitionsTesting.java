package io.tokentally.job;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/** What the remote-partition tests share: the broker, its queues, a day's run and the run's file partitions. */
final class RemotePartitionsTesting {

    /** The RabbitMQ broker of the tests; overridable for machines that run it elsewhere. */
    static final String BROKER =
            System.getenv().getOrDefault("TOKENTALLY_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672");

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

    static void deleteQueue(String queue) {
        CachingConnectionFactory connections = new CachingConnectionFactory(URI.create(BROKER));
        try {
            new RabbitAdmin(connections).deleteQueue(queue);
        } finally {
            connections.destroy();
        }
    }
}
