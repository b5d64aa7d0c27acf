package io.tokentally.cli;

import io.tokentally.ingest.InputSource;
import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokentally bench --rows N}: the nightly job on synthetic data and a fresh database, measured. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a deterministic synthetic gateway log, runs the nightly job on a fresh database and prints"
                    + " rows per second for the whole job and per step, and the peak heap.",
            "Run it with the heap you want to measure, e.g. java -Xmx1g -jar target/tokentally.jar bench --rows 1000000."
        })
class BenchCommand implements Callable<Integer> {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--rows",
            description = "Rows of usage to generate. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1000000")
    long rows;

    @Option(
            names = "--files",
            description = "Files to spread the rows over (one partition each). Default: ${DEFAULT-VALUE}.",
            defaultValue = "4")
    int files;

    @Option(
            names = "--work-dir",
            description = "Where to write data and the database. Default: a new temporary folder.")
    Path workDir;

    @Option(
            names = "--postgres",
            paramLabel = "JDBC_URL",
            description = "Run on PostgreSQL instead of H2, in a fresh schema of this database, e.g."
                    + " jdbc:postgresql://127.0.0.1:5432/test (user from PGUSER, default postgres).")
    String postgres;

    @Option(
            names = "--prices",
            description = "Prices file. Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/prices.csv")
    Path prices;

    @Option(
            names = "--plans",
            description = "Plans file. Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/plans.yaml")
    Path plans;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? workDir : Files.createTempDirectory("tokentally-bench-");
        Path usage = dir.resolve("usage");
        long started = System.nanoTime();
        SyntheticUsage.write(usage, DAY, rows, files, 42);
        Path customers = dir.resolve("customers.csv");
        SyntheticUsage.writeCustomers(customers);
        out.printf(
                "Generated %,d rows in %d file(s) under %s in %.1f s%n",
                rows, files, usage, seconds(System.nanoTime() - started));
        out.flush();

        Map<String, Object> properties = new HashMap<>();
        properties.put("tokentally.runs-dir", dir.resolve("runs").toString());
        String schema = null;
        if (postgres != null) {
            schema = "bench_" + System.currentTimeMillis();
            properties.put(
                    "spring.datasource.url",
                    postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            properties.put("spring.datasource.username", System.getenv().getOrDefault("PGUSER", "postgres"));
            properties.put("spring.flyway.schemas", schema);
            properties.put("spring.flyway.default-schema", schema);
        } else {
            properties.put("tokentally.data-dir", dir.resolve("data").toString());
        }
        try (ConfigurableApplicationContext context = SpringContexts.start(properties)) {
            BillingJobParameters parameters = new BillingJobParameters(
                    DAY, 0, List.of(new InputSource("bench", usage).spec()), customers, plans, prices);
            resetPeakHeap();
            long jobStart = System.nanoTime();
            JobExecution execution = context.getBean(BillingRuns.class).run(parameters);
            long jobNanos = System.nanoTime() - jobStart;
            print(out, execution, jobNanos);
        } finally {
            if (schema != null) {
                dropSchema(schema);
            }
        }
        out.println("Work folder: " + dir);
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, JobExecution execution, long jobNanos) {
        out.printf(
                "Job %s in %.2f s: %,.0f rows/s end to end%n",
                execution.getStatus(), seconds(jobNanos), rows / seconds(jobNanos));
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().contains(":")) {
                continue;
            }
            double stepSeconds =
                    Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1e9;
            out.printf(
                    "  %-20s %7.2f s  %,12.0f rows/s  (read %,d, written %,d)%n",
                    step.getStepName(),
                    stepSeconds,
                    rows / Math.max(stepSeconds, 1e-3),
                    step.getReadCount(),
                    step.getWriteCount());
        }
        out.printf(
                "Peak heap: %,d MB (max heap %,d MB)%n",
                peakHeap() / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private void dropSchema(String schema) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(postgres, System.getenv().getOrDefault("PGUSER", "postgres"), "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
