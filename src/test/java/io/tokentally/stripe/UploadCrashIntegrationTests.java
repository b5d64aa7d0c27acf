package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ChildJvm;
import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.UsageFixtures;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.TokenType;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash safety: a second JVM runs the job against the fake Stripe and is killed with SIGKILL in the
 * middle of its upload; resuming the day (running it again, or restarting the execution) must leave
 * Stripe with exactly the rated totals, nothing twice and nothing missing. On H2 (a file the two JVMs
 * open one after the other) and on PostgreSQL.
 */
class UploadCrashIntegrationTests {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    /** On the system clock: the runs are processes of their own, on the system clock too. */
    static final FakeStripe STRIPE = StripeUploadIntegrationTests.start(Clock.systemUTC());

    static final Path WORK = TempFolders.create("tokentally-crash-");
    static final List<String> SCHEMAS = new ArrayList<>();
    static final String[] CUSTOMERS = {"crash-a", "crash-b", "crash-c"};

    @AfterAll
    static void stop() throws Exception {
        STRIPE.close();
        for (String schema : SCHEMAS) {
            TestPostgres.dropSchema(schema);
        }
    }

    @ParameterizedTest(name = "killed after {0} events, faults: {1}, on {2}, resumed by {3}")
    @CsvSource({"1, false, h2, run", "60, false, postgres, restart", "150, true, postgres, run", "200, true, h2, run"})
    void aRunKilledDuringUploadAndResumedBillsEveryTokenExactlyOnce(
            int killAfterEvents, boolean faults, String database, String resumeWith) throws Exception {
        // given
        STRIPE.reset();
        for (String customer : CUSTOMERS) {
            STRIPE.customers("cus_" + customer);
        }
        for (int i = 1; i < killAfterEvents; i++) {
            STRIPE.inject(FakeStripe.Fault.NONE);
        }
        STRIPE.inject(FakeStripe.Fault.ACCEPT_THEN_HANG);
        if (faults) {
            STRIPE.ratePerSecond(30)
                    .inject(
                            FakeStripe.Fault.SERVER_ERROR,
                            FakeStripe.Fault.LOSE_RESPONSE,
                            FakeStripe.Fault.DROP_CONNECTION,
                            FakeStripe.Fault.SLOW,
                            FakeStripe.Fault.LOSE_RESPONSE);
        }
        String schema = "crash_it_" + Long.toString(System.nanoTime(), 36);
        Path work = Files.createDirectories(WORK.resolve(schema));
        Database db = database.equals("h2") ? Database.h2(work) : Database.postgres(schema);
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = Files.createDirectories(work.resolve("gateway"));
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("crash", day, 900, 21, CUSTOMERS));
        Path customers = work.resolve("customers.csv");
        // billed monthly from yesterday's day of the month, so that yesterday's period is open whatever the day
        // (a calendar-month customer's period of yesterday has closed on the first of a month)
        StringBuilder csv = new StringBuilder("customer_id,stripe_customer_id,plan_id,billing_interval,"
                + "billing_anchor_day,billing_anchor_month,billing_time_zone\n");
        for (String customer : CUSTOMERS) {
            csv.append(customer)
                    .append(",cus_")
                    .append(customer)
                    .append(",growth,month,")
                    .append(day.getDayOfMonth())
                    .append(",1,UTC\n");
        }
        Files.writeString(customers, csv);

        // when: the first run is killed while Stripe holds back its answer to the event it just accepted
        String[] run = {
            "run",
            "nightly-billing",
            "--date",
            day.toString(),
            "--input",
            input.toString(),
            "--customers",
            customers.toString(),
            "--plans",
            FIXTURES.resolve("job-plans.yaml").toString(),
            "--prices",
            FIXTURES.resolve("job-prices.csv").toString()
        };
        Process first = child(work, db, run);
        boolean killed =
                waitFor(() -> STRIPE.events().size() >= killAfterEvents || !first.isAlive(), Duration.ofSeconds(90));
        assertThat(first.isAlive())
                .as("the first run must still be uploading when it is killed")
                .isTrue();
        Thread.sleep(200);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int acceptedBeforeKill = STRIPE.events().size();

