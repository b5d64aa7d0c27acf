package io.tokentally.plans;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Plans as they are stored and read back, against an H2 database. */
class PlanRepositoryTests {

    @Test
    void keepsAModelOverrideWithCustomRatesOnlyAndItsPlansProviderOverride(@TempDir Path dir) {
        // given: a provider override at 40%, and a model override with rates and no markup of its own
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        PlanRepository plans = new PlanRepository(
                new JdbcTemplate(dataSource), Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
        Plan negotiated = new Plan(
                "negotiated",
                PlanType.USAGE,
                "USD",
                new BigDecimal("20"),
                List.of(
                        new MarkupOverride("openai", MarkupOverride.ANY, new BigDecimal("40")),
                        new MarkupOverride(
                                "openai",
                                "openai/gpt-4o",
                                null,
                                List.of(
                                        new CustomRate(
                                                TokenType.INPUT,
                                                ServiceTier.STANDARD,
                                                ContextTier.STANDARD,
                                                new BigDecimal("2.000000000001")),
                                        new CustomRate(
                                                TokenType.OUTPUT,
                                                ServiceTier.BATCH,
                                                ContextTier.STANDARD,
                                                new BigDecimal("4"))))));

        // when: saved twice (a plans file loaded again replaces its rates), then read back
        plans.saveAll(List.of(negotiated));
        plans.saveAll(List.of(negotiated));
        Plan read = plans.findAll().get("negotiated");

        // then
        assertThat(read.rateFor("openai/gpt-4o", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isEqualByComparingTo("2.000000000001");
        assertThat(read.rateFor("openai/gpt-4o", TokenType.OUTPUT, ServiceTier.BATCH, ContextTier.STANDARD))
                .isEqualByComparingTo("4");
        assertThat(read.rateFor("openai/gpt-4o", TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD))
                .isNull();
        assertThat(read.markupFor("openai", "openai/gpt-4o")).isEqualByComparingTo("40");
        assertThat(read.overrides()).hasSize(2);
    }
}
