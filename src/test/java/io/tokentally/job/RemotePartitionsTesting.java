package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestPostgres;
import io.tokentally.TestRabbitMq;
import io.tokentally.TokentallyApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What the remote-partition tests share: a worker, a day's run and the run's file partitions. */
final class RemotePartitionsTesting {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");

    private RemotePartitionsTesting() {}

    /** Runs with remote partitions on the test database's {@code schema}, through the broker at {@code brokerUri}. */
    static void register(DynamicPropertyRegistry registry, String schema, Path workDir, String brokerUri) {
        TestPostgres.register(registry, schema);
        registry.add("tokentally.runs-dir", () -> workDir.resolve("runs").toString());
        registry.add("tokentally.ingest.partitioning", () -> "remote");
        registry.add("tokentally.ingest.broker-uri", () -> brokerUri);
    }

    /**
     * A worker process in this JVM, on the test database's {@code schema} and the broker's {@code queue}, with two
     * threads, started as the {@code worker} command starts it ({@code SpringContexts.worker}), its health's web
     * server on a free port ({@code local.server.port}).
     */
    static ConfigurableApplicationContext startWorker(String schema, String queue, Path workDir) {
        return startWorker(schema, queue, workDir, Map.of());
    }

    /** {@link #startWorker(String, String, Path)} with {@code settings} in place of the settings they name, or besides. */
    static ConfigurableApplicationContext startWorker(
            String schema, String queue, Path workDir, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("server.port", "0");
        all.put("spring.datasource.url", TestPostgres.url(schema));
        all.put("spring.datasource.username", TestPostgres.USER);
        all.put("spring.datasource.password", "");
        all.put("spring.flyway.schemas", schema);
        all.put("spring.flyway.default-schema", schema);
        all.put("tokentally.runs-dir", workDir.resolve("worker-runs").toString());
        all.put("tokentally.s3.watch", "false");
        all.put("tokentally.ingest.partitioning", "remote");
        all.put("tokentally.ingest.broker-uri", TestRabbitMq.BROKER);
        all.put("tokentally.ingest.queue", queue);
        all.put("tokentally.ingest.threads", "2");
        all.putAll(settings);
        return new SpringApplicationBuilder(TokentallyApplication.class)
                .web(WebApplicationType.SERVLET)
                .profiles("worker")
                .run(all.entrySet().stream()
                        .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                        .toArray(String[]::new));
    }

    /** {@code path} of the worker's web server (its liveness), asked with no token. */
    static HttpResponse<String> get(ConfigurableApplicationContext worker, String path)
            throws IOException, InterruptedException {
        String port = worker.getEnvironment().getProperty("local.server.port");
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** How many consumers {@code queue} has, as the broker counts them. */
    static int consumers(String queue) {
        CachingConnectionFactory connections = TestRabbitMq.connections();
        try {
            return new RabbitAdmin(connections).getQueueInfo(queue).getConsumerCount();
        } finally {
            connections.destroy();
        }
    }

    /** Waits up to 30 s for the captured output to hold {@code text}. */
    static void awaitOutput(CapturedOutput output, String text) throws Exception {
        assertThat(await(output::getAll, all -> all.contains(text), Duration.ofSeconds(30)))
                .contains(text);
    }

    /**
     * Reads {@code value} every 100 ms until {@code done} holds of it or {@code within} has passed, and returns the
     * last value read (for the caller to assert on).
     */
    static <T> T await(Callable<T> value, Predicate<T> done, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        T read = value.call();
        while (!done.test(read) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            read = value.call();
        }
        return read;
    }

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