        // and the day is resumed, by running it again or by restarting the execution
        Process restart = resumeWith.equals("run")
                ? child(work, db, run)
                : child(
                        work,
                        db,
                        "restart",
                        Long.toString(db.count("SELECT MAX(job_execution_id) FROM batch_job_execution")));
        assertThat(restart.waitFor(180, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(killed).isTrue();
        assertThat(restart.exitValue())
                .as("exit code of the resumed run; log in " + work.resolve(resumeWith + "-2.log"))
                .isZero();
        assertThat(acceptedBeforeKill).isGreaterThanOrEqualTo(killAfterEvents);
        assertThat(STRIPE.totals()).isNotEmpty().isEqualTo(expectedTotals(db));
        Set<String> identifiers = new HashSet<>();
        assertThat(STRIPE.events()).allMatch(event -> identifiers.add(event.identifier()));
        assertThat(db.count("SELECT COUNT(*) FROM outbox WHERE state <> 'SENT'"))
                .isZero();
        assertThat(db.count("SELECT COUNT(*) FROM outbox WHERE attempts >= 2"))
                .as("the row in flight at the kill (Stripe had accepted it) was sent again with the same identifier")
                .isPositive();
        List<Path> executions =
                executionFolders(work.resolve("runs/nightly-billing").resolve(day.toString()));
        assertThat(executions).hasSize(2);
        assertThat(filesUnder(executions.get(1).resolve("statements")))
                .as("the resumed execution skipped the statements step; its folder still has the statements")
                .isNotEmpty()
                .isEqualTo(filesUnder(executions.get(0).resolve("statements")));
        assertThat(executions.get(1).resolve("balances.json"))
                .hasSameBinaryContentAs(executions.get(0).resolve("balances.json"));
    }

    /** The execution folders of a day, in execution order. */
    private static List<Path> executionFolders(Path day) throws IOException {
        try (var folders = Files.list(day)) {
            return folders.sorted(Comparator.comparingLong(folder ->
                            Long.parseLong(folder.getFileName().toString().substring("execution-".length()))))
                    .toList();
        }
    }

    /** The files under a folder by their path relative to it, with their content. */
    private static Map<String, String> filesUnder(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(path).toString(), Files.readString(path));
            }
        }
        return files;
    }

    /** The database both JVMs use: an H2 file (opened by one process at a time) or a PostgreSQL schema. */
    record Database(String url, String user, List<String> properties) {

        static Database h2(Path work) {
            Path dataDir = work.resolve("data").toAbsolutePath();
            return new Database(
                    "jdbc:h2:file:" + dataDir.resolve("tokentally"), "sa", List.of("-Dtokentally.data-dir=" + dataDir));
        }

        static Database postgres(String schema) {
            SCHEMAS.add(schema);
            return new Database(
                    TestPostgres.url(schema),
                    TestPostgres.USER,
                    List.of(
                            "-Dspring.datasource.url=" + TestPostgres.url(schema),
                            "-Dspring.datasource.username=" + TestPostgres.USER,
                            "-Dspring.datasource.password=",
                            "-Dspring.flyway.schemas=" + schema,
                            "-Dspring.flyway.default-schema=" + schema));
        }

        long count(String sql) throws Exception {
            try (Connection connection = DriverManager.getConnection(url, user, "");
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int children;

    private static Process child(Path work, Database db, String... arguments) throws IOException {
        List<String> properties = new ArrayList<>(db.properties());
        properties.addAll(List.of(
                "-Dtokentally.runs-dir=" + work.resolve("runs"),
                "-Dtokentally.stripe.api-base=" + STRIPE.baseUrl(),
                "-Dtokentally.stripe.meter-events-base=" + STRIPE.baseUrl(),
                "-Dtokentally.stripe.rate-per-second=60",
                "-Dtokentally.stripe.backoff-millis=25",
                "-Dtokentally.stripe.max-attempts=40",
                "-Dtokentally.stripe.read-timeout-millis=2000",
                "-Dtokentally.stripe.read-back-max-wait-seconds=3"));
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(properties, List.of(arguments)));
        builder.environment().put("STRIPE_API_KEY", "sk_test_crash");
        builder.redirectErrorStream(true);
        builder.redirectOutput(work.resolve(arguments[0] + "-" + (++children % 2 == 1 ? 1 : 2) + ".log")
                .toFile());
        builder.directory(new File("."));
        return builder.start();
    }

    private static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Stripe customer|meter → micro-USD, from the rated aggregates, rounded once per customer and meter. */
    private static Map<String, Long> expectedTotals(Database db) throws Exception {
        AmountMeterLayout layout = new AmountMeterLayout("tokentally");
        Map<String, BigDecimal> exact = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), "");
                Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT customer_id, token_type, SUM(billed_usd) FROM rated_aggregate"
                                + " WHERE attributed = TRUE GROUP BY customer_id, token_type")) {
            while (rs.next()) {
                exact.merge(
                        "cus_" + rs.getString(1) + "|" + layout.meterFor(TokenType.fromCode(rs.getString(2))),
                        rs.getBigDecimal(3),
                        BigDecimal::add);
            }
        }
        Map<String, Long> micros = new TreeMap<>();
        exact.forEach((key, amount) ->
                micros.put(key, Amounts.toMicros(amount).movePointRight(6).longValueExact()));
        return micros;
    }
}
