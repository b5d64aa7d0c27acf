package io.tokentally.ingest.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.ProviderCost;
import io.tokentally.ingest.ProviderCostParser;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.UsageFormat;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OpenAI Costs API and Anthropic cost_report readers, from fixtures written from the providers' documentation. */
class CostFormatsTests {

    static final LocalDate DAY = LocalDate.parse("2026-11-27");

    final OpenAiCostsFormat openAi = new OpenAiCostsFormat();
    final AnthropicCostReportFormat anthropic = new AnthropicCostReportFormat();

    @Test
    void readsOpenAiCostPagesWithTheirEmptyBucketsNullsAndExactAmounts() {
        // when
        List<ProviderCost> costs = costs(openAi, "openai-costs-two-pages-by-project-and-line-item.jsonl");

        // then: the empty bucket of 2026-11-26 has no line; five results over two pages
        assertThat(costs)
                .extracting(
                        ProviderCost::day,
                        ProviderCost::model,
                        ProviderCost::tokenType,
                        ProviderCost::serviceTier,
                        ProviderCost::projectId,
                        cost -> cost.amount().toPlainString(),
                        ProviderCost::currency)
                .containsExactly(
                        tuple(DAY, "gpt-4o-2024-08-06", "input", "standard", "proj_acme", "0.0625", "USD"),
                        // 0.10000000000000000555 read as a decimal string, not a double, and kept to 18 decimals
                        tuple(
                                DAY,
                                "gpt-4o-2024-08-06",
                                "output",
                                "standard",
                                "proj_acme",
                                "0.100000000000000006",
                                "USD"),
                        tuple(DAY, "gpt-4o-mini-2024-07-18", "input", "batch", "proj_globex", "0.0015", "USD"),
                        // a line item that is not a token kind keeps no token type
                        tuple(DAY, null, null, null, "proj_globex", "0.25", "USD"),
                        // not grouped: an ungrouped total
                        tuple(DAY, null, null, null, null, "1.5", "USD"));
        assertThat(costs.get(0).quantity()).isEqualByComparingTo("25000");
        assertThat(costs.get(0).quantityUnit()).isEqualTo("tokens");
        assertThat(costs.get(1).quantity()).isNull();
        assertThat(costs).extracting(ProviderCost::amountUnit).containsOnly("major");
        assertThat(costs.get(3).lineItem()).isEqualTo("web search tool calls");
        assertThat(costs).extracting(ProviderCost::bucketKey).doesNotHaveDuplicates();
    }

    @Test
    void rejectsOpenAiResultsWithoutAnAmountOrWithANonNumericOne() {
        // when
        List<ProviderCostParser.Result> results = results(openAi, "openai-costs-with-bad-results.json");

        // then
        assertThat(results).hasSize(3);
        assertThat(results.get(0).reject().message()).contains("no amount.value or amount.currency");
        assertThat(results.get(0).reject().lineNo()).isEqualTo(1);
        assertThat(results.get(1).reject().code()).isEqualTo(RejectCode.INVALID_NUMBER);
        assertThat(results.get(1).reject().message())
                .isEqualTo("amount.value (amount) is not a decimal number: twelve");
        assertThat(results.get(2).cost().tokenType()).isEqualTo("input");
        assertThat(results.get(2).cost().model()).isNull();
    }

    @Test
    void failsAWholeOpenAiFileWhosePageHasNoBuckets() {
        assertThatThrownBy(() -> ProviderFixtures.records(openAi, "openai-costs-page-without-buckets.json"))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("page 1 has no 'data' array");
    }

    @Test
    void readsAnthropicCentsAsCentsAndTheirDollars() {
        // when
        List<ProviderCost> costs = costs(anthropic, "anthropic-cost-report-by-workspace-and-description.json");

        // then: amounts are cents as decimal strings; "3000.00" cents is $30, "4.5" cents $0.045
        assertThat(costs)
                .extracting(
                        ProviderCost::model,
                        ProviderCost::tokenType,
                        ProviderCost::serviceTier,
                        ProviderCost::contextTier,
                        ProviderCost::costType,
                        cost -> cost.amount().toPlainString(),
                        cost -> cost.amountMajor().toPlainString())
                .containsExactly(
                        tuple(
                                "claude-sonnet-4-5-20250929",
                                "input",
                                "standard",
                                "standard",
                                "tokens",
                                "3000.00",
                                "30.0000"),
                        tuple("claude-sonnet-4-5-20250929", "output", "batch", "standard", "tokens", "4.5", "0.045"),
                        tuple(
                                "claude-sonnet-4-5-20250929",
                                "cache_write_1h",
                                "standard",
                                "long",
                                "tokens",
                                "75.25",
                                "0.7525"),
                        tuple(null, null, null, null, "web_search", "2.00", "0.0200"));
        assertThat(costs).extracting(ProviderCost::amountUnit).containsOnly("cents");
        assertThat(costs).extracting(ProviderCost::day).containsOnly(DAY);
        assertThat(costs.get(0).projectId()).isEqualTo("wrkspc_initech");
        assertThat(costs.get(0).lineItem()).isEqualTo("Claude Sonnet 4.5 Usage - Input Tokens");
        assertThat(costs.get(3).projectId()).isNull();
    }

