package io.tokentally.cli;

import io.tokentally.ingest.InputSource;
import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.StripeProperties;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
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

    /** The most nights one bench runs: a year of them. */
    static final int MAX_DAYS = 366;

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
            description = "Upload calls per second, with --stripe-api-base. Default: the engine's"
                    + " tokentally.stripe.rate-per-second.")
    Integer stripeRate;

    @Option(
            names = "--days",
            description = "Nights to run one after the other, in this process and on the same database, as a"
                    + " long-running serve runs them: the N days up to yesterday, each with its own synthetic log of"
                    + " --rows rows and its own figures, each run as if at 01:30 UTC the morning after. The first"
                    + " night starts a cold JVM on an empty database; the later ones run warmed up, with the"
                    + " nights before stored. At most 366. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int days;

    @Option(
            names = "--work-dir",
            description = "Where to write data and the database: a new or empty folder (or one holding only the"
                    + " --prices and --plans files given). Default: a new temporary folder.")
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
        requireValidOptions();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("tokentally-bench-");
        // the work folder holds every file the nights read, so that `run nightly-billing` can repeat one there
        Path customersFile = dir.resolve("customers.csv");
        if (Files.exists(customersFile)) {
            throw holdsItsOwn(dir, customersFile);
        }
        prices = copyInto(dir, prices, "prices.csv");
        plans = copyInto(dir, plans, "plans.yaml");
        SyntheticUsage.writeCustomers(customersFile, customers);
        String schema = postgres != null ? "bench_" + System.currentTimeMillis() : null;
        return runNights(engineProperties(dir, schema), out, dir, customersFile, schema);
    }

    /**
     * The copy of {@code file} under {@code name} in the work folder; the file itself when it is that copy. Another
     * file of that name there is never written over, nor is a customers file.
     */
    private Path copyInto(Path dir, Path file, String name) throws IOException {
        Path copy = dir.resolve(name);
        if (Files.exists(copy)) {
            if (Files.isSameFile(copy, file)) {
                return copy;
            }
            throw holdsItsOwn(dir, copy);
        }
        return Files.copy(file, copy);
    }

    private ParameterException holdsItsOwn(Path dir, Path file) {
        return new ParameterException(
                spec.commandLine(),
                "--work-dir: " + dir + " holds a " + file.getFileName() + " of its own; give a new or empty folder");
    }

    /**
     * Refuses a prices or plans file that is not there, a count below 1, more nights than {@link #MAX_DAYS}, an upload
     * rate without uploads, a work folder that is a file or holds anything but the given files, and more rows than
     * its disk has room for.
     */
    private void requireValidOptions() throws IOException {
        RequiredFiles.requireFile(spec, "--prices", prices);
        RequiredFiles.requireFile(spec, "--plans", plans);
        requireAtLeastOne("--rows", rows);
        requireAtLeastOne("--days", days);
        requireAtLeastOne("--files", files);
        requireAtLeastOne("--customers", customers);
        if (days > MAX_DAYS) {
            throw new ParameterException(
                    spec.commandLine(), "--days: at most " + MAX_DAYS + " (a year of nights), was " + days);
        }
        if (stripeRate != null && stripeApiBase == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--stripe-rate: paces uploads, which only --stripe-api-base makes (without it the bench is a dry"
                            + " run)");
        }
        if (workDir != null) {
            BenchWorkFolder.requireNewOrEmpty(spec.commandLine(), workDir, prices, plans);
        }
        BenchWorkFolder.requireRoom(
                spec.commandLine(),
                workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir")),
                rows,
                postgres == null ? days : 0);
    }

    /** The engine's properties: the runs folder, Stripe (uploads or a dry run) and the database. */
    private Map<String, Object> engineProperties(Path dir, String schema) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("tokentally.runs-dir", dir.resolve("runs").toString());
        putStripeProperties(properties);
        // no night's billing period counts as closed at 01:30, so every night sends meter events whatever day the
        // bench runs
        properties.put("tokentally.stripe.period-close-grace", "PT72H");
        putDatabaseProperties(properties, dir, schema);
        return properties;
    }

    /** Uploads to --stripe-api-base (at --stripe-rate, if given) or, without it, a dry run: no API key. */
    private void putStripeProperties(Map<String, Object> properties) {
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
    }

    /** With --postgres, its database in a fresh {@code schema}; without it, H2 in the work folder. */
    private void putDatabaseProperties(Map<String, Object> properties, Path dir, String schema) {
        if (postgres != null) {
            properties.put(
                    "spring.datasource.url",
                    postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            properties.put("spring.datasource.username", System.getenv().getOrDefault("PGUSER", "postgres"));
            properties.put("spring.flyway.schemas", schema);
            properties.put("spring.flyway.default-schema", schema);
        } else {
            properties.put("tokentally.data-dir", dir.resolve("data").toString());
        }
    }

    /**
     * Runs the nights up to yesterday one after the other in one engine, each as if the morning after its day, and
     * stops at the first that does not complete; drops the PostgreSQL schema, if any, when done.
     */
    private int runNights(Map<String, Object> properties, PrintWriter out, Path dir, Path customersFile, String schema)
            throws Exception {
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
        generate(out, usage, day, night);
        BillingJobParameters parameters = new BillingJobParameters(
                day, 0, List.of(new InputSource("bench", usage).spec()), customersFile, plans, prices);
        System.gc(); // the night starts from the live data, not from the last night's garbage
        TimedJob job = TimedJob.run(context, parameters);
        JobExecution execution = job.execution();
        BenchFigures.printJob(
                out,
                execution,
                RunFolders.of(dir.resolve("runs"), JobNames.NIGHTLY_BILLING, day.toString(), execution.getId()),
                rows,
                job.nanos(),
                job.peakHeap(),
                job.heapAfterGc());
        BenchFigures.printStripe(
                out,
                execution,
                rows,
                BenchFigures.OutboxCounts.ofRun(
                        context.getBean(JdbcTemplate.class),
                        execution.getJobInstance().getInstanceId()),
                stripeApiBase == null,
                context.getBean(StripeProperties.class).ratePerSecond());
        if (night < days - 1 && execution.getStatus() == BatchStatus.COMPLETED) {
            FileSystemUtils.deleteRecursively(usage);
        }
        return execution;
    }

    /** Writes the night's synthetic log, yesterday's always from the same seed, and prints how long that took. */
    private void generate(PrintWriter out, Path usage, LocalDate day, int night) throws IOException {
        long started = System.nanoTime();
        SyntheticUsage.write(usage, day, rows, files, customers, 42 + days - 1 - night); // yesterday's is always 42
        out.printf(
                "Generated %,d row%s in %d file(s) under %s in %.1f s%n",
                rows, rows == 1 ? "" : "s", files, usage, BenchFigures.seconds(System.nanoTime() - started));
        out.flush();
    }

    /**
     * A night's job execution, how long it took, and the heap in use while it ran: its peak and its highest after a
     * collection ({@link HeapWatch}).
     */
    private record TimedJob(JobExecution execution, long nanos, long peakHeap, long heapAfterGc) {

        /** Runs the night's job in {@code context} and times it. */
        static TimedJob run(ConfigurableApplicationContext context, BillingJobParameters parameters) throws Exception {
            try (HeapWatch heap = new HeapWatch()) {
                long jobStart = System.nanoTime();
                JobExecution execution = context.getBean(BillingRuns.class).run(parameters);
                long jobNanos = System.nanoTime() - jobStart;
                return new TimedJob(execution, jobNanos, heap.peakBytes(), heap.highestAfterGcBytes());
            }
        }
    }

    private void requireAtLeastOne(String option, long value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + ": must be at least 1, was " + value);
        }
    }

    private void dropSchema(String schema) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(postgres, System.getenv().getOrDefault("PGUSER", "postgres"), "");
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
