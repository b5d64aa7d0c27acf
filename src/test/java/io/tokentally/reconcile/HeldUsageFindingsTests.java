package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.rating.HeldUsage;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeldUsageFindingsTests {

    static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aModelsFindingNamesEveryTierAndTokenTypeHeldTheLongContextTierIncluded() {
        // given: flex input and priority long-context input of one model, held for want of their prices
        List<HeldUsage> held = List.of(
                held(ServiceTier.FLEX, ContextTier.STANDARD, "no flex price for input"),
                held(ServiceTier.PRIORITY, ContextTier.LONG, "no priority long-context price for input"));

        // when
        List<Finding> findings = HeldUsageFindings.of(held, Map.of());

        // then: one finding, whose message says which prices are missing, not only the first row's reason
        assertThat(findings)
                .singleElement()
                .extracting(Finding::message)
                .isEqualTo("3000 tokens of openai/gpt-5.4 (flex input, priority long-context input) for 1"
                        + " customer(s) in 1 hour(s) from 2026-12-01T10:00:00Z to 2026-12-01T10:00:00Z are held back,"
                        + " not billed: no price of openai/gpt-5.4 for these tiers and token types is in force at their"
                        + " time. The first run after a price for their time is added (prices file, price sync or"
                        + " override) bills them.");
    }

    private static HeldUsage held(ServiceTier serviceTier, ContextTier contextTier, String reason) {
        return new HeldUsage(
                "acme",
                "openai",
                "openai/gpt-5.4",
                TokenType.INPUT,
                serviceTier,
                contextTier,
                TEN,
                TEN,
                0,
                true,
                1,
                1_500,
                reason);
    }
}
