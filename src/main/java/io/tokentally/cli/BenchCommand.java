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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;
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
            "Writes a deterministic synthetic gateway log for yesterday (UTC), runs the nightly job on it on a"
                    + " fresh database, as if at 01:30 UTC this morning, and prints rows per second for the whole job"
                    + " and per step, and the peak heap.",
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
                    + " long-running serve runs them: the N days up to yesterday, each with its own synthetic log of"
                    + " --rows rows and its own figures, each run as if at 01:30 UTC the morning after. The first"
                    + " night starts a cold JVM on an empty database; the later ones run warmed up, with the"
                    + " nights before stored. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int days;

    @Option(
            names = "--work-dir",
            description = "Where to write data and the database: a new or empty folder. Default: a new temporary"
                    + " folder.")
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
        requireAtLeastOne("--rows", rows);
        requireAtLeastOne("--days", days);
        requireAtLeastOne("--files", files);
        requireAtLeastOne("--customers", customers);
        if (workDir != null && Files.exists(workDir.resolve("data"))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--work-dir: " + workDir + " holds an earlier bench's database; give a new or empty folder");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("tokentally-bench-");
        Path customersFile = dir.resolve("customers.csv");
        SyntheticUsage.writeCustomers(customersFile, customers);

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
        // no night's billing period counts as closed, so every night sends meter events whatever day the bench runs
        properties.put("tokentally.stripe.period-close-grace", "P30D");
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
        LocalDate lastNight = LocalDate.now(Clock.systemUTC()).minusDays(1);
        NightClock clock = new NightClock();
        try (ConfigurableApplicationContext context = SpringContexts.start(properties, clock)) {
            for (int night = 0; night < days; night++) {
                LocalDate day = lastNight.minusDays(days - 1 - night);
                if (days > 1) {
                    out.printf("Night %d of %d: %s%n", night + 1, days, day);
                }
                clock.morningAfter(day);
                JobExecution execution = runNight(context, out, dir, customersFile, day, night);
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    out.println("The night did not complete; the bench stops. Work folder: " + dir);
                    out.flush();
                    return TokentallyCommand.EXIT_FAILED;
                }
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

    /**
     * Writes one night's log, runs the job on it and prints its figures. With more nights to come, the log of a
     * completed night is deleted (the file registry keeps its checksum): a million rows take about 90 MB.
     */
    private JobExecution runNight(
            ConfigurableApplicationContext context,
            PrintWriter out,
            Path dir,
            Path customersFile,
            LocalDate day,
            int night)
            throws Exception {
        Path usage = dir.resolve("usage").resolve(day.toString());
        long started = System.nanoTime();
        SyntheticUsage.write(usage, day, rows, files, customers, 42 + days - 1 - night); // yesterday's is always 42
        out.printf(
                "Generated %,d rows in %d file(s) under %s in %.1f s%n",
                rows, files, usage, seconds(System.nanoTime() - started));
        out.flush();
        BillingJobParameters parameters = new BillingJobParameters(
                day, 0, List.of(new InputSource("bench", usage).spec()), customersFile, plans, prices);
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
        printStripe(
                out,
                execution,
                OutboxCounts.ofRun(
                        context.getBean(JdbcTemplate.class),
                        execution.getJobInstance().getInstanceId()),
                context.getBean(StripeProperties.class).ratePerSecond());
        if (night < days - 1 && execution.getStatus() == BatchStatus.COMPLETED) {
            FileSystemUtils.deleteRecursively(usage);
        }
        return execution;
    }

    private void requireAtLeastOne(String option, long value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + ": must be at least 1, was " + value);
        }
    }

    private void print(PrintWriter out, JobExecution execution, long jobNanos, long heapAfterGc) {
        out.printf(
                "Job %s in %.2f s: %,.0f rows/s end to end%n",
                execution.getStatus(), seconds(jobNanos), rows / seconds(jobNanos));
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().contains(":")) {
                continue;
            }
            out.printf(
                    "  %-20s %7.2f s  %,12.0f rows/s  (read %,d, written %,d)%n",
                    step.getStepName(),
                    stepSeconds(step),
                    rows / Math.max(stepSeconds(step), 1e-3),
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
                run.meterEvents(), rows, run.meterEvents() * 1e6 / rows);
        if (run.otherRows() > 0) {
            out.printf("Other outbox rows (invoice items for closed periods, credit grants): %,d%n", run.otherRows());
        }
        if (stripeApiBase == null) {
            out.println("Upload: dry run (requests written to stripe-requests.jsonl in the run folder)");
            return;
        }
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().equals("uploadMeterEventsStep")) {
                double rate = run.sent() / stepSeconds(step);
                out.printf(
                        "Upload: %,d sent in %.1f s = %.1f calls/s at a limit of %d/s (%.0f%% of the limit), %,d retried calls (429, 409, 5xx, timeouts)%n",
                        run.sent(), stepSeconds(step), rate, limit, 100 * rate / limit, run.retries());
            }
        }
    }

    /** A run's outbox rows: the meter events and other rows it queued, those it sent and its calls beyond each row's first. */
    private record OutboxCounts(long meterEvents, long otherRows, long sent, long retries) {

        static OutboxCounts ofRun(JdbcTemplate jdbc, long run) {
            return jdbc.queryForObject(
                    "SELECT COUNT(CASE WHEN created_run = ? AND kind = 'METER_EVENT' THEN 1 END),"
                            + " COUNT(CASE WHEN created_run = ? AND kind <> 'METER_EVENT' THEN 1 END),"
                            + " COUNT(CASE WHEN sent_run = ? AND state = 'SENT' THEN 1 END),"
                            + " COALESCE(SUM(CASE WHEN sent_run = ? AND attempts > 0 THEN attempts - 1 ELSE 0 END), 0)"
                            + " FROM outbox",
                    (rs, n) -> new OutboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                    run,
                    run,
                    run,
                    run);
        }
    }

    private static double stepSeconds(StepExecution step) {
        return Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1e9;
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
