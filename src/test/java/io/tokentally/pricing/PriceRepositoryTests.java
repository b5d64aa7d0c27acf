package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokentally.TempFolders;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The price catalog on the embedded database: versions are added, never changed. */
@SpringBootTest
class PriceRepositoryTests {

    static final Path WORK = TempFolders.create("tokentally-prices-");
    static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    PriceRepository prices;

    @Test
    void aLoadedVersionGivenAnotherAmountIsRefusedAndNothingOfTheListIsStored() {
        // given
        String model = "custom/" + UUID.randomUUID();
        prices.load(List.of(price(model, TokenType.INPUT, "2.5", "first.csv")));
        List<Price> edited = List.of(
                price(model, TokenType.OUTPUT, "10", "second.csv"), price(model, TokenType.INPUT, "3", "second.csv"));

        // when, then: the new output price comes first in the list and is not stored either
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(edited))
                .withMessage("input of " + model + " (standard, standard) effective 2025-01-01T00:00:00Z"
                        + " is already 2.5 (from first.csv); second.csv says 3. Prices are versioned: add a row with"
                        + " a later effective_from instead");
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model))
                .extracting(Price::tokenType)
                .containsOnly(TokenType.INPUT);
    }

    @Test
    void aPriceGivingALoadedInstantAnotherThresholdIsRefusedWhateverItsTokenType() {
        // given long input with threshold 1,000 from 2025
        String model = "custom/" + UUID.randomUUID();
        prices.load(List.of(price(model, TokenType.INPUT, ContextTier.LONG, FROM, "4")));
        Price sameVersion =
                price(model, TokenType.INPUT, ContextTier.LONG, FROM, "4").withOrigin("second.csv", 2000L);
        Price otherType =
                price(model, TokenType.OUTPUT, ContextTier.LONG, FROM, "8").withOrigin("second.csv", 2000L);

        // when, then: the same version, or a new output price from the same instant, with 2,000
        String stored = "input of " + model + " (standard, long) effective 2025-01-01T00:00:00Z";
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(List.of(sameVersion)))
                .withMessage(stored + " has long_context_threshold 2000 in second.csv, where " + stored + " has 1000"
                        + " (from a.csv): a model's prices from one instant share one threshold. Prices are versioned:"
                        + " add a row with a later effective_from instead");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(List.of(otherType)))
                .withMessageStartingWith("output of " + model + " (standard, long) effective 2025-01-01T00:00:00Z has"
                        + " long_context_threshold 2000 in second.csv, where " + stored + " has 1000");
        assertThat(new PriceCatalog(prices.findAll())
                        .pricingAt(model, FROM)
                        .orElseThrow()
                        .longContextThreshold())
                .isEqualTo(1000L);
        // and the same threshold, or none, is no change
        assertThat(prices.load(List.of(
                        price(model, TokenType.OUTPUT, ContextTier.LONG, FROM, "8"),
                        price(model, TokenType.INPUT, ContextTier.LONG, FROM, "4")
                                .withOrigin("third.csv", null))))
                .isEqualTo(2);
    }

    @Test
    void aThresholdGivenToALoadedVersionOfAnInstantWithoutOneIsRefused() {
        // given standard input without a threshold from 2025
        String model = "custom/" + UUID.randomUUID();
        prices.load(List.of(price(model, TokenType.INPUT, "2", "a.csv")));
        Price edited = price(model, TokenType.INPUT, "2", "second.csv").withOrigin("second.csv", 2000L);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(List.of(edited)))
                .withMessage("input of " + model + " (standard, standard) effective 2025-01-01T00:00:00Z has no"
                        + " long_context_threshold (from a.csv); second.csv says 2000. Prices are versioned: add a row"
                        + " with a later effective_from instead");
    }

    @Test
    void theCheckAloneRefusesAListGivingOneVersionTwoAmountsAndStoresNothing() {
        // given
        String model = "custom/" + UUID.randomUUID();
        List<Price> list = List.of(
                price(model, TokenType.CACHE_READ, "0.1", "feed a"),
                price(model, TokenType.CACHE_READ, "0.2", "feed b"));

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.refuseChangedVersions(list))
                .withMessage("cache_read of " + model + " (standard, standard) effective 2025-01-01T00:00:00Z is given"
                        + " twice, as 0.1 (feed a) and as 0.2 (feed b). Prices are versioned: add a row with a later"
                        + " effective_from instead");
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model))
                .isEmpty();
    }

    @Test
    void aDerivedPriceWhoseOriginWouldPassTheColumnsLengthIsStoredWithItCut() {
        // given a feed's price under a 180-character key: the batch price derived from it names it after 38 more
        String key = "k".repeat(180);
        String model = "custom/" + UUID.randomUUID();

        // when
        prices.load(List.of(price(model, TokenType.INPUT, "2", "feed litellm (" + key + ")")));

        // then both are stored, the derived one's origin cut to the 200 characters kept, still naming the feed
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model) && price.serviceTier() == ServiceTier.BATCH)
                .singleElement()
                .satisfies(batch -> {
                    assertThat(batch.origin()).hasSize(200).endsWith("…");
                    assertThat(PriceSync.feedOf(batch.origin())).contains("litellm");
                });
    }

    @Test
    void anIdenticalReloadAddsNothing() {
        // given
        String model = "custom/" + UUID.randomUUID();
        List<Price> list =
                List.of(price(model, TokenType.INPUT, "1", "a.csv"), price(model, TokenType.OUTPUT, "2", "a.csv"));
        int first = prices.load(list);

        // when
        int again = prices.load(list);

        // then: input and output, and their derived batch prices, once
        assertThat(first).isEqualTo(4);
        assertThat(again).isZero();
    }

    @Test
    void aDerivedBatchPriceIsHalfTheStandardOneRoundedHalfUpToTwelveDecimals() {
        // given
        String model = "custom/" + UUID.randomUUID();

        // when
        prices.load(List.of(
                price(model, TokenType.INPUT, "0.166666666667", "a.csv"),
                price(model, TokenType.OUTPUT, "2.5", "a.csv")));

        // then
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model) && price.serviceTier() == ServiceTier.BATCH)
                .extracting(price -> price.tokenType() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder("INPUT 0.083333333334", "OUTPUT 1.25");
    }

    @Test
    void aBatchPriceOfTheModelsOwnThatStartsLaterLeavesTheDerivedOneInForceBeforeIt() {
        // given standard input 2 from 2025 and 3 from 06:00, a batch input price of its own (0.5) from noon, and a
        // standard input of 4 from 18:00
        String model = "custom/" + UUID.randomUUID();
        Instant six = Instant.parse("2026-11-27T06:00:00Z");
        Instant noon = Instant.parse("2026-11-27T12:00:00Z");
        Instant evening = Instant.parse("2026-11-27T18:00:00Z");

        // when
        prices.load(List.of(
                price(model, TokenType.INPUT, ContextTier.STANDARD, FROM, "2"),
                price(model, TokenType.INPUT, ContextTier.STANDARD, six, "3"),
                batchInput(model, noon, "0.5", "a.csv"),
                price(model, TokenType.INPUT, ContextTier.STANDARD, evening, "4")));

        // then: batch usage before noon is billed at half the standard price in force, not held; from noon the
        // model's own batch price applies, and a later standard version derives none over it
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model) && price.serviceTier() == ServiceTier.BATCH)
                .extracting(price -> price.effectiveFrom() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder(FROM + " 1", six + " 1.5", noon + " 0.5");
    }

    @Test
    void aBatchPriceOfTheModelsOwnLoadedLaterWinsFromItsStartOverDerivedOnesStoredBefore() {
        // given standard input 2 from 2025 and 4 from the evening, loaded first: batch 1 and 2 are derived
        String model = "custom/" + UUID.randomUUID();
        Instant noon = Instant.parse("2026-11-27T12:00:00Z");
        Instant evening = Instant.parse("2026-11-27T18:00:00Z");
        loadStandardInput(model, evening);

        // when the model's own batch input price (0.5) from noon is loaded later
        prices.load(List.of(batchInput(model, noon, "0.5", "b.csv")));

        // then the derived versions stay stored, as every version does, but the catalog prices batch usage at the
        // derived 1 before noon and at the model's own 0.5 from noon on, the evening too
        PriceCatalog catalog = new PriceCatalog(prices.findAll());
        assertThat(batchInputAt(catalog, model, noon.minusSeconds(1))).isEqualTo("1");
        assertThat(batchInputAt(catalog, model, noon)).isEqualTo("0.5");
        assertThat(batchInputAt(catalog, model, evening.plusSeconds(3600))).isEqualTo("0.5");
    }

    @Test
    void aBatchPriceOfTheModelsOwnAtAStoredDerivedVersionsInstantAndAmountIsThePriceFromThenOn() {
        // given standard input 2 from 2025 and 4 from the evening, loaded first: batch 1 and 2 are derived
        String model = "custom/" + UUID.randomUUID();
        Instant evening = Instant.parse("2026-11-27T18:00:00Z");
        loadStandardInput(model, evening);

        // when the model's own batch input price from 2025, 1 as derived, is loaded later
        prices.load(List.of(batchInput(model, FROM, "1", "b.csv")));

        // then it is the price from 2025 on, the evening too (not the derived 2), as if it had been loaded first
        PriceCatalog catalog = new PriceCatalog(prices.findAll());
        assertThat(batchInputAt(catalog, model, FROM)).isEqualTo("1");
        assertThat(batchInputAt(catalog, model, evening.plusSeconds(3600))).isEqualTo("1");

        // and at another amount it is refused, as any other version's change: billed usage or a Stripe price of the
        // derived version would not follow
        assertThatIllegalArgumentException()
                .isThrownBy(() -> prices.load(List.of(batchInput(model, evening, "0.8", "c.csv"))))
                .withMessageContaining(
                        "is already 2 (from " + PriceRepository.DERIVED_BATCH + " from a.csv);" + " c.csv says 0.8");
    }

    @Test
    void aLongCachePriceOfTheModelsOwnAtADerivedVersionsInstantAndAmountIsThePriceFromThenOnInTheBatchTierToo() {
        // given derived long cache_read versions 0.4 (from 2025) and 0.2 x 4 / 4 = 0.2 (from noon, when standard
        // input became 4), and their batch halves 0.2 and 0.1, loaded first
        Instant noon = Instant.parse("2026-11-20T12:00:00Z");
        String model = "custom/" + UUID.randomUUID();
        List<Price> list = new java.util.ArrayList<>(longContextModel(model));
        list.add(price(model, TokenType.INPUT, ContextTier.STANDARD, noon, "4"));
        prices.load(list);

        // when the model's own long cache_read price from 2025, 0.4 as derived, is loaded later
        prices.load(List.of(price(model, TokenType.CACHE_READ, ContextTier.LONG, FROM, "0.4")));

        // then it is the price from 2025 on, the afternoon too (not the derived 0.2), and half of it in the batch
        // tier, as if it had been loaded first
        PriceCatalog catalog = new PriceCatalog(prices.findAll());
        assertThat(longCacheReadAt(catalog, model, noon.plusSeconds(3600))).isEqualTo("0.4");
        assertThat(longCacheReadAt(catalog, model, ServiceTier.BATCH, FROM)).isEqualTo("0.2");
        assertThat(longCacheReadAt(catalog, model, ServiceTier.BATCH, noon.plusSeconds(3600)))
                .isEqualTo("0.2");
    }

    /** Loads standard input 2 from 2025 and 4 from {@code evening}: batch 1 and 2 are derived. */
    private void loadStandardInput(String model, Instant evening) {
        prices.load(List.of(
                price(model, TokenType.INPUT, ContextTier.STANDARD, FROM, "2"),
                price(model, TokenType.INPUT, ContextTier.STANDARD, evening, "4")));
    }

    private static String batchInputAt(PriceCatalog catalog, String model, Instant at) {
        return catalog.priceAt(model, TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD, at)
                .orElseThrow()
                .usdPerMillion()
                .stripTrailingZeros()
                .toPlainString();
    }

    @Test
    void aDerivedLongContextCachePriceFollowsEachLaterVersionOfTheStandardCacheAndBothInputPrices() {
        // given three models with standard input 2, standard cache_read 0.2 and long input 4 (derived long
        // cache_read 0.2 x 4 / 2 = 0.4), and from noon a new standard cache_read (0.3), standard input (2.5) or
        // long input (6)
        Instant noon = Instant.parse("2026-11-20T12:00:00Z");
        String cacheChanges = "custom/" + UUID.randomUUID();
        String inputChanges = "custom/" + UUID.randomUUID();
        String longInputChanges = "custom/" + UUID.randomUUID();
        List<Price> list = new java.util.ArrayList<>();
        for (String model : List.of(cacheChanges, inputChanges, longInputChanges)) {
            list.addAll(longContextModel(model));
        }
        list.add(price(cacheChanges, TokenType.CACHE_READ, ContextTier.STANDARD, noon, "0.3"));
        list.add(price(inputChanges, TokenType.INPUT, ContextTier.STANDARD, noon, "2.5"));
        list.add(price(longInputChanges, TokenType.INPUT, ContextTier.LONG, noon, "6"));

        // when
        prices.load(list);

        // then each has a derived version at noon: 0.3 x 4 / 2 = 0.6, 0.2 x 4 / 2.5 = 0.32, 0.2 x 6 / 2 = 0.6
        assertThat(longCacheReads(cacheChanges)).containsExactly(FROM + " 0.4", noon + " 0.6");
        assertThat(longCacheReads(inputChanges)).containsExactly(FROM + " 0.4", noon + " 0.32");
        assertThat(longCacheReads(longInputChanges)).containsExactly(FROM + " 0.4", noon + " 0.6");
        // and loading the list again adds nothing
        assertThat(prices.load(list)).isZero();
    }

    @Test
    void noLongContextCachePriceIsDerivedWhileOneOfItsOwnIsInForce() {
        // given a model with a long cache_read price of its own from the start, and a long input price that
        // changes at noon
        Instant noon = Instant.parse("2026-11-20T12:00:00Z");
        String model = "custom/" + UUID.randomUUID();

        // when
        List<Price> list = new java.util.ArrayList<>(longContextModel(model));
        list.add(price(model, TokenType.CACHE_READ, ContextTier.LONG, FROM, "0.5"));
        list.add(price(model, TokenType.INPUT, ContextTier.LONG, noon, "6"));
        prices.load(list);

        // then its own price stays the only one
        assertThat(longCacheReads(model)).containsExactly(FROM + " 0.5");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aVersionLoadedBetweenTwoDerivedOnesGetsItsOwnAndTheLaterOneStaysWithAWarning(CapturedOutput output) {
        // given derived long cache_read versions 0.4 (from 2025) and 0.6 (from noon, when cache_read became 0.3)
        Instant morning = Instant.parse("2026-11-20T06:00:00Z");
        Instant noon = Instant.parse("2026-11-20T12:00:00Z");
        String model = "custom/" + UUID.randomUUID();
        List<Price> list = new java.util.ArrayList<>(longContextModel(model));
        list.add(price(model, TokenType.CACHE_READ, ContextTier.STANDARD, noon, "0.3"));
        prices.load(list);

        // when a later load adds a standard input price of 2.5 from the morning
        prices.load(List.of(price(model, TokenType.INPUT, ContextTier.STANDARD, morning, "2.5")));

        // then the morning gets 0.2 x 4 / 2.5 = 0.32; noon keeps 0.6 (0.3 x 4 / 2.5 = 0.48 would be due) and the
        // load says so
        assertThat(longCacheReads(model)).containsExactly(FROM + " 0.4", morning + " 0.32", noon + " 0.6");
        assertThat(output.getAll())
                .contains("cache_read of " + model + " (standard, long) effective " + noon + " stays 0.6")
                .contains("the prices in force now give 0.48");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aLongCachePriceOfTheModelsOwnLoadedLaterWinsFromItsStartOverDerivedOnesStoredBefore(CapturedOutput output) {
        // given derived long cache_read versions 0.4 (from 2025) and 0.2 x 4 / 4 = 0.2 (from noon, when standard
        // input became 4), loaded first
        Instant morning = Instant.parse("2026-11-20T06:00:00Z");
        Instant noon = Instant.parse("2026-11-20T12:00:00Z");
        String model = "custom/" + UUID.randomUUID();
        List<Price> list = new java.util.ArrayList<>(longContextModel(model));
        list.add(price(model, TokenType.INPUT, ContextTier.STANDARD, noon, "4"));
        prices.load(list);

        // when the model's own long cache_read price (0.7) from the morning is loaded later (check 11: the
        // afternoon took the derived 0.2, where the same prices on a fresh database take 0.7)
        prices.load(List.of(price(model, TokenType.CACHE_READ, ContextTier.LONG, morning, "0.7")));

        // then the derived versions stay stored, as every version does, but the catalog prices long cache reads at
        // the derived 0.4 before the morning and at the model's own 0.7 from then on, the afternoon too, and the
        // load does not say the noon version stays: it is no longer looked up
        assertThat(longCacheReads(model)).containsExactly(FROM + " 0.4", morning + " 0.7", noon + " 0.2");
        PriceCatalog catalog = new PriceCatalog(prices.findAll());
        assertThat(longCacheReadAt(catalog, model, morning.minusSeconds(1))).isEqualTo("0.4");
        assertThat(longCacheReadAt(catalog, model, morning)).isEqualTo("0.7");
        assertThat(longCacheReadAt(catalog, model, noon.plusSeconds(3600))).isEqualTo("0.7");
        assertThat(output.getAll()).doesNotContain("stays 0.2");
        // and in the batch tier, half of each: 0.2 before the morning, 0.35 from then on (not the 0.1 derived from
        // the noon version)
        assertThat(longCacheReadAt(catalog, model, ServiceTier.BATCH, morning.minusSeconds(1)))
                .isEqualTo("0.2");
        assertThat(longCacheReadAt(catalog, model, ServiceTier.BATCH, noon.plusSeconds(3600)))
                .isEqualTo("0.35");
    }

    private static String longCacheReadAt(PriceCatalog catalog, String model, Instant at) {
        return longCacheReadAt(catalog, model, ServiceTier.STANDARD, at);
    }

    private static String longCacheReadAt(PriceCatalog catalog, String model, ServiceTier tier, Instant at) {
        return catalog.priceAt(model, TokenType.CACHE_READ, tier, ContextTier.LONG, at)
                .orElseThrow()
                .usdPerMillion()
                .stripTrailingZeros()
                .toPlainString();
    }

    /** The standard-tier long-context cache_read versions of a model, as "effective_from usd_per_million". */
    private List<String> longCacheReads(String model) {
        return prices.findAll().stream()
                .filter(price -> price.model().equals(model)
                        && price.tokenType() == TokenType.CACHE_READ
                        && price.serviceTier() == ServiceTier.STANDARD
                        && price.contextTier() == ContextTier.LONG)
                .sorted(java.util.Comparator.comparing(Price::effectiveFrom))
                .map(price -> price.effectiveFrom() + " "
                        + price.usdPerMillion().stripTrailingZeros().toPlainString())
                .toList();
    }

    @Test
    void aDerivedVersionDoesNotBringBackAnEarlierThreshold() {
        // given a long-context model with threshold 1,000 from 2025, a standard input price with threshold 2,000 from
        // a November instant (a derived long cache_read version follows it there, from the long input price of
        // 2025), and a standard cache_read price with threshold 2,000 from a later instant (another derived one)
        String model = "custom/" + UUID.randomUUID();
        Instant november = Instant.parse("2026-11-01T00:00:00Z");
        Instant later = Instant.parse("2026-11-20T00:00:00Z");
        List<Price> list = new java.util.ArrayList<>(longContextModel(model));
        list.add(price(model, TokenType.INPUT, ContextTier.STANDARD, november, "1")
                .withOrigin("a.csv", 2000L));
        list.add(price(model, TokenType.CACHE_READ, ContextTier.STANDARD, later, "0.1")
                .withOrigin("a.csv", 2000L));

        // when
        prices.load(list);

        // then the derived versions are there, and the threshold in force is the prices file's 2,000 from November
        assertThat(prices.findAll())
                .filteredOn(price -> price.model().equals(model) && price.derived())
                .extracting(Price::effectiveFrom)
                .contains(november, later);
        PriceCatalog catalog = new PriceCatalog(prices.findAll());
        assertThat(catalog.pricingAt(model, november.minusSeconds(1))
                        .orElseThrow()
                        .longContextThreshold())
                .isEqualTo(1000L);
        assertThat(catalog.pricingAt(model, november).orElseThrow().longContextThreshold())
                .isEqualTo(2000L);
        assertThat(catalog.pricingAt(model, later.plusSeconds(1)).orElseThrow().longContextThreshold())
                .isEqualTo(2000L);
    }

    /** Standard input 2, standard cache_read 0.2 and long input 4 from 2025: a derived long cache_read of 0.4. */
    private static List<Price> longContextModel(String model) {
        return List.of(
                price(model, TokenType.INPUT, ContextTier.STANDARD, FROM, "2"),
                price(model, TokenType.CACHE_READ, ContextTier.STANDARD, FROM, "0.2"),
                price(model, TokenType.INPUT, ContextTier.LONG, FROM, "4"));
    }

    private static Price price(String model, TokenType type, ContextTier context, Instant from, String usd) {
        return new Price(0, model, type, ServiceTier.STANDARD, context, from, new BigDecimal(usd), 1000L, "a.csv");
    }

    /** A batch input price of the model's own. */
    private static Price batchInput(String model, Instant from, String usd, String origin) {
        return new Price(
                0,
                model,
                TokenType.INPUT,
                ServiceTier.BATCH,
                ContextTier.STANDARD,
                from,
                new BigDecimal(usd),
                null,
                origin);
    }

    private static Price price(String model, TokenType type, String usd, String origin) {
        return new Price(
                0, model, type, ServiceTier.STANDARD, ContextTier.STANDARD, FROM, new BigDecimal(usd), null, origin);
    }
}
