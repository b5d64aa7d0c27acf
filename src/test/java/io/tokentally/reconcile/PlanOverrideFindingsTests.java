package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

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
