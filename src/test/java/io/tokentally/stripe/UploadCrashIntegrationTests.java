package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

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
 * middle of its upload; a restart must leave Stripe with exactly the rated totals, nothing twice and
 * nothing missing. Runs on PostgreSQL, which both JVMs share.
 */
class UploadCrashIntegrationTests {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final FakeStripe STRIPE = StripeUploadIntegrationTests.start();
    static final Path WORK = StripeUploadIntegrationTests.temporaryFolder("tokentally-crash-");
    static final List<String> SCHEMAS = new ArrayList<>();
    static final String[] CUSTOMERS = {"crash-a", "crash-b", "crash-c"};

    @AfterAll
    static void stop() throws Exception {
        STRIPE.close();
        for (String schema : SCHEMAS) {
            TestPostgres.dropSchema(schema);
        }
    }

    @ParameterizedTest(name = "killed after {0} events, faults: {1}")
    @CsvSource({"1, false", "60, false", "150, true", "200, false"})
    void aRunKilledDuringUploadAndRestartedBillsEveryTokenExactlyOnce(int killAfterEvents, boolean faults)
            throws Exception {
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
        SCHEMAS.add(schema);
        Path work = Files.createDirectories(WORK.resolve(schema));
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = Files.createDirectories(work.resolve("gateway"));
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("crash", day, 900, 21, CUSTOMERS));
        Path customers = work.resolve("customers.csv");
        StringBuilder csv = new StringBuilder("customer_id,stripe_customer_id,plan_id\n");
        for (String customer : CUSTOMERS) {
            csv.append(customer).append(",cus_").append(customer).append(",growth\n");
        }
        Files.writeString(customers, csv);

        // when: the first run is killed while Stripe holds back its answer to the event it just accepted
        Process first = child(
                work,
                schema,
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
                FIXTURES.resolve("job-prices.csv").toString());
        boolean killed =
                waitFor(() -> STRIPE.events().size() >= killAfterEvents || !first.isAlive(), Duration.ofSeconds(90));
        assertThat(first.isAlive())
                .as("the first run must still be uploading when it is killed")
                .isTrue();
        Thread.sleep(200);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int acceptedBeforeKill = STRIPE.events().size();

        // and the day is restarted
        long execution = lastExecution(schema);
        Process restart = child(work, schema, "restart", Long.toString(execution));
        assertThat(restart.waitFor(180, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(killed).isTrue();
        assertThat(restart.exitValue())
                .as("restart exit code; log in " + work.resolve("restart.log"))
                .isZero();
        assertThat(acceptedBeforeKill).isGreaterThanOrEqualTo(killAfterEvents);
        assertThat(STRIPE.totals()).isNotEmpty().isEqualTo(expectedTotals(schema));
        Set<String> identifiers = new HashSet<>();
        assertThat(STRIPE.events()).allMatch(event -> identifiers.add(event.identifier()));
        assertThat(count(schema, "SELECT COUNT(*) FROM outbox WHERE state <> 'SENT'"))
                .isZero();
    }

    private static Process child(Path work, String schema, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dspring.datasource.url=" + TestPostgres.url(schema),
                "-Dspring.datasource.username=" + TestPostgres.USER,
                "-Dspring.datasource.password=",
                "-Dspring.flyway.schemas=" + schema,
                "-Dspring.flyway.default-schema=" + schema,
                "-Dtokentally.runs-dir=" + work.resolve("runs"),
                "-Dtokentally.stripe.api-base=" + STRIPE.baseUrl(),
                "-Dtokentally.stripe.meter-events-base=" + STRIPE.baseUrl(),
                "-Dtokentally.stripe.rate-per-second=60",
                "-Dtokentally.stripe.backoff-millis=25",
                "-Dtokentally.stripe.max-attempts=40",
                "-Dtokentally.stripe.read-timeout-millis=2000",
                "io.tokentally.TokentallyApplication"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("STRIPE_API_KEY", "sk_test_crash");
        builder.redirectErrorStream(true);
        builder.redirectOutput(work.resolve(arguments[0] + ".log").toFile());
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

    private static long lastExecution(String schema) throws Exception {
        return count(schema, "SELECT MAX(job_execution_id) FROM batch_job_execution");
    }

    private static long count(String schema, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(TestPostgres.url(schema), TestPostgres.USER, "");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Stripe customer|meter → micro-USD, from the rated aggregates, rounded once per customer and meter. */
    private static Map<String, Long> expectedTotals(String schema) throws Exception {
        AmountMeterLayout layout = new AmountMeterLayout("tokentally");
        Map<String, BigDecimal> exact = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(TestPostgres.url(schema), TestPostgres.USER, "");
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
