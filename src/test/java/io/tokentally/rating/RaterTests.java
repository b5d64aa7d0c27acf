package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.UsageRow;
import io.tokentally.normalize.PriceHolders;
import io.tokentally.normalize.UsageLine;
import io.tokentally.normalize.UsageNormalizer;
import io.tokentally.plans.CustomRate;
import io.tokentally.plans.Customer;
import io.tokentally.plans.MarkupOverride;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanType;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaterTests {

    static final Instant JAN_2025 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant MINI_CHANGE = Instant.parse("2026-10-05T12:30:00Z");
    static final Instant NOON = Instant.parse("2026-10-05T12:00:00Z");

    static final String SONNET = "anthropic/claude-sonnet-4-5";
    static final String GPT_4O = "openai/gpt-4o";
    static final String GPT_4O_MINI = "openai/gpt-4o-mini";
    static final String GEMINI_PRO = "google/gemini-2.5-pro";

    static final PriceCatalog CATALOG = new PriceCatalog(List.of(
            price(101, SONNET, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "3"),
            price(102, SONNET, TokenType.CACHE_READ, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "0.3"),
            price(103, SONNET, TokenType.CACHE_WRITE_5M, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "3.75"),
            price(104, SONNET, TokenType.CACHE_WRITE_1H, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "6"),
            price(105, SONNET, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "15"),
            price(111, SONNET, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.LONG, JAN_2025, "6"),
            price(112, SONNET, TokenType.CACHE_READ, ServiceTier.STANDARD, ContextTier.LONG, JAN_2025, "0.6"),
            price(113, SONNET, TokenType.CACHE_WRITE_5M, ServiceTier.STANDARD, ContextTier.LONG, JAN_2025, "7.5"),
            price(114, SONNET, TokenType.CACHE_WRITE_1H, ServiceTier.STANDARD, ContextTier.LONG, JAN_2025, "12"),
            price(115, SONNET, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.LONG, JAN_2025, "22.5"),
            price(201, GPT_4O, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "2.5"),
            price(202, GPT_4O, TokenType.CACHE_READ, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "1.25"),
            price(203, GPT_4O, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "10"),
            price(211, GPT_4O, TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD, JAN_2025, "1.25"),
            price(213, GPT_4O, TokenType.OUTPUT, ServiceTier.BATCH, ContextTier.STANDARD, JAN_2025, "5"),
            price(301, GPT_4O_MINI, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "0.15"),
            price(303, GPT_4O_MINI, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "0.6"),
            price(311, GPT_4O_MINI, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, MINI_CHANGE, "0.3"),
            price(401, GEMINI_PRO, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "1.25"),
            price(403, GEMINI_PRO, TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "10")));

    static final Plan PAYG = new Plan("payg", PlanType.USAGE, "USD", new BigDecimal("30"), List.of());
    static final Plan GROWTH = new Plan(
            "growth",
            PlanType.USAGE,
            "USD",
            new BigDecimal("20"),
            List.of(
                    new MarkupOverride("anthropic", MarkupOverride.ANY, new BigDecimal("25")),
                    new MarkupOverride("openai", MarkupOverride.ANY, new BigDecimal("40")),
                    new MarkupOverride("openai", GPT_4O_MINI, new BigDecimal("50"))));

    static final Map<String, Customer> CUSTOMERS = Map.of(
            "alice", new Customer("alice", "cus_alice", "payg", "Alice Labs"),
            "bob", new Customer("bob", "cus_bob", "growth", "Bob Analytics"));

    final Rater rater = new Rater(CATALOG, CUSTOMERS, Map.of("payg", PAYG, "growth", GROWTH));

    static Price price(
            long id, String model, TokenType type, ServiceTier tier, ContextTier context, Instant from, String usd) {
        Long threshold = model.equals(SONNET) || model.equals(GEMINI_PRO) ? 200_000L : null;
        return new Price(id, model, type, tier, context, from, new BigDecimal(usd), threshold, "test");
    }

    @Test
    void pricesCacheReadsAndBothCacheWritesAtTheirOwnPrices() {
        // given alice (payg, 30%) with a standard-context sonnet hour
        HourlyUsage usage = usage(
                "alice",
                SONNET,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                JAN_2025,
                120_000,
                500_000,
                40_000,
                10_000,
                7_000,
                0);

        // when
        List<RatedAggregate> rated = rater.rate(usage);

        // then
        assertThat(rated)
                .extracting(RatedAggregate::tokenType)
                .containsExactly(
                        TokenType.INPUT,
                        TokenType.CACHE_READ,
                        TokenType.CACHE_WRITE_5M,
                        TokenType.CACHE_WRITE_1H,
                        TokenType.OUTPUT);
        assertThat(rated)
                .extracting(RatedAggregate::tokens)
                .containsExactly(120_000L, 500_000L, 40_000L, 10_000L, 7_000L);
        assertThat(rated).extracting(RatedAggregate::priceId).containsExactly(101L, 102L, 103L, 104L, 105L);
        assertAmounts(rated.get(0), "3", "0.36", "0.468"); // 120,000 x 3 / 1e6 = 0.36; x 1.3 = 0.468
        assertAmounts(rated.get(1), "0.3", "0.15", "0.195"); // 500,000 x 0.3 / 1e6 = 0.15; x 1.3 = 0.195
        assertAmounts(rated.get(2), "3.75", "0.15", "0.195"); // 40,000 x 3.75 / 1e6 = 0.15; x 1.3 = 0.195
        assertAmounts(rated.get(3), "6", "0.06", "0.078"); // 10,000 x 6 / 1e6 = 0.06; x 1.3 = 0.078
        assertAmounts(rated.get(4), "15", "0.105", "0.1365"); // 7,000 x 15 / 1e6 = 0.105; x 1.3 = 0.1365
        assertThat(rated).allSatisfy(aggregate -> {
            assertThat(aggregate.customerId()).isEqualTo("alice");
            assertThat(aggregate.planId()).isEqualTo("payg");
            assertThat(aggregate.attributed()).isTrue();
            assertThat(aggregate.markupPercent()).isEqualByComparingTo("30");
            assertThat(aggregate.hourStart()).isEqualTo(NOON);
            assertThat(aggregate.contextTier()).isEqualTo(ContextTier.STANDARD);
            assertThat(aggregate.requests()).isEqualTo(3);
        });
    }

    @Test
    void pricesAWholeLongContextRequestAtTheLongTierIncludingOutputAndCache() {
        // given bob (growth, anthropic 25%) and one request whose prompt is
        // 150,000 + 60,000 + 10,000 + 2,000 = 222,000 tokens > 200,000
        UsageRow row = new UsageRow(
                1,
                2,
                "raw",
                "req-long",
                NOON.plusSeconds(60),
                "bob",
                "anthropic",
                "claude-sonnet-4-5-20250929",
                222_000,
                60_000,
                10_000,
                2_000,
                4_000,
                0,
                ServiceTier.STANDARD,
                false);
        UsageLine line = new UsageNormalizer("gateway", CATALOG, CATALOG, CUSTOMERS.keySet(), PriceHolders.NONE, true)
                .normalize(row)
                .line();

        // when
        List<RatedAggregate> rated = rater.rate(hourOf(line));

        // then
        assertThat(line.contextTier()).isEqualTo(ContextTier.LONG);
        assertThat(rated).extracting(RatedAggregate::priceId).containsExactly(111L, 112L, 113L, 114L, 115L);
        assertThat(rated).extracting(RatedAggregate::contextTier).containsOnly(ContextTier.LONG);
        assertThat(rated)
                .extracting(RatedAggregate::tokens)
                .containsExactly(150_000L, 60_000L, 10_000L, 2_000L, 4_000L);
        assertAmounts(rated.get(0), "6", "0.9", "1.125"); // 150,000 x 6 / 1e6 = 0.9; x 1.25 = 1.125
        assertAmounts(rated.get(1), "0.6", "0.036", "0.045"); // 60,000 x 0.6 / 1e6 = 0.036; x 1.25 = 0.045
        assertAmounts(rated.get(2), "7.5", "0.075", "0.09375"); // 10,000 x 7.5 / 1e6 = 0.075; x 1.25 = 0.09375
        assertAmounts(rated.get(3), "12", "0.024", "0.03"); // 2,000 x 12 / 1e6 = 0.024; x 1.25 = 0.03
        assertAmounts(rated.get(4), "22.5", "0.09", "0.1125"); // 4,000 x 22.5 / 1e6 = 0.09; x 1.25 = 0.1125
    }

    @Test
    void pricesABatchRequestAtTheBatchPrice() {
        // given alice (payg, 30%) with batch usage of gpt-4o, whose batch prices are 50% of standard
        HourlyUsage usage = usage(
                "alice", GPT_4O, ServiceTier.BATCH, ContextTier.STANDARD, JAN_2025, 1_000_000, 0, 0, 0, 200_000, 0);

        // when
        List<RatedAggregate> rated = rater.rate(usage);

        // then
        assertThat(rated).extracting(RatedAggregate::priceId).containsExactly(211L, 213L);
        assertThat(rated).extracting(RatedAggregate::serviceTier).containsOnly(ServiceTier.BATCH);
        assertAmounts(rated.get(0), "1.25", "1.25", "1.625"); // 1,000,000 x 1.25 / 1e6 = 1.25; x 1.3 = 1.625
        assertAmounts(rated.get(1), "5", "1", "1.3"); // 200,000 x 5 / 1e6 = 1; x 1.3 = 1.3
    }

    @Test
    void appliesTheDefaultMarkupWhenNoOverrideMatches() {
        // given bob (growth: default 20%, no google override) with 1M gemini input tokens
        HourlyUsage usage = inputOnly("bob", GEMINI_PRO, 1_000_000);

        // when
        RatedAggregate rated = rater.rate(usage).get(0);

        // then
        assertThat(rated.markupPercent()).isEqualByComparingTo("20");
        assertAmounts(rated, "1.25", "1.25", "1.5"); // 1,000,000 x 1.25 / 1e6 = 1.25; x 1.2 = 1.5
    }

    @Test
    void appliesTheProviderOverrideToTheProvidersModels() {
        // given bob (growth: openai 40%) with 1M gpt-4o input tokens
        HourlyUsage usage = inputOnly("bob", GPT_4O, 1_000_000);

        // when
        RatedAggregate rated = rater.rate(usage).get(0);

        // then
        assertThat(rated.markupPercent()).isEqualByComparingTo("40");
        assertAmounts(rated, "2.5", "2.5", "3.5"); // 1,000,000 x 2.5 / 1e6 = 2.5; x 1.4 = 3.5
    }

    @Test
    void appliesTheModelOverrideBeforeTheProviderOverride() {
        // given bob (growth: openai 40%, openai/gpt-4o-mini 50%) with 1M gpt-4o-mini input tokens
        HourlyUsage usage = inputOnly("bob", GPT_4O_MINI, 1_000_000);

        // when
        RatedAggregate rated = rater.rate(usage).get(0);

        // then
        assertThat(rated.markupPercent()).isEqualByComparingTo("50");
        assertAmounts(rated, "0.15", "0.15", "0.225"); // 1,000,000 x 0.15 / 1e6 = 0.15; x 1.5 = 0.225
    }

    @Test
    void computesTheCostOfUnattributedUsageButBillsNothing() {
        // given mallory, who is not a customer
        HourlyUsage usage = usage(
                "mallory", GPT_4O, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, 400_000, 0, 0, 0, 30_000, 0);

        // when
        List<RatedAggregate> rated = rater.rate(usage);

        // then
        assertAmounts(rated.get(0), "2.5", "1", "0"); // 400,000 x 2.5 / 1e6 = 1; billed 0
        assertAmounts(rated.get(1), "10", "0.3", "0"); // 30,000 x 10 / 1e6 = 0.3; billed 0
        assertThat(rated).allSatisfy(aggregate -> {
            assertThat(aggregate.attributed()).isFalse();
            assertThat(aggregate.planId()).isNull();
            assertThat(aggregate.markupPercent()).isNull();
            assertThat(aggregate.customerId()).isEqualTo("mallory");
        });
    }

    @Test
    void pricesEachSideOfAMidDayPriceChangeAtItsOwnVersion() {
        // given bob's gpt-4o-mini requests at 12:10 and 12:40, around the 12:30 input price change
        UsageNormalizer normalizer =
                new UsageNormalizer("gateway", CATALOG, CATALOG, CUSTOMERS.keySet(), PriceHolders.NONE, true);
        UsageLine before =
                normalizer.normalize(miniRow("req-a", "2026-10-05T12:10:00Z")).line();
        UsageLine after =
                normalizer.normalize(miniRow("req-b", "2026-10-05T12:40:00Z")).line();

        // when
        List<RatedAggregate> ratedBefore = rater.rate(hourOf(before));
        List<RatedAggregate> ratedAfter = rater.rate(hourOf(after));

        // then
        assertThat(before.hourStart()).isEqualTo(after.hourStart()).isEqualTo(NOON);
        assertThat(ratedBefore).extracting(RatedAggregate::priceEpoch).containsOnly(JAN_2025);
        assertThat(ratedAfter).extracting(RatedAggregate::priceEpoch).containsOnly(MINI_CHANGE);
        assertThat(ratedBefore).extracting(RatedAggregate::priceId).containsExactly(301L, 303L);
        assertThat(ratedAfter).extracting(RatedAggregate::priceId).containsExactly(311L, 303L);
        assertAmounts(ratedBefore.get(0), "0.15", "0.15", "0.225"); // 1,000,000 x 0.15 / 1e6 = 0.15; x 1.5 = 0.225
        assertAmounts(ratedAfter.get(0), "0.3", "0.3", "0.45"); // 1,000,000 x 0.3 / 1e6 = 0.3; x 1.5 = 0.45
        assertAmounts(ratedBefore.get(1), "0.6", "0.06", "0.09"); // 100,000 x 0.6 / 1e6 = 0.06; x 1.5 = 0.09
        assertAmounts(ratedAfter.get(1), "0.6", "0.06", "0.09"); // output price unchanged
    }

    @Test
    void carriesReasoningOnTheOutputAggregateOnly() {
        // given 5,000 output tokens of which 1,200 reasoning
        HourlyUsage usage = usage(
                "alice", GPT_4O, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, 2_000, 0, 0, 0, 5_000, 1_200);

        // when
        List<RatedAggregate> rated = rater.rate(usage);

        // then
        assertThat(rated).extracting(RatedAggregate::tokenType).containsExactly(TokenType.INPUT, TokenType.OUTPUT);
        assertThat(rated).extracting(RatedAggregate::reasoningTokens).containsExactly(0L, 1_200L);
        assertThat(rated).extracting(RatedAggregate::tokens).containsExactly(2_000L, 5_000L);
        assertAmounts(rated.get(0), "2.5", "0.005", "0.0065"); // 2,000 x 2.5 / 1e6 = 0.005; x 1.3 = 0.0065
        assertAmounts(rated.get(1), "10", "0.05", "0.065"); // 5,000 (not 6,200) x 10 / 1e6 = 0.05; x 1.3 = 0.065
    }

    @Test
    void ratesNonTokenUnitsAndACustomModelOnTheSamePlanAsTokens() {
        // given web searches at $10 per 1,000 ($10,000 per million), images at $0.04 ($40,000 per
        // million) for sonnet, and a custom model priced per token; bob's plan marks anthropic up 25%
        PriceCatalog catalog = new PriceCatalog(List.of(
                price(
                        501,
                        SONNET,
                        TokenType.WEB_SEARCH_REQUEST,
                        ServiceTier.STANDARD,
                        ContextTier.STANDARD,
                        JAN_2025,
                        "10000"),
                price(502, SONNET, TokenType.IMAGE, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "40000"),
                price(503, SONNET, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "3"),
                price(
                        601,
                        "custom/acme-ft",
                        TokenType.OUTPUT,
                        ServiceTier.STANDARD,
                        ContextTier.STANDARD,
                        JAN_2025,
                        "8")));
        Rater custom = new Rater(catalog, CUSTOMERS, Map.of("payg", PAYG, "growth", GROWTH));
        HourlyUsage sonnet = new HourlyUsage(
                "bob",
                "anthropic",
                SONNET,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                NOON,
                JAN_2025,
                0,
                3,
                1_000,
                0,
                0,
                0,
                0,
                0,
                new io.tokentally.shared.UnitCounts(250, 5, 0),
                false);
        HourlyUsage acme = usage(
                "alice",
                "custom/acme-ft",
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                JAN_2025,
                0,
                0,
                0,
                0,
                500_000,
                0);

        // when
        List<RatedAggregate> sonnetRated = custom.rate(sonnet);
        List<RatedAggregate> acmeRated = custom.rate(acme);

        // then
        assertThat(sonnetRated)
                .extracting(RatedAggregate::tokenType, RatedAggregate::tokens)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TokenType.INPUT, 1_000L),
                        org.assertj.core.groups.Tuple.tuple(TokenType.WEB_SEARCH_REQUEST, 250L),
                        org.assertj.core.groups.Tuple.tuple(TokenType.IMAGE, 5L));
        assertAmounts(sonnetRated.get(0), "3", "0.003", "0.00375"); // 1,000 x 3 / 1e6; x 1.25
        assertAmounts(sonnetRated.get(1), "10000", "2.5", "3.125"); // 250 x 10,000 / 1e6; x 1.25
        assertAmounts(sonnetRated.get(2), "40000", "0.2", "0.25"); // 5 x 40,000 / 1e6; x 1.25
        // 500,000 x 8 / 1e6 = 4; alice's payg marks up 30%: 5.2
        assertThat(acmeRated).singleElement().satisfies(rated -> assertAmounts(rated, "8", "4", "5.2"));
    }

    @Test
    void holdsAUnitWithoutAPriceInsteadOfFallingBackToTheInputPrice() {
        // given web searches of gpt-4o, which has an input price but no web search price
        HourlyUsage usage = new HourlyUsage(
                "alice",
                "openai",
                GPT_4O,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                NOON,
                JAN_2025,
                0,
                1,
                0,
                0,
                0,
                0,
                0,
                0,
                new io.tokentally.shared.UnitCounts(7, 0, 0),
                false);

        // when
        Rater.Rating rating = rater.rateOrHold(usage);

        // then
        assertThat(rating.rated()).isEmpty();
        assertThat(rating.held()).singleElement().satisfies(held -> {
            assertThat(held.tokenType()).isEqualTo(TokenType.WEB_SEARCH_REQUEST);
            assertThat(held.tokens()).isEqualTo(7);
        });
    }

    @Test
    void holdsBackATokenTypeWithoutAPriceAndRatesTheOthers() {
        // given priority usage of gpt-4o (no priority prices) and standard usage of gpt-4o
        HourlyUsage priority =
                usage("alice", GPT_4O, ServiceTier.PRIORITY, ContextTier.STANDARD, JAN_2025, 1_000, 0, 0, 0, 500, 0);

        // when
        Rater.Rating rating = rater.rateOrHold(priority);

        // then nothing is billed (not even at zero): both token types are held, with the reason
        assertThat(rating.rated()).isEmpty();
        assertThat(rating.held())
                .extracting(HeldUsage::tokenType, HeldUsage::tokens, HeldUsage::attributed, HeldUsage::requests)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TokenType.INPUT, 1_000L, true, 3L),
                        org.assertj.core.groups.Tuple.tuple(TokenType.OUTPUT, 500L, true, 3L));
        assertThat(rating.held().get(0).reason())
                .isEqualTo("no priority price for input of " + GPT_4O + " is in force at " + NOON);
        assertThat(rater.rate(priority)).isEmpty();
    }

    @Test
    void theReasonOfUsageOfAModelWithoutAnyPriceAtItsTimeSaysSo() {
        // given batch cache reads of a model the catalog has no price of
        HourlyUsage unpriced = usage(
                "alice", "custom/unpriced-ft", ServiceTier.BATCH, ContextTier.STANDARD, NOON, 1_000, 400, 0, 0, 0, 0);

        // when
        Rater.Rating rating = rater.rateOrHold(unpriced);

        // then: the reason names the model's missing price, not the batch cache read price
        assertThat(rating.held())
                .extracting(HeldUsage::reason)
                .containsOnly("no price of custom/unpriced-ft is in force at " + NOON);
    }

    @Test
    void theReasonOfLongContextUsageHeldForWantOfAPriceNamesTheLongContextTier() {
        // given priority long-context usage of gpt-4o (no priority prices, standard or long)
        HourlyUsage priorityLong =
                usage("alice", GPT_4O, ServiceTier.PRIORITY, ContextTier.LONG, JAN_2025, 1_000, 0, 0, 0, 0, 0);

        // when
        Rater.Rating rating = rater.rateOrHold(priorityLong);

        // then
        assertThat(rating.held())
                .singleElement()
                .extracting(HeldUsage::reason)
                .isEqualTo("no priority long-context price for input of " + GPT_4O + " is in force at " + NOON);
    }

    @Test
    void holdsAModelWithoutPricesAndRatesItOnceACatalogPricesItsHour() {
        // given usage of a model the catalog does not know, held under its own id
        HourlyUsage usage = usage(
                "alice", "openai/gpt-9", ServiceTier.STANDARD, ContextTier.STANDARD, NOON, 2_000_000, 0, 0, 0, 0, 0);
        assertThat(rater.rateOrHold(usage).held()).singleElement().satisfies(held -> {
            assertThat(held.model()).isEqualTo("openai/gpt-9");
            assertThat(held.tokens()).isEqualTo(2_000_000);
        });

        // when a price of $4 per million, in force from before the hour, is added
        PriceCatalog withGpt9 = new PriceCatalog(List.of(price(
                901, "openai/gpt-9", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "4")));
        Rater.Rating rating = new Rater(withGpt9, CUSTOMERS, Map.of("payg", PAYG, "growth", GROWTH)).rateOrHold(usage);

        // then 2,000,000 x 4 / 1e6 = 8.00 cost; payg's 30% markup: 10.40 billed
        assertThat(rating.held()).isEmpty();
        assertThat(rating.rated()).singleElement().satisfies(rated -> {
            assertThat(rated.priceId()).isEqualTo(901);
            assertAmounts(rated, "4", "8", "10.4");
        });
    }

    @Test
    void ratesUsageHeldUnderADatedIdAtThePriceAddedForItsBaseModel() {
        // given usage held under a dated snapshot id whose base model had no price at ingest
        HourlyUsage usage = usage(
                "bob",
                "openai/gpt-9-2026-11-01",
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                NOON,
                1_000_000,
                0,
                0,
                0,
                0,
                0);
        PriceCatalog withGpt9 = new PriceCatalog(List.of(price(
                901, "openai/gpt-9", TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, "4")));

        // when
        Rater.Rating rating = new Rater(withGpt9, CUSTOMERS, Map.of("payg", PAYG, "growth", GROWTH)).rateOrHold(usage);

        // then priced at the base model's $4 with growth's 40% openai markup: 4 cost, 5.6 billed;
        // the aggregate keeps the stored id
        assertThat(rating.rated()).singleElement().satisfies(rated -> {
            assertThat(rated.model()).isEqualTo("openai/gpt-9-2026-11-01");
            assertAmounts(rated, "4", "4", "5.6");
        });
    }

    @Test
    void billsACustomRateWhereThePlanSetsOneForTheTokenTypeAndTiersAndTheMarkupElsewhere() {
        // given a plan (20%; openai 40%) with rates for gpt-4o's standard input ($2) and batch input ($0.90), and
        // carol's gpt-4o hours: standard input and output, batch input and output, long-context sonnet input
        CustomRate standard =
                new CustomRate(TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, new BigDecimal("2"));
        CustomRate batch =
                new CustomRate(TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD, new BigDecimal("0.9"));
        Plan negotiated = new Plan(
                "negotiated",
                PlanType.USAGE,
                "USD",
                new BigDecimal("20"),
                List.of(
                        new MarkupOverride("openai", MarkupOverride.ANY, new BigDecimal("40")),
                        new MarkupOverride("openai", GPT_4O, null, List.of(standard, batch))));
        Rater rates = new Rater(
                CATALOG,
                Map.of("carol", new Customer("carol", "cus_carol", "negotiated", "Carol")),
                Map.of("negotiated", negotiated));

        // when
        List<RatedAggregate> standardHour = rates.rate(usage(
                "carol", GPT_4O, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, 1_000_000, 0, 0, 0, 100_000, 0));
        List<RatedAggregate> batchHour = rates.rate(usage(
                "carol", GPT_4O, ServiceTier.BATCH, ContextTier.STANDARD, JAN_2025, 2_000_000, 0, 0, 0, 100_000, 0));

        // then the rates bill the input (cost at list, markup none); the output takes the openai override's 40%
        assertAmounts(standardHour.get(0), "2.5", "2.5", "2"); // 1,000,000 x $2 / 1e6
        assertThat(standardHour.get(0).rateUsdPerMillion()).isEqualByComparingTo("2");
        assertThat(standardHour.get(0).markupPercent()).isNull();
        assertAmounts(standardHour.get(1), "10", "1", "1.4"); // 100,000 x $10 / 1e6 = 1; x 1.4
        assertThat(standardHour.get(1).rateUsdPerMillion()).isNull();
        assertThat(standardHour.get(1).markupPercent()).isEqualByComparingTo("40");
        assertAmounts(batchHour.get(0), "1.25", "2.5", "1.8"); // 2,000,000 x $0.90 / 1e6
        assertAmounts(batchHour.get(1), "5", "0.5", "0.7"); // 100,000 x $5 / 1e6 = 0.5; x 1.4
    }

    @Test
    void holdsUsageWithACustomRateButNoPriceForItsTime() {
        // given: a rate for gpt-4o's flex input, which has no list price (a rate makes no cost)
        Plan flexRate = new Plan(
                "flex-rate",
                PlanType.USAGE,
                "USD",
                new BigDecimal("20"),
                List.of(new MarkupOverride(
                        "openai",
                        GPT_4O,
                        null,
                        List.of(new CustomRate(
                                TokenType.INPUT, ServiceTier.FLEX, ContextTier.STANDARD, new BigDecimal("1"))))));
        Rater rates = new Rater(
                CATALOG,
                Map.of("dave", new Customer("dave", "cus_dave", "flex-rate", "Dave")),
                Map.of("flex-rate", flexRate));

        // when
        Rater.Rating rating = rates.rateOrHold(
                usage("dave", GPT_4O, ServiceTier.FLEX, ContextTier.STANDARD, JAN_2025, 1_000_000, 0, 0, 0, 0, 0));

        // then
        assertThat(rating.rated()).isEmpty();
        assertThat(rating.held())
                .singleElement()
                .satisfies(held -> assertThat(held.tokens()).isEqualTo(1_000_000));
    }

    private static void assertAmounts(RatedAggregate rated, String usdPerMillion, String cost, String billed) {
        assertThat(rated.usdPerMillion()).isEqualByComparingTo(usdPerMillion);
        assertThat(rated.costUsd()).isEqualByComparingTo(cost);
        assertThat(rated.billedUsd()).isEqualByComparingTo(billed);
    }

    private static UsageRow miniRow(String requestId, String at) {
        return new UsageRow(
                1,
                2,
                "raw",
                requestId,
                Instant.parse(at),
                "bob",
                "openai",
                "gpt-4o-mini",
                1_000_000,
                0,
                0,
                0,
                100_000,
                0,
                ServiceTier.STANDARD,
                false);
    }

    private static HourlyUsage hourOf(UsageLine line) {
        return new HourlyUsage(
                line.customerId(),
                line.provider(),
                line.model(),
                line.serviceTier(),
                line.contextTier(),
                line.hourStart(),
                line.priceEpoch(),
                1,
                line.input(),
                line.cacheRead(),
                line.cacheWrite5m(),
                line.cacheWrite1h(),
                line.output(),
                line.reasoning());
    }

    private static HourlyUsage inputOnly(String customer, String model, long input) {
        return usage(customer, model, ServiceTier.STANDARD, ContextTier.STANDARD, JAN_2025, input, 0, 0, 0, 0, 0);
    }

    private static HourlyUsage usage(
            String customer,
            String model,
            ServiceTier tier,
            ContextTier context,
            Instant epoch,
            long input,
            long cacheRead,
            long cacheWrite5m,
            long cacheWrite1h,
            long output,
            long reasoning) {
        return new HourlyUsage(
                customer,
                model.substring(0, model.indexOf('/')),
                model,
                tier,
                context,
                NOON,
                epoch,
                3,
                input,
                cacheRead,
                cacheWrite5m,
                cacheWrite1h,
                output,
                reasoning);
    }
}
