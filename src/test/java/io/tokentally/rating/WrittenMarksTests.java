package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The marks of a rate step's chunks, and another run's sum of rated days between two of them. */
class WrittenMarksTests {

    @TempDir
    Path dir;

    private JdbcTemplate jdbc;
    private TransactionTemplate chunk;
    private RatedDays ratedDays;
    private WrittenMarks marks;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        chunk = new TransactionTemplate(transactions);
        ratedDays = new RatedDays(jdbc, dataSource, transactions);
        marks = new WrittenMarks(new UnplannedHours(jdbc), ratedDays, 7);
    }

    @Test
    void aChunkAfterAnotherRunsSumMarksItsDayAgain() {
        // given: chunk 1 of run 7 rates acme's 05:00, and another run sums the marked days
        writeChunk("2026-11-02T05:00:00Z", "1.5");
        assertThat(ratedDays.sumMarked()).isEqualTo(1);

        // when: chunk 2 rates acme's 06:00 of the same day
        writeChunk("2026-11-02T06:00:00Z", "2.25");

        // then: the day is marked again, and the next sum holds both hours
        assertThat(ratedDays.sumMarked()).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT billed_usd FROM rated_day WHERE customer_id = 'acme' AND day_start = ?",
                        BigDecimal.class,
                        SqlTime.utc(Instant.parse("2026-11-02T00:00:00Z"))))
                .isEqualByComparingTo("3.75");
    }

    @Test
    void everyChunkMarksItsHoursWithMarksOfTheirOwn() {
        // when: two chunks rate the same hour
        writeChunk("2026-11-02T05:00:00Z", "1.5");
        writeChunk("2026-11-02T05:00:00Z", "1.5");

        // then: two marks, so a build that read the first forgets only that one
        assertThat(new UnplannedHours(jdbc).read().idsByHour().get(Instant.parse("2026-11-02T05:00:00Z")))
                .hasSize(2);
    }

    /** One chunk of run 7: an attributed aggregate of acme's hour, written and marked under the chunk's lock. */
    private void writeChunk(String hour, String billed) {
        RatedAggregate aggregate = new RatedAggregate(
                "acme",
                "openai",
                "gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse(hour),
                Instant.parse(hour),
                0,
                true,
                "payg",
                1,
                1000,
                0,
                1,
                new BigDecimal("2.5"),
                new BigDecimal("0.0025"),
                new BigDecimal("30"),
                null,
                new BigDecimal(billed));
        chunk.executeWithoutResult(status -> {
            marks.beginChunk();
            jdbc.update(
                    "MERGE INTO rated_aggregate (customer_id, model, token_type, service_tier, context_tier,"
                            + " hour_start, price_epoch, provider, attributed, plan_id, requests, tokens,"
                            + " reasoning_tokens, price_id, usd_per_million, cost_usd, markup_percent, billed_usd,"
                            + " revision, rated_run, rated_at) KEY (customer_id, model, token_type, service_tier,"
                            + " context_tier, hour_start, price_epoch) VALUES ('acme', 'gpt-4o', 'input',"
                            + " 'standard', 'standard', ?, ?, 'openai', TRUE, 'payg', 1, 1000, 0, 1, 2.5, 0.0025, 30,"
                            + " ?, 1, 7, ?)",
                    SqlTime.utc(aggregate.hourStart()),
                    SqlTime.utc(aggregate.hourStart()),
                    aggregate.billedUsd(),
                    SqlTime.utc(aggregate.hourStart()));
            marks.written(List.of(List.of(aggregate)));
        });
    }
}
