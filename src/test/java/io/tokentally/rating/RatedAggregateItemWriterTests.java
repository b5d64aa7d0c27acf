package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** What the rate step's writer writes of an aggregate rated again. */
class RatedAggregateItemWriterTests {

    static final Instant HOUR = Instant.parse("2026-11-02T05:00:00Z");

    @TempDir
    Path dir;

    private JdbcTemplate jdbc;
    private TransactionTemplate chunk;
    private WrittenMarks marks;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        chunk = new TransactionTemplate(transactions);
        marks = new WrittenMarks(new UnplannedHours(jdbc), new RatedDays(jdbc, dataSource, transactions), 7);
    }

    @Test
    void anEditFromAMarkupToACustomRateThatBillsTheSameIsWrittenAndItsHourPlannedAgain() {
        // given: 1,000,000 tokens at $2.50 with a 20% markup, $3 billed
        write(rated(new BigDecimal("20"), null));
        jdbc.update("DELETE FROM unplanned_hour_mark");

        // when: the plan's rate of $3 per million bills the same $3
        write(rated(null, new BigDecimal("3")));

        // then: the row says the rate (the token layout reads it), with no new revision, and its hour is planned again
        assertThat(jdbc.queryForMap(
                        "SELECT markup_percent, rate_usd_per_million, revision, billed_usd FROM rated_aggregate"))
                .satisfies(row -> {
                    assertThat(row.get("MARKUP_PERCENT")).isNull();
                    assertThat((BigDecimal) row.get("RATE_USD_PER_MILLION")).isEqualByComparingTo("3");
                    assertThat(((Number) row.get("REVISION")).longValue()).isEqualTo(1);
                    assertThat((BigDecimal) row.get("BILLED_USD")).isEqualByComparingTo("3");
                });
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM unplanned_hour_mark", Long.class))
                .isEqualTo(1);
    }

    private void write(RatedAggregate aggregate) {
        // a new writer each time, as each run of the rate step makes one
        RatedAggregateItemWriter writer =
                new RatedAggregateItemWriter(jdbc, marks, Clock.fixed(HOUR, ZoneOffset.UTC), 7);
        chunk.executeWithoutResult(status -> writer.write(new Chunk<>(List.of(List.of(aggregate)))));
    }

    private static RatedAggregate rated(BigDecimal markupPercent, BigDecimal rateUsdPerMillion) {
        return new RatedAggregate(
                "acme",
                "openai",
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                HOUR,
                HOUR,
                0,
                true,
                "negotiated",
                1,
                1_000_000,
                0,
                1,
                new BigDecimal("2.5"),
                new BigDecimal("2.5"),
                markupPercent,
                rateUsdPerMillion,
                new BigDecimal("3"));
    }
}