    @Test
    void keysAnAnthropicBucketByItsInstantsHoweverTheExportSpellsThem() {
        // given the report again, its times written with milliseconds and an offset
        String original = ProviderFixtures.text("anthropic-cost-report-by-workspace-and-description.json");
        String respelt = original.replace("\"2026-11-27T00:00:00Z\"", "\"2026-11-27T00:00:00.000Z\"")
                .replace("\"2026-11-28T00:00:00Z\"", "\"2026-11-28T00:00:00+00:00\"");
        assertThat(respelt).isNotEqualTo(original);

        // when
        List<String> keys = bucketKeys(ProviderFixtures.recordsOf(anthropic, original));
        List<String> respeltKeys = bucketKeys(ProviderFixtures.recordsOf(anthropic, respelt));

        // then: one bucket, so the second export replaces the first one's lines instead of adding to them
        assertThat(respeltKeys).isEqualTo(keys);
        assertThat(keys.get(0)).startsWith("anthropic-cost:2026-11-27T00:00:00Z/2026-11-28T00:00:00Z");
    }

    @Test
    void rejectsAnthropicResultsWithoutAmountOrWithAnUnknownTokenTypeOrServiceTier() {
        // when
        List<ProviderCostParser.Result> results = results(anthropic, "anthropic-cost-report-with-bad-results.json");

        // then
        assertThat(results).hasSize(4);
        assertThat(results.get(0).reject().message()).contains("no amount or currency");
        assertThat(results.get(1).reject().message()).contains("unknown token_type thinking_tokens");
        // an ungrouped result: an amount for the whole day
        assertThat(results.get(2).cost().amountMajor()).isEqualByComparingTo("0.125");
        assertThat(results.get(2).cost().model()).isNull();
        // a tier the usage report's rows are refused for (hunt DC: kept as the tier "weird")
        assertThat(results.get(3).reject().code()).isEqualTo(RejectCode.INVALID_SERVICE_TIER);
        assertThat(results.get(3).reject().message())
                .isEqualTo("service_tier 'weird' is not one of standard, batch, priority, flex");
    }

