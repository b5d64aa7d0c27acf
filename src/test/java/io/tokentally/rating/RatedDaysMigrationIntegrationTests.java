package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.TestPostgres;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * V125 and V126 on usage rated before them: each customer's UTC days summed per model, token type and price, and
 * the meter layout that planned it recorded as not known, so the next outbox build plans every open period afresh;
 * V129 and V130: the rated days summed again, per tier too; V138 and V139: again, per billed price per million.
 */
class RatedDaysMigrationIntegrationTests {

    private static final String SCHEMA = "rated_days_migration";

    @TempDir
    Path dir;

    @Test
    void sumsTheUsageRatedBeforeByUtcDayOnH2() {
        assertSumsByUtcDay(TestH2.fileDatabase(dir), "h2", null);
    }

    @Test
    void sumsTheUsageRatedBeforeByUtcDayOnPostgres() throws Exception {
        assertSumsByUtcDay(emptyPostgresSchema(), "postgresql", SCHEMA);
    }

    private static void assertSumsByUtcDay(DataSource dataSource, String vendor, String schema) {
        // given, before V125: acme's hours 00:00 and 23:00 of one UTC day, 00:00 of the next, one at another
        // price billed to 26 decimals, and an unattributed hour
        flyway(dataSource, vendor, schema, "124").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        aggregate(jdbc, "acme", "2026-11-02T00:00Z", "2.5", true, 100, "0.000325");
        aggregate(jdbc, "acme", "2026-11-02T23:00Z", "2.5", true, 200, "0.00065");
        aggregate(jdbc, "acme", "2026-11-03T00:00Z", "2.5", true, 300, "0.000975");
        aggregate(jdbc, "acme", "2026-11-02T05:00Z", "1.25", true, 400, "0.00065000000000000000000001");
        aggregate(jdbc, "someone", "2026-11-02T05:00Z", "2.5", false, 500, "0");

        // when
        flyway(dataSource, vendor, schema, "latest").migrate();

        // then
        assertThat(jdbc.query(
                        "SELECT customer_id, day_start, billed_per_million, tokens, billed_usd FROM rated_day"
                                + " ORDER BY day_start, billed_per_million",
                        (rs, rowNum) -> rs.getString(1) + " "
                                + rs.getObject(2, OffsetDateTime.class).toInstant() + " "
                                + rs.getBigDecimal(3).stripTrailingZeros().toPlainString() + " " + rs.getLong(4) + " "
                                + rs.getBigDecimal(5).stripTrailingZeros().toPlainString()))
                .isEqualTo(List.of(
                        "acme 2026-11-02T00:00:00Z 1.625 400 0.00065000000000000000000001",
                        "acme 2026-11-02T00:00:00Z 3.25 300 0.000975",
                        "acme 2026-11-03T00:00:00Z 3.25 300 0.000975"));
        assertThat(jdbc.queryForList("SELECT layout FROM outbox_plan_layout", String.class))
                .containsExactly("not recorded");
    }

    @Test
    void sumsTheRatedDaysAgainPerTierOnH2() {
        assertSumsPerTier(TestH2.fileDatabase(dir), "h2", null);
    }

    @Test
    void sumsTheRatedDaysAgainPerTierOnPostgres() throws Exception {
        assertSumsPerTier(emptyPostgresSchema(), "postgresql", SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA); // left behind, it stayed in the test database after every run
    }

    /** The test's PostgreSQL schema, dropped first. */
    private static DataSource emptyPostgresSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(TestPostgres.url(SCHEMA));
        dataSource.setUser(TestPostgres.USER);
        return dataSource;
    }

    /** V129 and V130: one day's standard and batch usage at one price, one rated day before, one per tier after. */
    private static void assertSumsPerTier(DataSource dataSource, String vendor, String schema) {
        // given, before V129: acme's standard and batch hours of one day at one price, summed as one rated day
        flyway(dataSource, vendor, schema, "128").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        aggregate(jdbc, "acme", "2026-11-02T05:00Z", "standard", "2.5", true, 100, "0.000325");
        aggregate(jdbc, "acme", "2026-11-02T06:00Z", "batch", "2.5", true, 200, "0.00065");
        jdbc.update("INSERT INTO rated_day (customer_id, day_start, model, token_type, usd_per_million, markup_percent,"
                + " tokens, billed_usd) VALUES ('acme', TIMESTAMP WITH TIME ZONE '2026-11-02 00:00:00+00', 'gpt-4o',"
                + " 'input', 2.5, 30, 300, 0.000975)");

        // when
        flyway(dataSource, vendor, schema, "latest").migrate();

        // then
        assertThat(jdbc.query(
                        "SELECT customer_id, day_start, service_tier, context_tier, tokens, billed_usd FROM rated_day"
                                + " ORDER BY service_tier",
                        (rs, rowNum) -> rs.getString(1) + " "
                                + rs.getObject(2, OffsetDateTime.class).toInstant() + " "
                                + rs.getString(3) + " " + rs.getString(4) + " " + rs.getLong(5) + " "
                                + rs.getBigDecimal(6).stripTrailingZeros().toPlainString()))
                .containsExactly(
                        "acme 2026-11-02T00:00:00Z batch standard 200 0.00065",
                        "acme 2026-11-02T00:00:00Z standard standard 100 0.000325");
    }

    private static Flyway flyway(DataSource dataSource, String vendor, String schema, String target) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor)
                .target(target);
        if (schema != null) {
            // UTC+14: the session's days are not UTC days
            configuration.schemas(schema).initSql("SET TIME ZONE 'Pacific/Kiritimati'");
        }
        return configuration.load();
    }

    private static void aggregate(
            JdbcTemplate jdbc,
            String customer,
            String hour,
            String usdPerMillion,
            boolean attributed,
            long tokens,
            String billed) {
        aggregate(jdbc, customer, hour, "standard", usdPerMillion, attributed, tokens, billed);
    }

    private static void aggregate(
            JdbcTemplate jdbc,
            String customer,
            String hour,
            String serviceTier,
            String usdPerMillion,
            boolean attributed,
            long tokens,
            String billed) {
        OffsetDateTime start = OffsetDateTime.parse(hour);
        jdbc.update(
                "INSERT INTO rated_aggregate (customer_id, model, token_type, service_tier, context_tier, hour_start,"
                        + " price_epoch, provider, attributed, plan_id, requests, tokens, reasoning_tokens, price_id,"
                        + " usd_per_million, cost_usd, markup_percent, billed_usd, revision, rated_run, rated_at)"
                        + " VALUES (?, 'gpt-4o', 'input', ?, 'standard', ?, ?, 'openai', ?, 'payg', 1, ?, 0,"
                        + " 1, ?, 0, 30, ?, 1, 1, ?)",
                customer,
                serviceTier,
                start,
                start,
                attributed,
                tokens,
                new BigDecimal(usdPerMillion),
                new BigDecimal(billed),
                start);
    }
}
