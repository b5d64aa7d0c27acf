package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import picocli.CommandLine;

/**
 * Commands that add price versions outside a run take their turn on the price catalog's lock, on PostgreSQL, as a
 * run's price load and a price sync do: added beside them at once, the same new version failed one on its key.
 */
class PriceCatalogTurnIntegrationTests {

    private static final String SCHEMA = "cli_catalog_turn";
    /** The price catalog's advisory key: "tok-pric" as eight bytes. */
    private static final long CATALOG_KEY =
            ByteBuffer.wrap("tok-pric".getBytes(StandardCharsets.US_ASCII)).getLong();

    private static final List<String> SETTINGS = List.of(
            "spring.datasource.url",
            "spring.datasource.username",
            "spring.datasource.password",
            "spring.flyway.schemas",
            "spring.flyway.default-schema",
            "tokentally.data-dir",
            "tokentally.runs-dir");

    @TempDir
    Path work;

    private final ExecutorService commands = Executors.newSingleThreadExecutor();

    @BeforeEach
    void pointAtItsOwnSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
        System.setProperty("spring.datasource.url", TestPostgres.url(SCHEMA));
        System.setProperty("spring.datasource.username", TestPostgres.USER);
        System.setProperty("spring.datasource.password", "");
        System.setProperty("spring.flyway.schemas", SCHEMA);
        System.setProperty("spring.flyway.default-schema", SCHEMA);
        System.setProperty("tokentally.data-dir", work.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", work.resolve("runs").toString());
    }

    @AfterEach
    void clearSettings() throws InterruptedException {
        commands.shutdownNow();
        commands.awaitTermination(30, TimeUnit.SECONDS);
        SETTINGS.forEach(System::clearProperty);
    }

    @Test
    void aPriceOverrideWaitsWhileARunOfAnotherProcessHoldsThePriceCatalog() throws Exception {
        // given: a negotiated price
        Path overrides = work.resolve("negotiated.csv");
        Files.writeString(
                overrides, "model,token_type,usd_per_million,effective_from\nopenai/gpt-4o,input,2.0,2026-01-01\n");
        StringWriter out = new StringWriter();
        Future<Integer> override;

        try (Connection connection = DriverManager.getConnection(TestPostgres.url("public"), TestPostgres.USER, "")) {
            // and: another process's run in its price load, holding the catalog's lock
            JdbcTemplate run = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            run.queryForList("SELECT pg_advisory_lock(?)", CATALOG_KEY);
            long holder = run.queryForObject("SELECT pg_backend_pid()", Long.class);

            // when
            override = commands.submit(() -> command(out).execute("prices", "override", overrides.toString()));

            // then: it waits for its turn, having added nothing
            awaitTryingTheLock(override, holder);
            assertThat(override).as("the override waits for the lock").isNotDone();
            assertThat(overridden(run)).isZero();
            run.queryForList("SELECT pg_advisory_unlock(?)", CATALOG_KEY);

            // and: adds its price once the run gives the lock back
            assertThat(override.get(60, TimeUnit.SECONDS)).isZero();
            assertThat(overridden(run)).isEqualTo(1);
        }
        assertThat(out.toString()).contains("2 override versions added from " + overrides);
    }

    private static long overridden(JdbcTemplate jdbc) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM " + SCHEMA + ".price WHERE origin LIKE 'override%' AND model = 'openai/gpt-4o'"
                        + " AND token_type = 'input' AND service_tier = 'standard'",
                Long.class);
    }

    /** Waits until a session other than the holder's tries the catalog's lock, or the command ended without it. */
    private static void awaitTryingTheLock(Future<Integer> command, long holder) throws InterruptedException {
        try (SingleConnectionDataSource dataSource =
                new SingleConnectionDataSource(TestPostgres.url("public"), TestPostgres.USER, "", true)) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!command.isDone() && System.nanoTime() < deadline) {
                // the step lock's own statement; Flyway's lock is another function (pg_try_advisory_xact_lock)
                long trying = jdbc.queryForObject(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> ?"
                                + " AND query = 'SELECT pg_try_advisory_lock($1)'",
                        Long.class,
                        holder);
                if (trying > 0) {
                    return;
                }
                Thread.sleep(100);
            }
        }
    }

    private static CommandLine command(StringWriter out) {
        CommandLine commandLine = TokentallyCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        return commandLine;
    }
}
