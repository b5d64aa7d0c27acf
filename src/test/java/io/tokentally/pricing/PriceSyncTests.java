package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceSyncTests {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant SYNC = Instant.parse("2026-11-20T00:00:00Z");

    static final List<Price> CATALOG = List.of(
            price("openai/gpt-4o", TokenType.INPUT, "2.5", null, JAN, "prices.csv"),
            price("openai/gpt-4o", TokenType.OUTPUT, "10", null, JAN, "prices.csv"),
            price(
                    "anthropic/claude-sonnet-4-5",
                    TokenType.INPUT,
                    "3",
                    200_000L,
                    JAN,
                    "feed litellm (claude-sonnet-4-5)"),
            price("openai/gpt-4o-mini", TokenType.INPUT, "0.1", null, JAN, "override: negotiated.csv"),
            price("anthropic/claude-3-opus", TokenType.INPUT, "15", null, JAN, "feed litellm (claude-3-opus)"));

    static final List<FeedPrice> FEED = List.of(
            feed("openai/gpt-4o", TokenType.INPUT, "2", null),
            feed("openai/gpt-4o", TokenType.OUTPUT, "10", null),
            feed("anthropic/claude-sonnet-4-5", TokenType.INPUT, "3", 272_000L),
            feed("openai/gpt-4o-mini", TokenType.INPUT, "0.15", null),
            feed("openai/gpt-6", TokenType.INPUT, "4", null));

    @Test
    void aPriceCutBecomesANewVersionFromTheEffectiveInstantAndTheOldOneStays() {
        // when
        PriceSync.Outcome outcome = PriceSync.plan(CATALOG, FEED, SYNC, "litellm");

        // then
        assertThat(outcome.changed()).hasSize(2);
        PriceSync.Change cut = outcome.changed().get(0);
        assertThat(cut.slot().model()).isEqualTo("openai/gpt-4o");
        assertThat(cut.percent()).isEqualByComparingTo("-20.00");
        List<Price> all = new ArrayList<>(CATALOG);
        all.addAll(outcome.newVersions());
        PriceCatalog catalog = new PriceCatalog(all);
        assertThat(priceAt(catalog, "openai/gpt-4o", SYNC.minusSeconds(1))).isEqualByComparingTo("2.5");
        assertThat(priceAt(catalog, "openai/gpt-4o", SYNC)).isEqualByComparingTo("2");
    }

    @Test
    void aLongContextThresholdChangeIsAChangeEvenAtTheSamePrice() {
        PriceSync.Outcome outcome = PriceSync.plan(CATALOG, FEED, SYNC, "litellm");

        PriceSync.Change tier = outcome.changed().get(1);
        assertThat(tier.slot().model()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(tier.thresholdChanged()).isTrue();
        assertThat(tier.percent()).isEqualByComparingTo("0");
    }

    @Test
    void aFeedThatGivesNoThresholdChangesNone() {
        // given claude-sonnet-4-5's input at 3 with a 200,000-token threshold, from the feed

        // when the feed gives the same price and no threshold (a CSV feed's empty column)
        PriceSync.Outcome outcome = PriceSync.plan(
                CATALOG, List.of(feed("anthropic/claude-sonnet-4-5", TokenType.INPUT, "3", null)), SYNC, "litellm");

        // then nothing changes: the catalog keeps the last threshold given, so a version would only say otherwise
        assertThat(outcome.changesAnything()).isFalse();
        assertThat(outcome.unchanged()).isEqualTo(1);
    }

    @Test
    void reportsNewAndVanishedModelsKeepsOverridesAndCountsTheRest() {
        PriceSync.Outcome outcome = PriceSync.plan(CATALOG, FEED, SYNC, "litellm");

        assertThat(outcome.newModels()).containsExactly("openai/gpt-6");
        assertThat(outcome.vanishedModels()).containsExactly("anthropic/claude-3-opus");
        assertThat(outcome.keptOverrides()).extracting(FeedPrice.Slot::model).containsExactly("openai/gpt-4o-mini");
        assertThat(outcome.unchanged()).isEqualTo(1);
        assertThat(outcome.newVersions())
                .extracting(Price::model)
                .containsExactly("openai/gpt-4o", "anthropic/claude-sonnet-4-5", "openai/gpt-6");
        assertThat(outcome.newVersions())
                .allMatch(price -> price.effectiveFrom().equals(SYNC));
    }

    @Test
    void aSecondSyncOfTheSameFeedChangesNothing() {
        List<Price> all = new ArrayList<>(CATALOG);
        all.addAll(PriceSync.plan(CATALOG, FEED, SYNC, "litellm").newVersions());

        PriceSync.Outcome again = PriceSync.plan(all, FEED, SYNC.plusSeconds(86_400), "litellm");

        assertThat(again.changesAnything()).isFalse();
        assertThat(again.unchanged()).isEqualTo(4);
    }

    @Test
    void aFeedsOwnPriceReplacesADerivedOneEvenAtTheSameAmount() {
        // given input at 2 from the prices file, so batch input at a derived 1
        Price batch = new Price(
                0,
                "openai/gpt-x",
                TokenType.INPUT,
                ServiceTier.BATCH,
                ContextTier.STANDARD,
                JAN,
                BigDecimal.ONE,
                null,
                PriceRepository.DERIVED_BATCH + " from prices.csv");
        List<Price> catalog = List.of(price("openai/gpt-x", TokenType.INPUT, "2", null, JAN, "prices.csv"), batch);

        // when the feed raises input to 3 and keeps the provider's batch price at 1
        FeedPrice ownBatch = new FeedPrice(
                "openai/gpt-x",
                TokenType.INPUT,
                ServiceTier.BATCH,
                ContextTier.STANDARD,
                BigDecimal.ONE,
                null,
                "gpt-x");
        PriceSync.Outcome outcome = PriceSync.plan(
                catalog, List.of(feed("openai/gpt-x", TokenType.INPUT, "3", null), ownBatch), SYNC, "litellm");

        // then the batch price is stored as the feed's, so no derived 1.5 follows the new input price
        assertThat(outcome.newVersions())
                .extracting(Price::serviceTier, Price::usdPerMillion, Price::origin)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                ServiceTier.STANDARD, new BigDecimal("3"), "feed litellm (openai/gpt-x)"),
                        org.assertj.core.groups.Tuple.tuple(ServiceTier.BATCH, BigDecimal.ONE, "feed litellm (gpt-x)"));
        assertThat(outcome.changed()).hasSize(1);
        assertThat(outcome.unchanged()).isEqualTo(1);
    }

    @Test
    void aModelTheFeedListsWithoutItsLongContextPricesHasThemEndAtWhatAStandardRequestPays() {
        // given: the feed gave claude-x long-context input and output prices; the prices file a long cache-read one;
        // standard output is overridden at 12
        String model = "anthropic/claude-x";
        List<Price> catalog = List.of(
                price(model, TokenType.INPUT, "3", 200_000L, JAN, "feed litellm (claude-x)"),
                price(model, TokenType.OUTPUT, "15", 200_000L, JAN, "feed litellm (claude-x)"),
                price(model, TokenType.OUTPUT, "12", null, JAN.plusSeconds(3_600), "override: deal.csv"),
                longPrice(model, TokenType.INPUT, "6", "feed litellm (claude-x)"),
                longPrice(model, TokenType.OUTPUT, "22.5", "feed litellm (claude-x)"),
                longPrice(model, TokenType.CACHE_READ, "0.6", "prices.csv"),
                price(model, TokenType.CACHE_WRITE_5M, "3.75", 200_000L, JAN, "feed litellm (claude-x)"),
                new Price(
                        0,
                        model,
                        TokenType.INPUT,
                        ServiceTier.BATCH,
                        ContextTier.LONG,
                        JAN,
                        new BigDecimal("3"),
                        200_000L,
                        PriceRepository.DERIVED_BATCH + " from feed litellm (claude-x)"));

        // when: the feed lists claude-x with standard prices only (priority and batch input prices too), and no
        // longer a cache-write price
        List<FeedPrice> feed = List.of(
                feed(model, TokenType.INPUT, "3", null),
                feed(model, TokenType.OUTPUT, "15", null),
                feed(model, TokenType.CACHE_READ, "0.3", null),
                new FeedPrice(
                        model,
                        TokenType.INPUT,
                        ServiceTier.PRIORITY,
                        ContextTier.STANDARD,
                        new BigDecimal("5"),
                        null,
                        "claude-x"),
                new FeedPrice(
                        model,
                        TokenType.INPUT,
                        ServiceTier.BATCH,
                        ContextTier.STANDARD,
                        new BigDecimal("1.2"),
                        null,
                        "claude-x"));
        PriceSync.Outcome outcome = PriceSync.plan(catalog, feed, SYNC, "litellm");

        // then: from the sync on, a long request pays what a standard one does (the override's 12 for output), in
        // the priority and batch tiers too (priority had no long-context price and was held); the prices file's long
        // price stays
        assertThat(outcome.changed())
                .extracting(
                        change -> change.slot().toString(),
                        change -> change.after().usdPerMillion())
                .contains(
                        org.assertj.core.groups.Tuple.tuple(
                                "anthropic/claude-x input (standard, long)", new BigDecimal("3")),
                        org.assertj.core.groups.Tuple.tuple(
                                "anthropic/claude-x output (standard, long)", new BigDecimal("12")));
        List<Price> all = new ArrayList<>(catalog);
        all.addAll(outcome.newVersions());
        PriceCatalog after = new PriceCatalog(all);
        assertThat(longPriceAt(after, model, TokenType.INPUT, ServiceTier.STANDARD, SYNC.minusSeconds(1)))
                .isEqualByComparingTo("6");
        assertThat(longPriceAt(after, model, TokenType.INPUT, ServiceTier.STANDARD, SYNC))
                .isEqualByComparingTo("3");
        assertThat(longPriceAt(after, model, TokenType.OUTPUT, ServiceTier.STANDARD, SYNC))
                .isEqualByComparingTo("12");
        assertThat(longPriceAt(after, model, TokenType.CACHE_READ, ServiceTier.STANDARD, SYNC))
                .isEqualByComparingTo("0.6");
        assertThat(longPriceAt(after, model, TokenType.INPUT, ServiceTier.PRIORITY, SYNC))
                .isEqualByComparingTo("5");
        // and the batch tier's long price, derived at half the long one, is the feed's batch price, not half of 3
        assertThat(longPriceAt(after, model, TokenType.INPUT, ServiceTier.BATCH, SYNC))
                .isEqualByComparingTo("1.2");

        // and the cache-write price it no longer lists stays in force, reported
        assertThat(outcome.unlisted())
                .extracting(FeedPrice.Slot::toString)
                .containsExactly("anthropic/claude-x cache_write_5m (standard, standard)");

        // and a second sync of the same feed changes nothing, counting the feed's prices alone as unchanged (its
        // output price is overridden)
        PriceSync.Outcome again = PriceSync.plan(all, feed, SYNC.plusSeconds(86_400), "litellm");
        assertThat(again.changesAnything()).isFalse();
        assertThat(again.unchanged()).isEqualTo(4);
    }

    private static BigDecimal longPriceAt(
            PriceCatalog catalog, String model, TokenType type, ServiceTier tier, Instant at) {
        return catalog.priceAt(model, type, tier, ContextTier.LONG, at)
                .orElseThrow()
                .usdPerMillion();
    }

    private static Price longPrice(String model, TokenType type, String usd, String origin) {
        return new Price(
                0, model, type, ServiceTier.STANDARD, ContextTier.LONG, JAN, new BigDecimal(usd), 200_000L, origin);
    }

    private static BigDecimal priceAt(PriceCatalog catalog, String model, Instant at) {
        return catalog.priceAt(model, TokenType.INPUT, ServiceTier.STANDARD, ContextTier.STANDARD, at)
                .orElseThrow()
                .usdPerMillion();
    }

    static Price price(String model, TokenType type, String usd, Long threshold, Instant from, String origin) {
        return new Price(
                0,
                model,
                type,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                from,
                new BigDecimal(usd),
                threshold,
                origin);
    }

    static FeedPrice feed(String model, TokenType type, String usd, Long threshold) {
        return new FeedPrice(
                model, type, ServiceTier.STANDARD, ContextTier.STANDARD, new BigDecimal(usd), threshold, model);
    }
}
