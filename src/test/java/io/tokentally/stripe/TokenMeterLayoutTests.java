package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.plans.MarkupOverride;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanType;
import io.tokentally.pricing.Price;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import io.tokentally.stripe.TokenMeterLayout.TokenPrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenMeterLayoutTests {

    private final TokenMeterLayout layout = new TokenMeterLayout("tokentally");

    @Test
    void namesAPlainModelsMeterReadably() {
        assertThat(layout.eventName("openai/gpt-4o", TokenType.CACHE_READ))
                .isEqualTo("tokentally_openai_gpt-4o_cache_read");
        assertThat(layout.eventName("anthropic/claude-sonnet-4-5", TokenType.OUTPUT))
                .isEqualTo("tokentally_anthropic_claude-sonnet-4-5_output");
    }

    @Test
    void givesListedTiersMetersAndPricesOfTheirOwn() {
        // given: standard, batch and long-context input prices; batch and long listed
        TokenMeterLayout tiered = new TokenMeterLayout("tokentally", List.of("batch", "long"));
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        List<Price> versions = List.of(
                new Price(
                        1,
                        "openai/gpt-4o",
                        TokenType.INPUT,
                        ServiceTier.STANDARD,
                        ContextTier.STANDARD,
                        from,
                        new BigDecimal("2.5"),
                        null,
                        "test"),
                new Price(
                        2,
                        "openai/gpt-4o",
                        TokenType.INPUT,
                        ServiceTier.BATCH,
                        ContextTier.STANDARD,
                        from,
                        new BigDecimal("1.25"),
                        null,
                        "test"),
                new Price(
                        3,
                        "openai/gpt-4o",
                        TokenType.INPUT,
                        ServiceTier.STANDARD,
                        ContextTier.LONG,
                        from,
                        new BigDecimal("5"),
                        null,
                        "test"),
                new Price(
                        4,
                        "openai/gpt-4o",
                        TokenType.INPUT,
                        ServiceTier.FLEX,
                        ContextTier.STANDARD,
                        from,
                        new BigDecimal("1.5"),
                        null,
                        "test"));

        // when
        List<TokenPrice> prices = tiered.prices(List.of("openai/gpt-4o"), versions, null, from);
        List<TokenPrice> standardOnly = layout.prices(List.of("openai/gpt-4o"), versions, null, from);

        // then: flex is not listed
        assertThat(prices)
                .extracting(TokenPrice::eventName, price -> Amounts.toText(price.centsPerUnit()))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tokentally_openai_gpt-4o_input", "0.00025"),
                        org.assertj.core.groups.Tuple.tuple("tokentally_openai_gpt-4o_long_input", "0.0005"),
                        org.assertj.core.groups.Tuple.tuple("tokentally_openai_gpt-4o_batch_input", "0.000125"));
        assertThat(prices.get(2).displayName()).isEqualTo("openai/gpt-4o input tokens (batch)");
        assertThat(standardOnly).hasSize(1);
        assertThat(TokenMeterLayout.tokenTypeOf("tokentally_openai_gpt-4o_batch_long_cache_write_1h"))
                .isEqualTo(TokenType.CACHE_WRITE_1H);
    }

    @Test
    void addsAHashWhereSanitizingCouldMakeTwoModelsShareAMeter() {
        String dotted = layout.eventName("openai/gpt-4.1", TokenType.INPUT);
        String underscored = layout.eventName("openai/gpt-4_1", TokenType.INPUT);

        assertThat(dotted).matches("tokentally_openai_gpt-4_1_[0-9a-f]{8}_input");
        assertThat(underscored).matches("tokentally_openai_gpt-4_1_[0-9a-f]{8}_input");
        assertThat(dotted).isNotEqualTo(underscored);
    }

    @Test
    void keepsALongModelsMeterWithinStripesHundredCharacters() {
        String model = "custom/" + "a".repeat(150);

        String name = layout.eventName(model, TokenType.CACHE_WRITE_1H);

        assertThat(name).hasSize(100).startsWith("tokentally_custom_aaa").endsWith("_cache_write_1h");
        assertThat(layout.eventName("custom/" + "a".repeat(149) + "b", TokenType.CACHE_WRITE_1H))
                .isNotEqualTo(name);
    }

    @Test
    void lookupKeyNamesMeterVersionAndPlanAndStaysWithinTwoHundredCharacters() {
        String key = TokenMeterLayout.lookupKey(
                "tokentally_openai_gpt-4o_input",
                Instant.parse("2026-01-01T00:00:00Z"),
                "growth",
                new BigDecimal("0.0003"));

        assertThat(key).matches("tokentally_openai_gpt-4o_input_20260101000000_growth_[0-9a-f]{8}");
        assertThat(TokenMeterLayout.lookupKey(
                        "tokentally_openai_gpt-4o_input",
                        Instant.parse("2026-01-01T00:00:00Z"),
                        "growth",
                        new BigDecimal("0.00030")))
                .as("the same amount written with another scale")
                .isEqualTo(key);
        assertThat(TokenMeterLayout.lookupKey("e".repeat(100), Instant.EPOCH, "p".repeat(150), BigDecimal.ONE))
                .hasSize(200);
    }

    @Test
    void centsPerUnitIncludeTheMarkupRoundedHalfUpToTwelveDecimals() {
        // 2.5 USD/1M x 1.20 = 3 USD/1M = 0.0003 cents per token
        assertThat(Amounts.centsPerUnit(new BigDecimal("2.5"), new BigDecimal("20")))
                .isEqualByComparingTo("0.0003");
        // 1.23456789 x 110 / 10^6 = 0.0001358024679 -> 0.000135802468 (13th decimal 9 rounds up)
        assertThat(Amounts.centsPerUnit(new BigDecimal("1.23456789"), new BigDecimal("10")))
                .isEqualTo(new BigDecimal("0.000135802468"));
        // 0.000000005 x 100 / 10^6 = 0.0000000000005 -> HALF_UP 0.000000000001
        assertThat(Amounts.centsPerUnit(new BigDecimal("0.000000005"), BigDecimal.ZERO))
                .isEqualTo(new BigDecimal("0.000000000001"));
    }

    @Test
    void takesTheVersionInForceAndLaterOnesWithThePlansModelMarkup() {
        Plan plan = new Plan(
                "growth",
                PlanType.USAGE,
                "USD",
                new BigDecimal("20"),
                List.of(new MarkupOverride("anthropic", MarkupOverride.ANY, new BigDecimal("25"))));
        List<Price> versions = List.of(
                price("openai/gpt-4o", TokenType.INPUT, "2025-01-01T00:00:00Z", "2.5"),
                price("openai/gpt-4o", TokenType.INPUT, "2026-01-01T00:00:00Z", "2"),
                price("openai/gpt-4o", TokenType.INPUT, "2099-01-01T00:00:00Z", "1.5"),
                price("anthropic/claude-sonnet-4-5", TokenType.OUTPUT, "2025-01-01T00:00:00Z", "15"),
                new Price(
                        9,
                        "openai/gpt-4o",
                        TokenType.OUTPUT,
                        ServiceTier.BATCH,
                        ContextTier.STANDARD,
                        Instant.parse("2025-01-01T00:00:00Z"),
                        new BigDecimal("5"),
                        null,
                        "test"));

        List<TokenPrice> prices = layout.prices(
                List.of("openai/gpt-4o", "anthropic/claude-sonnet-4-5"),
                versions,
                plan,
                Instant.parse("2026-06-01T00:00:00Z"));

        assertThat(prices)
                .extracting(TokenPrice::eventName, p -> p.centsPerUnit().toPlainString(), TokenPrice::current)
                .containsExactly(
                        // 2 x 120 / 10^6
                        org.assertj.core.groups.Tuple.tuple("tokentally_openai_gpt-4o_input", "0.000240000000", true),
                        // 1.5 x 120 / 10^6, scheduled
                        org.assertj.core.groups.Tuple.tuple("tokentally_openai_gpt-4o_input", "0.000180000000", false),
                        // 15 x 125 / 10^6 (anthropic override 25%)
                        org.assertj.core.groups.Tuple.tuple(
                                "tokentally_anthropic_claude-sonnet-4-5_output", "0.001875000000", true));
        assertThat(layout.supersededKeys(prices, versions, plan))
                .containsOnlyKeys("tokentally_openai_gpt-4o_input")
                .extractingByKey("tokentally_openai_gpt-4o_input")
                .asList()
                .singleElement()
                .asString()
                .startsWith("tokentally_openai_gpt-4o_input_20250101000000_growth_");
    }

    @Test
    void refusesAModelTheCatalogHasNoPriceFor() {
        assertThatThrownBy(() -> layout.prices(
                        List.of("openai/gpt-9"),
                        List.of(price("openai/gpt-4o", TokenType.INPUT, "2025-01-01T00:00:00Z", "2.5")),
                        null,
                        Instant.parse("2026-06-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openai/gpt-9");
    }

    private static Price price(String model, TokenType tokenType, String from, String usdPerMillion) {
        return new Price(
                0,
                model,
                tokenType,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse(from),
                new BigDecimal(usdPerMillion),
                null,
                "test");
    }
}
