package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The notice of usage too old to send dated by its hours: its events and what they stand for in USD. */
class LateUsageRestampedTests {

    static final Instant HOUR = Instant.parse("2026-10-01T07:00:00Z");
    static final Instant STAMPED = Instant.parse("2026-11-28T01:30:00Z");

    @TempDir
    Path dir;

    JdbcTemplate jdbc;

    @BeforeEach
    void start() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
    }

    @Test
    void tokenMetersEventsCountAtTheAmountTheyStandForBesideTheAmountMetersMicroUsd() {
        // given: run 2 restamped an amount meter's event of 3.25 USD and a token meter's 500 tokens standing for
        // 0.0015 USD; an event dated by its hour and another run's restamped one are not the run's notice
        insert("tt-1", "tokentally_input_usd_micros", 3_250_000, null, STAMPED, 2);
        insert("tt-2", "tokentally_openai_gpt_4o_input", 500, new BigDecimal("0.0015"), STAMPED, 2);
        insert("tt-3", "tokentally_output_usd_micros", 1_000_000, null, HOUR, 2);
        insert("tt-4", "tokentally_cache_read_usd_micros", 7_000_000, null, STAMPED, 1);

        // when
        var found = new UsageFindings(jdbc).lateUsageRestamped(2);

        // then
        assertThat(found).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("late-usage-restamped:acme:2026-10-01");
            assertThat(finding.message())
                    .contains(": 2 meter event(s) of 3.2515 USD in total are stamped at " + STAMPED);
        });
    }

    private void insert(String identifier, String meter, long value, BigDecimal amountUsd, Instant stamp, long run) {
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision, identifier,"
                        + " idempotency_key, value_micros, event_timestamp, state, created_run, created_at,"
                        + " amount_usd) VALUES ('METER_EVENT', 'acme', 'cus_acme', ?, ?, 1, ?, ?, ?, ?, 'PENDING', ?,"
                        + " ?, ?)",
                meter,
                SqlTime.utc(HOUR),
                identifier,
                "tokentally-" + identifier,
                value,
                SqlTime.utc(stamp),
                run,
                SqlTime.utc(stamp),
                amountUsd);
    }
}
