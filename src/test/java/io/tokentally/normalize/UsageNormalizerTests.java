package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.UsageRow;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageNormalizerTests {

    static final Instant JAN_2025 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant MINI_CHANGE = Instant.parse("2026-10-05T12:30:00Z");
    static final Instant NOON = Instant.parse("2026-10-05T12:00:00Z");

    static final PriceCatalog CATALOG = new PriceCatalog(List.of(
            price("anthropic/claude-sonnet-4-5", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "3", 200_000L),
            price("anthropic/claude-sonnet-4-5", TokenType.CACHE_READ, ContextTier.STANDARD, JAN_2025, "0.3", 200_000L),
            price(
                    "anthropic/claude-sonnet-4-5",
                    TokenType.CACHE_WRITE_5M,
                    ContextTier.STANDARD,
                    JAN_2025,
                    "3.75",
                    200_000L),
            price(
                    "anthropic/claude-sonnet-4-5",
                    TokenType.CACHE_WRITE_1H,
                    ContextTier.STANDARD,
                    JAN_2025,
                    "6",
                    200_000L),
            price("anthropic/claude-sonnet-4-5", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "15", 200_000L),
            price("anthropic/claude-sonnet-4-5", TokenType.INPUT, ContextTier.LONG, JAN_2025, "6", 200_000L),
            price("anthropic/claude-sonnet-4-5", TokenType.OUTPUT, ContextTier.LONG, JAN_2025, "22.5", 200_000L),
            price("openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "0.15", null),
            price("openai/gpt-4o-mini", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "0.6", null),
            price("openai/gpt-4o-mini", TokenType.INPUT, ContextTier.STANDARD, MINI_CHANGE, "0.3", null),
            price("google/gemini-2.5-pro", TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "1.25", 200_000L),
            price("google/gemini-2.5-pro", TokenType.OUTPUT, ContextTier.STANDARD, JAN_2025, "10", 200_000L)));

    final UsageNormalizer normalizer =
            new UsageNormalizer("gateway", CATALOG, CATALOG, Set.of("alice", "bob"), PriceHolders.NONE, true);

    static Price price(String model, TokenType type, ContextTier context, Instant from, String usd, Long threshold) {
        return new Price(0, model, type, ServiceTier.STANDARD, context, from, new BigDecimal(usd), threshold, "test");
    }

    @Test
    void aDatedSnapshotWithoutAPriceAtItsTimeIsHeldUnderItsOwnIdAndAnExportBucketUnderItsBase() {
        // given a row of a dated claude-sonnet-4-5 snapshot from before its base's first price (2025-01-01)
        UsageRow row = row("anthropic", "claude-sonnet-4-5-20250929", Instant.parse("2024-12-31T23:00:00Z"), null);

        // when read from a request log, and from an aggregated export (never settled)
        UsageLine held = normalizer.normalize(row).line();
        UsageLine bucket = new UsageNormalizer("export", CATALOG, CATALOG, Set.of("alice"), PriceHolders.NONE, false)
                .normalize(row)
                .line();

        // then: held under the row's own id, which a price of the snapshot's own, added later, finds; an export
        // bucket under the resolved id, where its newer exports replace its numbers
        assertThat(held.model()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        assertThat(held.held()).isTrue();
        assertThat(bucket.model()).isEqualTo("anthropic/claude-sonnet-4-5");
    }

    @Test
    void splitsInputIntoDisjointBuckets() {
        // given 1,000 prompt tokens of which 300 cache reads, 200 5-minute and 100 1-hour cache writes
        UsageRow row = row("anthropic", "claude-sonnet-4-5-20250929", 1_000, 300, 200, 100, 500, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.input()).isEqualTo(400); // 1,000 - 300 - 200 - 100
        assertThat(line.cacheRead()).isEqualTo(300);
        assertThat(line.cacheWrite5m()).isEqualTo(200);
        assertThat(line.cacheWrite1h()).isEqualTo(100);
        assertThat(line.output()).isEqualTo(500);
        assertThat(line.provider()).isEqualTo("anthropic");
        assertThat(line.model()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(line.rawModel()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(line.serviceTier()).isEqualTo(ServiceTier.STANDARD);
        assertThat(line.contextTier()).isEqualTo(ContextTier.STANDARD);
        assertThat(line.priceEpoch()).isEqualTo(JAN_2025);
        assertThat(line.hourStart()).isEqualTo(NOON);
        assertThat(line.billable()).isTrue();
        assertThat(line.attributed()).isTrue();
    }

    @Test
    void keepsReasoningAsASubCountOfOutput() {
        // given 800 output tokens of which 600 are reasoning
        UsageRow row = row("openai", "gpt-4o-mini", 100, 0, 0, 0, 800, 600);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.output()).isEqualTo(800); // not 800 + 600, not 800 - 600
        assertThat(line.reasoning()).isEqualTo(600);
    }

    @ParameterizedTest
    @CsvSource({
        "200000, 0,      STANDARD", // equal to the threshold: not above it
        "200001, 0,      LONG",
        "250000, 100000, LONG" // cache reads count toward the threshold: 150,000 uncached + 100,000 cached
    })
    void putsTheWholeRequestInTheLongContextTierWhenItsPromptIsAboveTheThreshold(
            long inputTokens, long cached, ContextTier expected) {
        // given claude-sonnet-4-5, long-context above 200,000 prompt tokens
        UsageRow row = row("anthropic", "claude-sonnet-4-5", inputTokens, cached, 0, 0, 1_000, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.contextTier()).isEqualTo(expected);
        assertThat(line.input()).isEqualTo(inputTokens - cached);
    }

    @Test
    void aCustomerWhosePlanHoldsPriceChangesHasARequestToldLongByTheThresholdThosePlansSee() {
        // given a sync from 1 October that raised claude-sonnet-4-5's threshold to 300,000, not approved: plans that
        // hold price changes still see 200,000
        String sonnet = "anthropic/claude-sonnet-4-5";
        Instant sync = Instant.parse("2026-10-01T00:00:00Z");
        List<Price> before = List.of(
                price(sonnet, TokenType.INPUT, ContextTier.STANDARD, JAN_2025, "3", 200_000L),
                price(sonnet, TokenType.INPUT, ContextTier.LONG, JAN_2025, "6", 200_000L));
        PriceCatalog synced = new PriceCatalog(Stream.concat(
                        before.stream(),
                        Stream.of(
                                price(sonnet, TokenType.INPUT, ContextTier.STANDARD, sync, "3", 300_000L),
                                price(sonnet, TokenType.INPUT, ContextTier.LONG, sync, "6", 300_000L)))
                .toList());
        PriceCatalog held = new PriceCatalog(before);
        PriceHolders alice = new PriceHolders() {
            @Override
            public boolean any() {
                return true;
            }

            @Override
            public boolean holdsAt(String customerId, Instant hourStart) {
                return customerId.equals("alice") && hourStart.equals(NOON);
            }
        };
        UsageRow row = row("anthropic", "claude-sonnet-4-5", 250_000, 0, 0, 0, 1_000, 0);

        // when alice's plan holds price changes at the row's hour, and when no plan does
        UsageLine holding = new UsageNormalizer("gateway", synced, held, Set.of("alice"), alice, true)
                .normalize(row)
                .line();
        UsageLine taking = new UsageNormalizer("gateway", synced, held, Set.of("alice"), PriceHolders.NONE, true)
                .normalize(row)
                .line();

        // then
        assertThat(holding.contextTier()).isEqualTo(ContextTier.LONG);
        assertThat(taking.contextTier()).isEqualTo(ContextTier.STANDARD);
    }

    @ParameterizedTest
    @CsvSource({"5000000, STANDARD", "1000, LONG"})
    void keepsTheContextTierAnAggregatedSourceStatesWhateverTheBucketsPromptSum(long inputTokens, ContextTier stated) {
        // given an hour bucket of many claude-sonnet-4-5 requests whose tier the source states
        UsageRow bucket = row("anthropic", "claude-sonnet-4-5", inputTokens, 0, 0, 0, 1_000, 0);
        UsageRow row = new UsageRow(
                bucket.fileId(),
                bucket.lineNo(),
                bucket.raw(),
                bucket.requestId(),
                bucket.timestamp(),
                bucket.customerId(),
                bucket.provider(),
                bucket.model(),
                bucket.inputTokens(),
                0,
                0,
                0,
                bucket.outputTokens(),
                0,
                ServiceTier.STANDARD,
                false,
                stated);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then the threshold (200,000 prompt tokens per request) is not applied to the sum
        assertThat(line.contextTier()).isEqualTo(stated);
    }

    @Test
    void neverPutsAModelWithoutAThresholdInTheLongContextTier() {
        // given gpt-4o-mini, which has no long-context threshold
        UsageRow row = row("openai", "gpt-4o-mini", 900_000, 0, 0, 0, 10, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.contextTier()).isEqualTo(ContextTier.STANDARD);
    }

    @Test
    void resolvesProviderAliasesAndModelPrefixes() {
        // given a Gemini row as a gateway writes it
        UsageRow row = row("gemini", "models/gemini-2.5-pro", 100, 0, 0, 0, 10, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.provider()).isEqualTo("google");
        assertThat(line.model()).isEqualTo("google/gemini-2.5-pro");
        assertThat(line.rawModel()).isEqualTo("models/gemini-2.5-pro");
    }

    @Test
    void stampsTheLineWithThePriceEpochInForceAtItsTime() {
        // given gpt-4o-mini rows on each side of the 12:30 price change
        UsageRow before = row("openai", "gpt-4o-mini", Instant.parse("2026-10-05T12:29:59Z"), ServiceTier.STANDARD);
        UsageRow after = row("openai", "gpt-4o-mini", Instant.parse("2026-10-05T12:30:00Z"), ServiceTier.STANDARD);

        // when
        UsageLine beforeLine = normalizer.normalize(before).line();
        UsageLine afterLine = normalizer.normalize(after).line();

        // then
        assertThat(beforeLine.priceEpoch()).isEqualTo(JAN_2025);
        assertThat(afterLine.priceEpoch()).isEqualTo(MINI_CHANGE);
        assertThat(beforeLine.hourStart()).isEqualTo(afterLine.hourStart()).isEqualTo(NOON);
    }

    @Test
    void keepsUsageOfAProviderWithoutPricesUnderItsOwnIdsForRatingToHold() {
        // given a provider the catalog has no prices for, with a prefixed, dated model id
        UsageRow row = row("Mistral", "mistral/Mistral-Large-2411", 100, 0, 0, 0, 10, 0);

        // when
        UsageNormalizer.Result result = normalizer.normalize(row);

        // then accepted, under the row's own ids (lower case, without the provider's own prefix), its hour's start
        // as its price epoch
        assertThat(result.reject()).isNull();
        assertThat(result.line().provider()).isEqualTo("mistral");
        assertThat(result.line().model()).isEqualTo("mistral/mistral-large-2411");
        assertThat(result.line().priceEpoch()).isEqualTo(NOON);
        assertThat(result.line().contextTier()).isEqualTo(ContextTier.STANDARD);
        assertThat(result.line().input()).isEqualTo(100);
        // and listed among the rejects with its line, as the usage format's rule says
        assertThat(result.held().code()).isEqualTo(RejectCode.NO_PRICE);
        assertThat(result.held().lineNo()).isEqualTo(42);
        assertThat(result.held().message()).contains("mistral/mistral-large-2411", "held back");
    }

    @Test
    void listsAnErrorRowOfAModelWithoutAPriceWithoutPromisingALaterPriceBillsIt() {
        // given an error row of a provider the catalog has no prices for
        UsageRow row = errorRow("mistral", "mistral-large");

        // when
        UsageNormalizer.Result result = normalizer.normalize(row);

        // then: rejected as NO_PRICE like any row of the model, never held: no line takes its request id
        assertThat(result.reject().code()).isEqualTo(RejectCode.NO_PRICE);
        assertThat(result.reject().message())
                .isEqualTo("no price is known for model 'mistral/mistral-large' at " + NOON
                        + "; an error row, it is not billed in any case");
        assertThat(result.line()).isNull();
        assertThat(result.held()).isNull();
    }

    @Test
    void keepsAModelIdEndingInAnInvisibleCharacterAsAnotherModelHeldForWantOfAPrice() {
        // given gpt-4o followed by an em space, and openai followed by a vertical tab: spaces and tabs around a value
        // are removed as it is read, no other character
        UsageRow row = row("openai\u000B", "gpt-4o\u2003", 100, 0, 0, 0, 10, 0);

        // when
        UsageNormalizer.Result result = normalizer.normalize(row);

        // then
        assertThat(result.line().model()).isEqualTo("openai\u000B/gpt-4o\u2003");
        assertThat(result.held()).isNotNull();
    }

    @Test
    void keepsUsageOfAModelWithoutAPriceWithItsProvidersAliasesResolved() {
        // given an unpriced model of a priced provider, written with the gateway's prefix
        UsageRow row = row("gemini", "models/gemini-9-ultra", 100, 0, 0, 0, 10, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.provider()).isEqualTo("google");
        assertThat(line.model()).isEqualTo("google/gemini-9-ultra");
        assertThat(line.rawModel()).isEqualTo("models/gemini-9-ultra");
        assertThat(line.priceEpoch()).isEqualTo(NOON);
    }

    @Test
    void keepsUsageBeforeTheModelsFirstPriceWithItsHourAsPriceEpoch() {
        // given a row a second before gpt-4o-mini's first price
        UsageRow row = row("openai", "gpt-4o-mini", Instant.parse("2024-12-31T23:59:59Z"), ServiceTier.STANDARD);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.model()).isEqualTo("openai/gpt-4o-mini");
        assertThat(line.priceEpoch()).isEqualTo(Instant.parse("2024-12-31T23:00:00Z"));
    }

    @Test
    void keepsAPriorityRequestOfAModelWithoutAPriorityPriceAtItsOwnMinuteAndAStandardOneAtTheModelsEpoch() {
        // given a priority-tier row and a standard one; the catalog has standard prices only
        UsageRow priority = row("openai", "gpt-4o-mini", NOON, ServiceTier.PRIORITY);
        UsageRow standard = row("openai", "gpt-4o-mini", NOON, ServiceTier.STANDARD);

        // when
        UsageLine line = normalizer.normalize(priority).line();

        // then: the priority row keeps its own minute, so a priority price added later is looked up at its time
        assertThat(line.serviceTier()).isEqualTo(ServiceTier.PRIORITY);
        assertThat(line.priceEpoch()).isEqualTo(NOON);
        assertThat(normalizer
                        .normalize(row("openai", "gpt-4o-mini", NOON.plusSeconds(59), ServiceTier.PRIORITY))
                        .line()
                        .priceEpoch())
                .isEqualTo(NOON);
        assertThat(normalizer.normalize(priority).held()).isNull(); // the model has a price: only rating holds it
        assertThat(normalizer.normalize(standard).line().priceEpoch()).isEqualTo(JAN_2025);
    }

    @Test
    void rejectsAnUnpricedModelWhoseIdIsTooLongToHold() {
        // given a 60-character provider nobody has prices for
        UsageRow row = row("p".repeat(60), "m", 100, 0, 0, 0, 10, 0);

        // when
        UsageNormalizer.Result result = normalizer.normalize(row);

        // then
        assertThat(result.line()).isNull();
        assertThat(result.reject().code()).isEqualTo(RejectCode.NO_PRICE);
        assertThat(result.reject().message()).contains("too long to hold");
        assertThat(result.reject().lineNo()).isEqualTo(42);
    }

    @Test
    void marksUsageOfAnUnknownCustomerAsUnattributed() {
        // given a customer that is not in the customers file
        UsageRow row = new UsageRow(
                7,
                42,
                "raw line",
                "req-1",
                NOON,
                "mallory",
                "openai",
                "gpt-4o-mini",
                100,
                0,
                0,
                0,
                10,
                0,
                ServiceTier.STANDARD,
                false);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.customerId()).isEqualTo("mallory");
        assertThat(line.attributed()).isFalse();
        assertThat(line.billable()).isTrue();
    }

    @Test
    void keepsErrorRowsAsLinesThatAreNotBillable() {
        // given a row with status error
        UsageRow row = errorRow("openai", "gpt-4o-mini");

        // when
        UsageNormalizer.Result result = normalizer.normalize(row);

        // then
        assertThat(result.reject()).isNull();
        assertThat(result.line().billable()).isFalse();
        assertThat(result.line().input()).isEqualTo(100);
        assertThat(result.line().output()).isEqualTo(10);
    }

    @Test
    void carriesTheRowsProvenance() {
        // given
        UsageRow row = row("openai", "gpt-4o-mini", 100, 0, 0, 0, 10, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.source()).isEqualTo("gateway");
        assertThat(line.requestId()).isEqualTo("req-1");
        assertThat(line.fileId()).isEqualTo(7);
        assertThat(line.lineNo()).isEqualTo(42);
        assertThat(line.occurredAt()).isEqualTo(NOON.plusSeconds(600));
    }

    @ParameterizedTest(name = "{0}, {1} -> {2}")
    @CsvSource({
        "openrouter,        openai/gpt-4o-mini,                        openai/gpt-4o-mini",
        "OpenRouter,        openrouter/openai/gpt-4o-mini,             openai/gpt-4o-mini",
        "openrouter,        google/gemini-2.5-pro,                     google/gemini-2.5-pro",
        "openrouter,        anthropic/claude-sonnet-4.5,               anthropic/claude-sonnet-4-5",
        "anthropic,         claude-sonnet-4.5-20250929,                anthropic/claude-sonnet-4-5",
        "vercel_ai_gateway, vercel_ai_gateway/google/gemini-2.5-pro,   google/gemini-2.5-pro",
        "google,            vercel_ai_gateway/google/gemini-2.5-pro,   google/gemini-2.5-pro",
        "bedrock,           us.anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic/claude-sonnet-4-5",
        "bedrock,           bedrock/us-gov-west-1/anthropic.claude-sonnet-4-5-20250929-v1:0, anthropic/claude-sonnet-4-5",
        "vertex_ai,         claude-sonnet-4-5@20250929,                anthropic/claude-sonnet-4-5",
        "vertex_ai,         vertex_ai/claude-sonnet-4-5@20250929,      anthropic/claude-sonnet-4-5",
        "vertex_ai,         gemini-2.5-pro,                            google/gemini-2.5-pro",
        "openrouter,        meta-llama/llama-3-70b,                    openrouter/meta-llama/llama-3-70b",
        "openai,            anthropic/claude-sonnet-4-5,               openai/claude-sonnet-4-5"
    })
    void aGatewayOrCloudRowTakesThePricesOfTheVendorItsModelNames(String provider, String model, String canonical) {
        // given a row of a gateway or cloud host (the last two: a model of no known vendor, and a vendor's own
        // row, which keeps its provider)
        UsageRow row = row(provider, model, 100, 0, 0, 0, 10, 0);

        // when
        UsageLine line = normalizer.normalize(row).line();

        // then
        assertThat(line.model()).isEqualTo(canonical);
        assertThat(line.provider()).isEqualTo(canonical.substring(0, canonical.indexOf('/')));
    }

    private static UsageRow row(
            String provider,
            String model,
            long input,
            long cached,
            long cacheWrite,
            long cacheWrite1h,
            long output,
            long reasoning) {
        return new UsageRow(
                7,
                42,
                "raw line",
                "req-1",
                NOON.plusSeconds(600),
                "alice",
                provider,
                model,
                input,
                cached,
                cacheWrite,
                cacheWrite1h,
                output,
                reasoning,
                ServiceTier.STANDARD,
                false);
    }

    /** Alice's error row of 100 input and 10 output tokens at noon. */
    private static UsageRow errorRow(String provider, String model) {
        return new UsageRow(
                7,
                42,
                "raw line",
                "req-1",
                NOON,
                "alice",
                provider,
                model,
                100,
                0,
                0,
                0,
                10,
                0,
                ServiceTier.STANDARD,
                true);
    }

    private static UsageRow row(String provider, String model, Instant at, ServiceTier tier) {
        return new UsageRow(7, 42, "raw line", "req-1", at, "alice", provider, model, 100, 0, 0, 0, 10, 0, tier, false);
    }
}
