package io.tokentally.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.normalize.ModelCatalog.ModelPricing;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceCatalogTests {

    static final Instant JAN_2025 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant MINI_CHANGE = Instant.parse("2026-10-05T12:30:00Z");

    static final PriceCatalog CATALOG = new PriceCatalog(List.of(
            price(1, "openai/gpt-4o", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "2.5", null),
            price(2, "openai/gpt-4o", TokenType.CACHE_READ, ContextTier.STANDARD, JAN_2025, "1.25", null),
            price(3, "openai/gpt-4o", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "10", null),
            price(4, "openai/gpt-4o-2024-05-13", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "5", null),
            price(5, "openai/gpt-4o-2024-05-13", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "15", null),
            price(6, "openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "0.15", null),
            price(7, "openai/gpt-4o-mini", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "0.6", null),
            price(8, "openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, MINI_CHANGE, "0.3", null),
            price(9, "openai/text-embedding-3-small", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "0.02", null),
            price(10, "anthropic/claude-sonnet-4-5", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "3", 200_000L),
            price(
                    11,
                    "anthropic/claude-sonnet-4-5",
                    TokenType.CACHE_READ,
                    ContextTier.STANDARD,
                    JAN_2025,
                    "0.3",
                    200_000L),
            price(12, "anthropic/claude-sonnet-4-5", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "15", 200_000L),
            price(13, "anthropic/claude-sonnet-4-5", TokenType.INPUT, ContextTier.LONG, JAN_2025, "6", 200_000L),
            price(14, "anthropic/claude-sonnet-4", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "3", 200_000L),
            price(15, "anthropic/claude-sonnet-4", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "15", 200_000L),
            price(16, "google/gemini-2.5-pro", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "1.25", 200_000L),
            price(17, "google/gemini-2.5-pro", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "10", 200_000L),
            price(18, "anthropic/claude-sonnet-4-5:us", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "3.3", null),
            price(19, "azure/gpt-4o", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "2.75", null),
            price(20, "custom/acme-ft", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "4", null),
            price(21, "acme/acme/llm-1", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "1", null),
            price(22, "anthropic/claude-opus-4-1", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "15", null),
            price(
                    23,
                    "anthropic/claude-opus-4-1-20250805",
                    TokenType.INPUT,
                    ContextTier.STANDARD,
                    JAN_2025,
                    "16",
                    null)));

    static Price price(
            long id, String model, TokenType type, ContextTier context, Instant from, String usd, Long threshold) {
        return new Price(id, model, type, ServiceTier.STANDARD, context, from, new BigDecimal(usd), threshold, "test");
    }

    @ParameterizedTest
    @CsvSource({
        "openai,    gpt-4o,                          openai/gpt-4o",
        "openai,    openai/gpt-4o,                   openai/gpt-4o",
        "openai,    openrouter/openai/gpt-4o,        openai/gpt-4o",
        "openai,    OpenAI/GPT-4o,                   openai/gpt-4o",
        "google,    models/gemini-2.5-pro,           google/gemini-2.5-pro",
        "google,    gemini/gemini-2.5-pro,           google/gemini-2.5-pro",
        "anthropic, anthropic/claude-sonnet-4-5,     anthropic/claude-sonnet-4-5",
        "azure,     gpt-4o,                          azure/gpt-4o",
        "azure,     azure/gpt-4o,                    azure/gpt-4o",
        "custom,    custom/acme-ft,                  custom/acme-ft",
        // priced under the id earlier versions gave a model written with its own provider's prefix
        "acme,      acme/llm-1,                      acme/acme/llm-1"
    })
    void resolvesExactKeysWithOrWithoutProviderPrefixes(String provider, String written, String canonical) {
        // given CATALOG

        // when
        Optional<String> model = CATALOG.canonicalModel(provider, written);

        // then
        assertThat(model).contains(canonical);
    }

    @ParameterizedTest
    @CsvSource({
        "openai,    gpt-4o-2024-08-06,                  openai/gpt-4o",
        "openai,    openai/gpt-4o-2024-08-06,           openai/gpt-4o",
        "anthropic, claude-sonnet-4-5-20250929,         anthropic/claude-sonnet-4-5",
        "anthropic, claude-sonnet-4@20250514,           anthropic/claude-sonnet-4",
        "anthropic, vertex_ai/claude-sonnet-4@20250514, anthropic/claude-sonnet-4",
        "anthropic, anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic/claude-sonnet-4-5",
        "anthropic, us.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic/claude-sonnet-4-5",
        "anthropic, bedrock/us-gov-west-1/anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic/claude-sonnet-4-5"
    })
    void resolvesDatedSnapshotsToTheirBaseModel(String provider, String written, String canonical) {
        // given CATALOG

        // when
        Optional<String> model = CATALOG.canonicalModel(provider, written);

        // then
        assertThat(model).contains(canonical);
    }

    @ParameterizedTest
    @CsvSource({
        "claude-sonnet-4-5:us,                  anthropic/claude-sonnet-4-5:us",
        "claude-sonnet-4-5-20250929:us,         anthropic/claude-sonnet-4-5:us",
        "claude-sonnet-4-5-20250929:fast,       ''",
        "claude-sonnet-4-5:fast:us,             ''",
        "claude-sonnet-4-20250514:us,           ''"
    })
    void pricesFastModeAndUsOnlyInferenceOnlyByPricesOfTheirOwn(String written, String canonical) {
        // given CATALOG, where claude-sonnet-4-5 is priced and so is claude-sonnet-4-5:us (1.1 times), but not
        // claude-sonnet-4-5:fast, nor claude-sonnet-4:us

        // when
        Optional<String> model = CATALOG.canonicalModel("anthropic", written);

        // then: the dated id finds the :us price, never the standard one
        assertThat(model).isEqualTo(canonical.isEmpty() ? Optional.empty() : Optional.of(canonical));
    }

    @Test
    void anUnpricedModelOfAProviderOfItsOwnIsNamedWithoutItsProvidersPrefix() {
        // given CATALOG, which has no mistral price

        // when
        String model = CATALOG.modelId("mistral", "mistral/mistral-large-2411");

        // then: held under the id a price for it would have, so adding that price bills it
        assertThat(model).isEqualTo("mistral/mistral-large-2411");
        // and usage held under the doubled id that versions before this one gave finds its price too
        assertThat(CATALOG.pricedModel("azure", "azure/azure/gpt-4o")).contains("azure/gpt-4o");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "openai    | gpt-4o-2024-05-13             | openai/gpt-4o-2024-05-13 openai/gpt-4o",
                "openai    | openai/gpt-9                  | openai/gpt-9",
                "anthropic | claude-sonnet-4-5-20250929:us | anthropic/claude-sonnet-4-5-20250929:us"
                        + " anthropic/claude-sonnet-4-5:us",
                "anthropic | claude-sonnet-4@20250514:us    | anthropic/claude-sonnet-4@20250514:us"
                        + " anthropic/claude-sonnet-4-20250514:us anthropic/claude-sonnet-4:us"
            })
    void namesEveryIdAModelAsWrittenMayBePricedUnderPricedOrNotItsOwnFirst(
            String provider, String written, String ids) {
        // when
        List<String> priceable = CATALOG.priceableIds(provider, written);

        // then: its own id, a Vertex AI date as Anthropic writes it, then each id without a snapshot suffix, the
        // multiplier kept
        assertThat(priceable).containsExactly(ids.split(" "));
    }

    @Test
    void keepsTheIdOfASnapshotThatHasItsOwnPrice() {
        // given CATALOG, where gpt-4o-2024-05-13 is priced at 5 / 15 and gpt-4o at 2.5 / 10

        // when
        Optional<String> model = CATALOG.canonicalModel("openai", "gpt-4o-2024-05-13");

        // then
        assertThat(model).contains("openai/gpt-4o-2024-05-13");
    }

    @ParameterizedTest
    @CsvSource({
        "anthropic, claude-opus-4-1-20250805",
        "anthropic, claude-opus-4-1@20250805",
        "vertex_ai, claude-opus-4-1@20250805",
        "vertex_ai, vertex_ai/claude-opus-4-1@20250805",
        "bedrock,   us.anthropic.claude-opus-4-1-20250805-v1:0",
        // LiteLLM's provider of Bedrock's Converse API, and the model as its spend logs may prefix it
        "bedrock_converse, anthropic.claude-opus-4-1-20250805-v1:0",
        "bedrock_converse, bedrock_converse/us.anthropic.claude-opus-4-1-20250805-v1:0"
    })
    void pricesASnapshotByItsOwnPriceHoweverAHostDatesIt(String provider, String written) {
        // given CATALOG, where claude-opus-4-1-20250805 has a price of its own beside claude-opus-4-1's

        // when
        Optional<String> model = CATALOG.canonicalModel(CATALOG.vendorOf(provider, written), written);

        // then: Vertex AI's @20250805 is the snapshot -20250805, not the base model
        assertThat(model).contains("anthropic/claude-opus-4-1-20250805");
    }

    @ParameterizedTest
    @CsvSource({
        "openai,    gpt-9",
        "openai,    gpt-9-2024-08-06",
        "anthropic, gpt-4o",
        "openai,    claude-sonnet-4-5",
        "openai,    ''"
    })
    void resolvesNoModelWithoutAPriceUnderThatProvider(String provider, String written) {
        // given CATALOG

        // when
        Optional<String> model = CATALOG.canonicalModel(provider, written);

        // then
        assertThat(model).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "openai,     openai",
        "OpenAI,     openai",
        "anthropic,  anthropic",
        "google,     google",
        "gemini,     google",
        "vertex_ai,  google",
        "Vertex_AI,  google"
    })
    void resolvesProviderAliases(String written, String canonical) {
        // given CATALOG

        // when
        Optional<String> provider = CATALOG.canonicalProvider(written);

        // then
        assertThat(provider).contains(canonical);
    }

    @Test
    void knowsNoProviderWithoutPrices() {
        // given CATALOG, which has no mistral price

        // when
        Optional<String> provider = CATALOG.canonicalProvider("mistral");

        // then
        assertThat(provider).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "2025-01-01T00:00:00Z,           2025-01-01T00:00:00Z",
        "2026-10-05T12:29:59.999999999Z, 2025-01-01T00:00:00Z",
        "2026-10-05T12:30:00Z,           2026-10-05T12:30:00Z",
        "2027-03-01T00:00:00Z,           2026-10-05T12:30:00Z"
    })
    void pricingEpochIsTheLatestPriceChangeAtOrBeforeTheInstant(Instant at, Instant expectedEpoch) {
        // given CATALOG, where gpt-4o-mini changed its input price at 2026-10-05T12:30Z

        // when
        Optional<ModelPricing> pricing = CATALOG.pricingAt("openai/gpt-4o-mini", at);

        // then
        assertThat(pricing).map(ModelPricing::epoch).contains(expectedEpoch);
        assertThat(pricing.orElseThrow().longContextThreshold()).isNull();
    }

    @Test
    void pricingCarriesTheLongContextThreshold() {
        // given CATALOG, where claude-sonnet-4-5 is long-context above 200,000 prompt tokens

        // when
        Optional<ModelPricing> pricing =
                CATALOG.pricingAt("anthropic/claude-sonnet-4-5", Instant.parse("2026-01-01T00:00:00Z"));

        // then
        assertThat(pricing).contains(new ModelPricing(JAN_2025, 200_000L, 13));
    }

    @ParameterizedTest
    @CsvSource({
        "2026-08-01T10:00:00Z, 2025-01-01T00:00:00Z, 2, 2",
        "2026-08-01T11:30:00Z, 2025-01-01T00:00:00Z, 2, 4",
        "2026-08-01T20:00:00Z, 2026-08-01T12:00:00Z, 3, 4"
    })
    void pricingNamesTheNewestVersionStartedByTheUsageSoABackDatedOneKeepsLateUsageApart(
            Instant at, Instant epochBefore, long newestBefore, long newestAfter) {
        // given: input and output from 2025, output again from 12:00; then an input price from 11:00 added (id 4)
        Instant noon = Instant.parse("2026-08-01T12:00:00Z");
        List<Price> prices = List.of(
                price(1, "openai/m", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "2.5", null),
                price(2, "openai/m", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "10", null),
                price(3, "openai/m", TokenType.OUTPUT, ContextTier.STANDARD, noon, "12", null));
        List<Price> backDated = new java.util.ArrayList<>(prices);
        backDated.add(price(
                4,
                "openai/m",
                TokenType.INPUT,
                ContextTier.STANDARD,
                Instant.parse("2026-08-01T11:00:00Z"),
                "2",
                null));

        // when
        ModelPricing before = new PriceCatalog(prices).pricingAt("openai/m", at).orElseThrow();
        ModelPricing after =
                new PriceCatalog(backDated).pricingAt("openai/m", at).orElseThrow();

        // then: at 20:00 the epoch stays 12:00 (the output change), but the newest version started by then is 4
        assertThat(before.epoch()).isEqualTo(epochBefore);
        assertThat(before.newestPriceId()).isEqualTo(newestBefore);
        assertThat(after.newestPriceId()).isEqualTo(newestAfter);
    }

    @Test
    void hasNoPricingBeforeTheFirstPriceOrForAnUnknownModel() {
        // given CATALOG, whose first price is effective 2025-01-01T00:00Z

        // when
        Optional<ModelPricing> before = CATALOG.pricingAt("openai/gpt-4o", Instant.parse("2024-12-31T23:59:59Z"));
        Optional<ModelPricing> unknown = CATALOG.pricingAt("openai/gpt-9", Instant.parse("2026-01-01T00:00:00Z"));

        // then
        assertThat(before).isEmpty();
        assertThat(unknown).isEmpty();
    }

    @Test
    void longContextPriceFallsBackToTheStandardContextPriceOfTheSameTokenType() {
        // given CATALOG: claude-sonnet-4-5 has a long input price (6) but no long cache_read or output price
        Instant at = Instant.parse("2026-01-01T00:00:00Z");

        // when
        Price longInput = priceAt("anthropic/claude-sonnet-4-5", TokenType.INPUT, ContextTier.LONG, at);
        Price longCacheRead = priceAt("anthropic/claude-sonnet-4-5", TokenType.CACHE_READ, ContextTier.LONG, at);
        Price longOutput = priceAt("anthropic/claude-sonnet-4-5", TokenType.OUTPUT, ContextTier.LONG, at);

        // then
        assertThat(longInput.priceId()).isEqualTo(13); // its own long price
        assertThat(longInput.usdPerMillion()).isEqualByComparingTo("6");
        assertThat(longCacheRead.priceId()).isEqualTo(11); // standard cache_read, not long input
        assertThat(longCacheRead.usdPerMillion()).isEqualByComparingTo("0.3");
        assertThat(longOutput.priceId()).isEqualTo(12); // standard output
        assertThat(longOutput.usdPerMillion()).isEqualByComparingTo("15");
    }

    @Test
    void aPriorityLongContextRequestIsNotPricedBelowAStandardOneButHeldUntilItsPriceExists() {
        // given a model that prices long context (4 above 200k, 2 below) and priority only below 200k (3.6),
        // and gpt-4o, which has no long-context prices at all, with a priority price
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        PriceCatalog catalog = new PriceCatalog(List.of(
                price(
                        1,
                        "google/gemini-3.1-pro-preview",
                        TokenType.INPUT,
                        ContextTier.STANDARD,
                        JAN_2025,
                        "2",
                        200_000L),
                price(2, "google/gemini-3.1-pro-preview", TokenType.INPUT, ContextTier.LONG, JAN_2025, "4", 200_000L),
                new Price(
                        3,
                        "google/gemini-3.1-pro-preview",
                        TokenType.INPUT,
                        ServiceTier.PRIORITY,
                        ContextTier.STANDARD,
                        JAN_2025,
                        new BigDecimal("3.6"),
                        null,
                        "test"),
                new Price(
                        4,
                        "openai/gpt-4o",
                        TokenType.INPUT,
                        ServiceTier.PRIORITY,
                        ContextTier.STANDARD,
                        JAN_2025,
                        new BigDecimal("4.25"),
                        null,
                        "test")));

        // when, then: the long priority request is held (no price), not billed at 3.6
        assertThat(catalog.priceAt(
                        "google/gemini-3.1-pro-preview", TokenType.INPUT, ServiceTier.PRIORITY, ContextTier.LONG, at))
                .isEmpty();
        assertThat(catalog.priceAt(
                                "google/gemini-3.1-pro-preview",
                                TokenType.INPUT,
                                ServiceTier.PRIORITY,
                                ContextTier.STANDARD,
                                at)
                        .orElseThrow()
                        .priceId())
                .isEqualTo(3);
        // and a model without long-context prices keeps the fallback to its standard context
        assertThat(catalog.priceAt("openai/gpt-4o", TokenType.INPUT, ServiceTier.PRIORITY, ContextTier.LONG, at)
                        .orElseThrow()
                        .priceId())
                .isEqualTo(4);
    }

    @Test
    void cachePricesFallBackToTheInputPriceWhenMissing() {
        // given CATALOG: gpt-4o has a cache_read price but no cache write prices;
        // gpt-4o-2024-05-13 has no cache prices at all
        Instant at = Instant.parse("2026-01-01T00:00:00Z");

        // when
        Price ownCacheRead = priceAt("openai/gpt-4o", TokenType.CACHE_READ, ContextTier.STANDARD, at);
        Price cacheWrite5m = priceAt("openai/gpt-4o", TokenType.CACHE_WRITE_5M, ContextTier.STANDARD, at);
        Price cacheWrite1h = priceAt("openai/gpt-4o", TokenType.CACHE_WRITE_1H, ContextTier.STANDARD, at);
        Price snapshotCacheRead = priceAt("openai/gpt-4o-2024-05-13", TokenType.CACHE_READ, ContextTier.STANDARD, at);

        // then
        assertThat(ownCacheRead.priceId()).isEqualTo(2);
        assertThat(ownCacheRead.usdPerMillion()).isEqualByComparingTo("1.25");
        assertThat(cacheWrite5m.priceId()).isEqualTo(1); // gpt-4o input
        assertThat(cacheWrite5m.usdPerMillion()).isEqualByComparingTo("2.5");
        assertThat(cacheWrite1h.priceId()).isEqualTo(1);
        assertThat(snapshotCacheRead.priceId()).isEqualTo(4); // the snapshot's own input, not gpt-4o's
        assertThat(snapshotCacheRead.usdPerMillion()).isEqualByComparingTo("5");
    }

    @Test
    void outputNeverFallsBackToInputAndServiceTiersNeverFallBack() {
        // given CATALOG: the embedding model has an input price only; nothing has a priority price
        Instant at = Instant.parse("2026-01-01T00:00:00Z");

        // when
        Optional<Price> embeddingOutput = CATALOG.priceAt(
                "openai/text-embedding-3-small", TokenType.OUTPUT, ServiceTier.STANDARD, ContextTier.STANDARD, at);
        Optional<Price> priorityInput =
                CATALOG.priceAt("openai/gpt-4o", TokenType.INPUT, ServiceTier.PRIORITY, ContextTier.STANDARD, at);
        Optional<Price> batchInput =
                CATALOG.priceAt("openai/gpt-4o", TokenType.INPUT, ServiceTier.BATCH, ContextTier.STANDARD, at);

        // then
        assertThat(embeddingOutput).isEmpty();
        assertThat(priorityInput).isEmpty();
        assertThat(batchInput).isEmpty(); // derived batch prices come from PriceRepository.load, not the catalog
        assertThat(CATALOG.isPriced("openai/gpt-4o", TokenType.INPUT, ServiceTier.PRIORITY, ContextTier.STANDARD, at))
                .isFalse();
    }

    @Test
    void priceChangeInTheMiddleOfTheDayAppliesFromItsInstantOn() {
        // given CATALOG: gpt-4o-mini input 0.15 from 2025-01-01 (id 6), 0.3 from 2026-10-05T12:30Z (id 8)
        Instant justBefore = Instant.parse("2026-10-05T12:29:59.999999999Z");
        Instant exactly = MINI_CHANGE;
        Instant after = Instant.parse("2026-10-05T18:00:00Z");

        // when
        Price old = priceAt("openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, justBefore);
        Price changed = priceAt("openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, exactly);
        Price later = priceAt("openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, after);
        Price outputAfter = priceAt("openai/gpt-4o-mini", TokenType.OUTPUT, ContextTier.STANDARD, exactly);

        // then
        assertThat(old.priceId()).isEqualTo(6);
        assertThat(old.usdPerMillion()).isEqualByComparingTo("0.15");
        assertThat(changed.priceId()).isEqualTo(8); // [12:30, next): the change's own instant uses the new price
        assertThat(changed.usdPerMillion()).isEqualByComparingTo("0.3");
        assertThat(later.priceId()).isEqualTo(8);
        assertThat(outputAfter.priceId()).isEqualTo(7); // output did not change: its 2025 version is still in force
        assertThat(outputAfter.usdPerMillion()).isEqualByComparingTo("0.6");
    }

    @Test
    void hasNoPriceBeforeTheFirstVersion() {
        // given CATALOG, whose gpt-4o prices start at 2025-01-01T00:00Z

        // when
        Optional<Price> price = CATALOG.priceAt(
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                Instant.parse("2024-12-31T23:59:59.999Z"));

        // then
        assertThat(price).isEmpty();
    }

    private static Price priceAt(String model, TokenType type, ContextTier context, Instant at) {
        return CATALOG.priceAt(model, type, ServiceTier.STANDARD, context, at).orElseThrow();
    }
}