    @Test
    void anAnthropicFieldTooLongIsRefusedByItsOwnName() {
        // given a description of 501 characters (hunt DC: refused as "line_item")
        String page = "{\"data\": [{\"starting_at\": \"2026-11-27T00:00:00Z\", \"ending_at\": \"2026-11-28T00:00:00Z\","
                + " \"results\": [{\"currency\": \"USD\", \"amount\": \"1\", \"cost_type\": \"web_search\","
                + " \"description\": \"" + "d".repeat(501) + "\"}]}], \"has_more\": false, \"next_page\": null}";

        // when
        List<ProviderCostParser.Result> results = ProviderFixtures.recordsOf(anthropic, page).stream()
                .map(record -> ProviderCostParser.parse(1, record))
                .toList();

        // then
        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.reject().code()).isEqualTo(RejectCode.FIELD_TOO_LONG);
            assertThat(result.reject().message()).startsWith("description (line_item) has 501 characters");
        });
    }

    @Test
    void failsAWholeAnthropicFileWhoseBucketHasNoResults() {
        String content = "{\"data\": [{\"starting_at\": \"2026-11-27T00:00:00Z\", \"ending_at\":"
                + " \"2026-11-28T00:00:00Z\", \"amount\": \"1\", \"currency\": \"USD\"}]}";
        assertThat(anthropic.claims(content)).isTrue();
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(anthropic, content))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("page 1 has no 'results' array");
    }

    @Test
    void recognizesCostExportsByContentAndLeavesUsageReportsToTheirReaders() {
        String openAiCosts = ProviderFixtures.text("openai-costs-two-pages-by-project-and-line-item.jsonl");
        String anthropicCosts = ProviderFixtures.text("anthropic-cost-report-by-workspace-and-description.json");
        String anthropicUsage = ProviderFixtures.text("anthropic-usage-messages-hourly.json");
        String openAiUsage = ProviderFixtures.text("openai-usage-completions-current-fields.json");

        assertThat(openAi.claims(openAiCosts)).isTrue();
        assertThat(anthropic.claims(anthropicCosts)).isTrue();
        assertThat(new AnthropicMessagesUsageFormat(CustomerAttribution.none()).claims(anthropicCosts))
                .isFalse();
        assertThat(openAi.claims(openAiUsage)).isFalse();
        assertThat(anthropic.claims(anthropicUsage)).isFalse();
        assertThat(anthropic.claims(openAiCosts)).isFalse();
    }

    @Test
    void readsLineItemsAsModelAndTokenTypeOnlyWhenTheyNameATokenKind() {
        assertThat(OpenAiCostsFormat.LineItem.parse("gpt-4o, cached input"))
                .isEqualTo(new OpenAiCostsFormat.LineItem("gpt-4o", "cache_read", "standard"));
        assertThat(OpenAiCostsFormat.LineItem.parse("gpt-4o-mini, Batch Output"))
                .isEqualTo(new OpenAiCostsFormat.LineItem("gpt-4o-mini", "output", "batch"));
        assertThat(OpenAiCostsFormat.LineItem.parse("input_tokens"))
                .isEqualTo(new OpenAiCostsFormat.LineItem(null, "input", null));
        assertThat(OpenAiCostsFormat.LineItem.parse("gpt-image-1, image generation"))
                .isEqualTo(new OpenAiCostsFormat.LineItem("gpt-image-1", null, null));
    }

    @Test
    void anAnthropicFastOrUsOnlyChargeIsOfTheIdItsUsageIsKeptUnder() {
        // given the input line charged in fast mode with US-only inference (6 and 1.1 times the price)
        String fast = ProviderFixtures.text("anthropic-cost-report-by-workspace-and-description.json")
                .replace("\"inference_geo\": null", "\"inference_geo\": \"us\", \"speed\": \"fast\"");

        // when
        List<String> models = ProviderFixtures.recordsOf(anthropic, fast).stream()
                .map(record -> ProviderCostParser.parse(1, record).cost().model())
                .toList();

        // then: not the standard id, whose charge it had raised above list (and these below it)
        assertThat(models.get(0)).isEqualTo("claude-sonnet-4-5-20250929:fast:us");
        assertThat(models.get(1)).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            OpenAI, a word   | {"amount": {"value": "abc", "currency": "usd"}, "quantity": 5} | amount.value (amount) is not a decimal number: abc
            OpenAI, true     | {"amount": {"value": true, "currency": "usd"}}                  | amount.value (amount) is not a decimal number: true
            OpenAI, quantity | {"amount": {"value": 1.5, "currency": "usd"}, "quantity": "lots"} | quantity is not a decimal number: lots
            Anthropic        | {"amount": "abc", "currency": "USD"}                             | amount is not a decimal number: abc
            """)
    void rejectsAnAmountOrQuantityThatIsNoNumberAsAnInvalidNumberNamingItsField(
            String name, String result, String message) {
        // given: one result in a day's bucket of the provider's page
        String page = name.startsWith("OpenAI")
                ? "{\"object\": \"page\", \"data\": [{\"object\": \"bucket\", \"start_time\": 1795737600,"
                        + " \"end_time\": 1795824000, \"results\": [" + result + "]}], \"has_more\": false}"
                : "{\"data\": [{\"starting_at\": \"2026-11-27T00:00:00Z\", \"ending_at\": \"2026-11-28T00:00:00Z\","
                        + " \"results\": [" + result + "]}], \"has_more\": false}";

        // when
        List<ProviderCostParser.Result> results =
                ProviderFixtures.recordsOf(name.startsWith("OpenAI") ? openAi : anthropic, page).stream()
                        .map(record -> ProviderCostParser.parse(1, record))
                        .toList();

        // then
        assertThat(results).singleElement().satisfies(rejected -> {
            assertThat(rejected.reject().code()).isEqualTo(RejectCode.INVALID_NUMBER);
            assertThat(rejected.reject().message()).isEqualTo(message);
        });
    }

    private static List<ProviderCost> costs(UsageFormat format, String fixture) {
        List<ProviderCostParser.Result> results = results(format, fixture);
        assertThat(results).allSatisfy(result -> assertThat(result.reject()).isNull());
        return results.stream().map(ProviderCostParser.Result::cost).toList();
    }

    private static List<String> bucketKeys(List<RawRecord> records) {
        return records.stream()
                .map(record -> ProviderCostParser.parse(1, record).cost().bucketKey())
                .toList();
    }

    private static List<ProviderCostParser.Result> results(UsageFormat format, String fixture) {
        return ProviderFixtures.records(format, fixture).stream()
                .map(record -> ProviderCostParser.parse(1, record))
                .toList();
    }
}
