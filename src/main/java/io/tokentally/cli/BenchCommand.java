package io.tokentally.cli;

import io.tokentally.ingest.InputSource;
import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.stripe.StripeProperties;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
            names = "--customers",
            description = "Customers in the synthetic log. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1000")
    int customers;

    @Option(
            names = "--stripe-api-base",
            paramLabel = "URL",
            description = "Upload to this Stripe API base (a test stand-in or a sandbox; key from STRIPE_API_KEY, or a"
                    + " test key for a stand-in) instead of a dry run, and report the upload rate.")
    String stripeApiBase;

    @Option(
            names = "--stripe-rate",
            description = "Upload calls per second. Default: the engine's tokentally.stripe.rate-per-second.")
    Integer stripeRate;

    @Option(
            names = "--days",
            description = "Nights to run one after the other, in this process and on the same database, as a"
                    + " long-running serve runs them: each day has its own synthetic log of --rows rows and its own"
                    + " figures. The first day starts a cold JVM on an empty database; the later ones show the job"
                    + " warmed up and with the days before it stored. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int days;

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
        RequiredFiles.requireFile(spec, "--prices", prices);
        RequiredFiles.requireFile(spec, "--plans", plans);
        if (rows < 1) {
            throw new ParameterException(spec.commandLine(), "--rows: must be at least 1, was " + rows);
        }
        if (days < 1) {
            throw new ParameterException(spec.commandLine(), "--days: must be at least 1, was " + days);
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("tokentally-bench-");
        Path customersFile = dir.resolve("customers.csv");
        SyntheticUsage.writeCustomers(customersFile, customers);
        LocalDate lastDay =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);

        Map<String, Object> properties = new HashMap<>();
        properties.put("tokentally.runs-dir", dir.resolve("runs").toString());
        if (stripeApiBase != null) {
            properties.put(
                    "tokentally.stripe.api-key", System.getenv().getOrDefault("STRIPE_API_KEY", "sk_test_bench"));
            properties.put("tokentally.stripe.api-base", stripeApiBase);
            if (stripeRate != null) {
                properties.put("tokentally.stripe.rate-per-second", Integer.toString(stripeRate));
            }
        } else {
            properties.put("tokentally.stripe.api-key", "");
        }
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
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            int rateLimit = context.getBean(StripeProperties.class).ratePerSecond();
            for (int d = 0; d < days; d++) {
                LocalDate day = lastDay.minusDays(days - 1 - d);
                if (days > 1) {
                    out.printf("Day %d of %d: %s%n", d + 1, days, day);
                }
                Path usage =
                        days == 1 ? dir.resolve("usage") : dir.resolve("usage").resolve(day.toString());
                long started = System.nanoTime();
                SyntheticUsage.write(usage, day, rows, files, customers, 42 + d);
                out.printf(
                        "Generated %,d rows in %d file(s) under %s in %.1f s%n",
                        rows, files, usage, seconds(System.nanoTime() - started));
                out.flush();
                BillingJobParameters parameters = new BillingJobParameters(
                        day, 0, List.of(new InputSource("bench", usage).spec()), customersFile, plans, prices);
                OutboxCounts before = OutboxCounts.read(jdbc);
                resetPeakHeap();
                JobExecution execution;
                long jobNanos;
                long afterGc;
                try (HeapAfterGc heap = new HeapAfterGc()) {
                    long jobStart = System.nanoTime();
                    execution = context.getBean(BillingRuns.class).run(parameters);
                    jobNanos = System.nanoTime() - jobStart;
                    afterGc = heap.highestBytes();
                }
                print(out, execution, jobNanos, afterGc);
                printStripe(out, execution, OutboxCounts.read(jdbc).minus(before), rateLimit);
            }
        } finally {
            if (schema != null) {
                dropSchema(schema);
            }
        }
        out.println("Work folder: " + dir);
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, JobExecution execution, long jobNanos, long heapAfterGc) {
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
                "Peak heap: %,d MB (max heap %,d MB; the heap areas' peaks summed, garbage included)%n",
                peakHeap() / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        out.printf("Heap in use after GC, highest: %,d MB%n", heapAfterGc / (1024 * 1024));
    }

    private void printStripe(PrintWriter out, JobExecution execution, OutboxCounts run, int limit) {
        out.printf(
                "Meter events: %,d for %,d rows = %,.0f per million input rows%n",
                run.events(), rows, run.events() * 1e6 / rows);
        if (stripeApiBase == null) {
            out.println("Upload: dry run (requests written to stripe-requests.jsonl in the run folder)");
            return;
        }
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().equals("uploadMeterEventsStep")) {
                double stepSeconds =
                        Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1e9;
                double rate = run.sent() / stepSeconds;
                out.printf(
                        "Upload: %,d sent in %.1f s = %.1f calls/s at a limit of %d/s (%.0f%% of the limit), %,d retried calls (429, 409, 5xx, timeouts)%n",
                        run.sent(), stepSeconds, rate, limit, 100 * rate / limit, run.retries());
            }
        }
    }

    /** What the outbox holds: its rows, those sent, and the calls beyond each row's first; a run's are the difference. */
    private record OutboxCounts(long events, long sent, long retries) {

        static OutboxCounts read(JdbcTemplate jdbc) {
            return jdbc.queryForObject(
                    "SELECT COUNT(*), COUNT(CASE WHEN state = 'SENT' THEN 1 END),"
                            + " COALESCE(SUM(CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END), 0) FROM outbox",
                    (rs, n) -> new OutboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
        }

        OutboxCounts minus(OutboxCounts before) {
            return new OutboxCounts(events - before.events, sent - before.sent, retries - before.retries);
        }
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
