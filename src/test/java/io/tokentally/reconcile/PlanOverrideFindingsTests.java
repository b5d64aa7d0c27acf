package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.CustomRate;
import io.tokentally.plans.MarkupOverride;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanType;
import io.tokentally.pricing.Price;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanOverrideFindingsTests {

    static final List<Price> PRICES = List.of(price("openai/gpt-4o-mini"), price("anthropic/claude-haiku-4-5"));

    @Test
    void findsEveryOverrideOfAProviderOrModelWithoutAPriceAndNoneOfThePricedOnes() {
        // given
        Plan plan = new Plan(
                "pro",
                PlanType.USAGE,
                "usd",
                new BigDecimal("20"),
                List.of(
                        new MarkupOverride("anthropic", MarkupOverride.ANY, new BigDecimal("15")),
                        new MarkupOverride("anthropc", MarkupOverride.ANY, new BigDecimal("15")),
                        new MarkupOverride(MarkupOverride.ANY, "openai/gpt-4o-mini", new BigDecimal("10")),
                        new MarkupOverride(MarkupOverride.ANY, "openai/gpt4o-mini", new BigDecimal("10"))));

        // when
        List<Finding> findings = PlanOverrideFindings.of(List.of(plan), PRICES);

        // then
        assertThat(findings)
                .extracting(Finding::key)
                .containsExactly("plan-override-unpriced:pro:anthropc", "plan-override-unpriced:pro:openai/gpt4o-mini");
        assertThat(findings).allSatisfy(finding -> {
            assertThat(finding.kind()).isEqualTo("PLAN_OVERRIDE_UNPRICED");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
        });
        assertThat(findings.get(0).message()).startsWith("plan pro overrides the markup of provider anthropc,");
    }

    @Test
    void saysWhatAnOverrideOfAModelWithoutAPriceSets() {
        // given: one override with rates only, one with a markup and rates, of models without prices
        CustomRate input = new CustomRate(TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, BigDecimal.ONE);
        Plan plan = new Plan(
                "deal",
                PlanType.USAGE,
                "usd",
                new BigDecimal("20"),
                List.of(
                        new MarkupOverride("openai", "openai/gpt4o", null, List.of(input)),
                        new MarkupOverride("openai", "openai/gpt4o-mini", new BigDecimal("10"), List.of(input))));

        // when
        List<Finding> findings = PlanOverrideFindings.of(List.of(plan), PRICES);

        // then
        assertThat(findings)
                .extracting(Finding::message)
                .satisfiesExactly(
                        message -> assertThat(message).startsWith("plan deal sets custom rates of model openai/gpt4o,"),
                        message -> assertThat(message)
                                .startsWith("plan deal overrides the markup and sets custom rates of model"
                                        + " openai/gpt4o-mini,"));
    }

    @Test
    void findsEveryModelOfAnAllowanceGroupWithoutAPriceAndNoneOfThePricedOnes() {
        // given
        Plan plan = new Plan(
                "team",
                PlanType.FIXED,
                "usd",
                new BigDecimal("20"),
                List.of(),
                new BigDecimal("100"),
                List.of(
                        new Allowance(
                                "chat", null, 1000L, List.of("openai/gpt-4o-mini", "openai/gpt-99", "anthropic/*")),
                        new Allowance(null, new BigDecimal("5"), null, List.of("anthropc/*"))),
                CreditSource.DEFAULT_ORDER,
                true);

        // when
        List<Finding> findings = PlanOverrideFindings.of(List.of(plan), PRICES);

        // then
        assertThat(findings)
                .extracting(Finding::key)
                .containsExactly(
                        "plan-allowance-unpriced:team:chat:openai/gpt-99",
                        "plan-allowance-unpriced:team:included[1]:anthropc/*");
        assertThat(findings).allSatisfy(finding -> {
            assertThat(finding.kind()).isEqualTo("PLAN_ALLOWANCE_UNPRICED");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
        });
        assertThat(findings.get(0).message())
                .startsWith("plan team includes usage (chat) of openai/gpt-99, which has no");
    }

    private static Price price(String model) {
        return new Price(
                1,
                model,
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2025-01-01T00:00:00Z"),
                new BigDecimal("1"),
                null,
                "test");
    }
}
