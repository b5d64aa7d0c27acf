package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicMessagesUsageFormatTests {

    static final String HOURLY = "anthropic-usage-messages-hourly.json";

    final AnthropicMessagesUsageFormat format = new AnthropicMessagesUsageFormat(CustomerAttribution.none());

    @ParameterizedTest(name = "result {0}")
    @CsvSource({
        // row, start,                customer,                       model,                  input, read, 5m,  1h,
        // output, tier,  context
        // the four input counters are disjoint: input = 1500 + 1000 + 500 + 2000
        "0, 2026-11-27T10:00:00Z, wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ, claude-sonnet-4-5-20250929, 5000, 2000, 1000, 500, 500,"
                + " STANDARD, STANDARD",
        "1, 2026-11-27T10:00:00Z, unattributed, claude-sonnet-4-5-20250929, 260000, 10000, 0, 0, 4000, PRIORITY, LONG",
        // cache_creation absent: cache writes unknown
        "2, 2026-11-27T11:00:00Z, wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ, claude-haiku-4-5, 800, 0, 0, 0, 120, BATCH,"
                + " STANDARD"
    })
    void mapsEachResultToTheUsageFormatsTokenConvention(
            int index,
            Instant start,
            String customer,
            String model,
            long input,
            long cacheRead,
            long write5m,
            long write1h,
            long output,
            ServiceTier tier,
            ContextTier context) {
        // when
        UsageRow row = rows(format, HOURLY).get(index);

        // then
        assertThat(row.timestamp()).isEqualTo(start);
        assertThat(row.customerId()).isEqualTo(customer);
        assertThat(row.provider()).isEqualTo("anthropic");
        assertThat(row.model()).isEqualTo(model);
        assertThat(tokens(row)).containsExactly(input, cacheRead, write5m, write1h, output, 0L);
        assertThat(row.serviceTier()).isEqualTo(tier);
        assertThat(row.contextTier()).isEqualTo(context);
    }

    @Test
    void keepsFastModeAndUsOnlyInferenceUnderIdsOfTheirOwn() {
        // given: one bucket of claude-opus-4-8 per speed and inference geography
        String page = "{\"data\": [{\"starting_at\": \"2026-11-20T10:00:00Z\", \"ending_at\": \"2026-11-20T11:00:00Z\","
                + " \"results\": [" + opus("\"speed\": \"fast\"") + ", " + opus("\"inference_geo\": \"us\"") + ", "
                + opus("\"speed\": \"fast\", \"inference_geo\": \"us\"") + ", "
                + opus("\"speed\": \"standard\", \"inference_geo\": \"global\"") + ", " + opus("\"speed\": null")
                + ", " + opus("\"speed\": \"FAST\", \"inference_geo\": \"US\"") + ", "
                + opus("\"speed\": \"turbo\"") + ", " + opus("\"inference_geo\": \"eu\"")
                + "]}], \"has_more\": false, \"next_page\": null}";

        // when
        List<UsageRow> rows = ProviderFixtures.rowsOf(format, page);

        // then: ids the catalog prices only by prices of their own (PriceCatalogTests)
        assertThat(rows)
                .extracting(UsageRow::model)
                .containsExactly(
                        "claude-opus-4-8:fast",
                        "claude-opus-4-8:us",
                        "claude-opus-4-8:fast:us",
                        "claude-opus-4-8",
                        "claude-opus-4-8",
                        "claude-opus-4-8:fast:us");
        // words it does not know were billed at the standard price
        assertThat(ProviderFixtures.rejectsOf(format, page))
                .containsExactly(
                        "MALFORMED_ROW: speed 'turbo' is none of fast, standard: its price is unknown, so it is not"
                                + " billed at the standard price",
                        "MALFORMED_ROW: inference_geo 'eu' is none of us, global, not_available: its price is unknown,"
                                + " so it is not billed at the standard price");
    }

    private static String opus(String dimensions) {
        return "{\"uncached_input_tokens\": 10000, \"cache_read_input_tokens\": 0, \"output_tokens\": 1000,"
                + " \"workspace_id\": \"wrk_alpha\", \"model\": \"claude-opus-4-8\", " + dimensions + "}";
    }

    @Test
    void aNegativeCountIsRejectedByTheNameTheReportGivesIt() {
        // given a negative uncached input, a negative cache read outweighed by the uncached input and one outweighing
        // it (hunt CF: the first was named input_tokens, the sum of the four input counters it fills)
        String page = "{\"data\": [{\"starting_at\": \"2026-11-20T10:00:00Z\", \"ending_at\": \"2026-11-20T11:00:00Z\","
                + " \"results\": [{\"uncached_input_tokens\": -100, \"cache_read_input_tokens\": 500,"
                + " \"output_tokens\": 10, \"model\": \"claude-haiku-4-5\"}, {\"uncached_input_tokens\": 100,"
                + " \"cache_read_input_tokens\": -5, \"output_tokens\": 10, \"model\": \"claude-haiku-4-5\"},"
                + " {\"uncached_input_tokens\": 3, \"cache_read_input_tokens\": -5, \"output_tokens\": 10,"
                + " \"model\": \"claude-haiku-4-5\"}]}],"
                + " \"has_more\": false, \"next_page\": null}";

        // then
        assertThat(ProviderFixtures.rejectsOf(format, page))
                .containsExactly(
                        "NEGATIVE_NUMBER: uncached_input_tokens (input_tokens) is negative: -100",
                        "NEGATIVE_NUMBER: cache_read_input_tokens (input_tokens) is negative: -5",
                        "NEGATIVE_NUMBER: cache_read_input_tokens (input_tokens) is negative: -5");
    }

    @Test
    void rejectsAResultWithoutOutputTokens() {
        assertThat(rejects(format, HOURLY))
                .containsExactly(
                        "MALFORMED_ROW: output_tokens is absent: the count is unknown, so the record cannot be billed");
    }

    @Test
    void carriesWebSearchRequestsAsAUnitOfTheResultsRow() {
        // the fixture's second result made 3 web searches; the others none
        assertThat(rows(format, HOURLY))
                .extracting(row -> row.units().webSearchRequests())
                .containsOnly(0L, 3L)
                .filteredOn(searches -> searches == 3L)
                .hasSize(1);
    }

    @Test
    void derivesBucketIdsFromTheBucketAndItsGroupingKeys() {
        assertThat(rows(format, HOURLY).get(0).requestId())
                .isEqualTo("anthropic-usage:2026-11-27T10:00:00Z/2026-11-27T11:00:00Z:wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ"
                        + ":apikey_01Rj2N8SVvo6BePZj99NhmiT:claude-sonnet-4-5-20250929:standard:0-200k:-:-");
    }

    @Test
    void namesABucketByTheInstantsItsTimesWriteWhateverTheirSpelling() {
        // given the report exported again by a client that writes the times otherwise
        String report = ProviderFixtures.text(HOURLY);
        String respelled = report.replace("\"2026-11-27T10:00:00Z\"", "\"2026-11-27T10:00:00.000Z\"")
                .replace("\"2026-11-27T11:00:00Z\"", "\"2026-11-27T11:00:00+00:00\"");
        assertThat(respelled).isNotEqualTo(report);

        // then the same buckets: a newer export replaces them instead of adding to them
        assertThat(ProviderFixtures.rowsOf(format, respelled))
                .extracting(UsageRow::requestId)
                .containsExactlyElementsOf(
                        rows(format, HOURLY).stream().map(UsageRow::requestId).toList());
    }

    @Test
    void namesTheAccountOfAReportGroupedByAccount() {
        // given one bucket's results of two accounts
        String report = """
                {"data": [{"starting_at": "2026-11-27T09:00:00Z", "ending_at": "2026-11-27T10:00:00Z", "results": [
                  {"uncached_input_tokens": 1000, "output_tokens": 400, "workspace_id": "wrkspc_1",
                   "account_id": "acct_1", "model": "claude-haiku-4-5-20251001", "service_tier": "standard"},
                  {"uncached_input_tokens": 1000, "output_tokens": 400, "workspace_id": "wrkspc_1",
                   "account_id": "acct_2", "service_account_id": "sa_1", "model": "claude-haiku-4-5-20251001",
                   "service_tier": "standard"}]}]}
                """;

        // then two buckets, not one bucket and its duplicate
        assertThat(ProviderFixtures.rowsOf(format, report))
                .extracting(UsageRow::requestId)
                .containsExactly(
                        "anthropic-usage:2026-11-27T09:00:00Z/2026-11-27T10:00:00Z:wrkspc_1:-:claude-haiku-4-5-20251001"
                                + ":standard:-:-:-:account_id=acct_1",
                        "anthropic-usage:2026-11-27T09:00:00Z/2026-11-27T10:00:00Z:wrkspc_1:-:claude-haiku-4-5-20251001"
                                + ":standard:-:-:-:account_id=acct_2:service_account_id=sa_1");
    }

    @Test
    void claimsUsageReportsButNotCostReports() {
        assertThat(format.claims(ProviderFixtures.text(HOURLY))).isTrue();
        assertThat(format.claims("{\"data\":[{\"starting_at\":\"2026-11-27T00:00:00Z\",\"results\":[{\"currency\":"
                        + "\"USD\",\"amount\":\"12.5\",\"cost_type\":\"tokens\",\"token_type\":"
                        + "\"uncached_input_tokens\"}]}]}"))
                .isFalse();
    }

    @Test
    void failsAPageWithoutDataAsAWhole() {
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(
                        format, "{\"uncached_input_tokens\":1,\"starting_at\":\"x\",\"has_more\":false}"))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("'data'");
    }
}
