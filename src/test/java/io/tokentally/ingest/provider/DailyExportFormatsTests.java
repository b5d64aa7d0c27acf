package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.records;
import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ContextTier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's daily end-user spend table and OpenRouter's activity export: one bucket per day and keys. */
class DailyExportFormatsTests {

    static final String LITELLM_DAILY = "litellm-daily-end-user-spend.csv";
    static final String OPENROUTER_ACTIVITY = "openrouter-activity.json";
    /** One usage fixture of each provider usage format. */
    static final List<String> USAGE_FIXTURES = List.of(
            LITELLM_DAILY,
            OPENROUTER_ACTIVITY,
            GatewayLogFormatsTests.LITELLM_FILE,
            GatewayLogFormatsTests.OPENROUTER_FILE,
            GatewayLogFormatsTests.CLOUDFLARE_FILE,
            AnthropicMessagesUsageFormatTests.HOURLY,
            OpenAiCompletionsUsageFormatTests.CURRENT,
            VercelGatewayReportFormatTests.REPORT,
            GoogleCloudBillingFormatTests.EXPORT);

    final LiteLlmDailySpendFormat litellm = new LiteLlmDailySpendFormat(CustomerAttribution.none());
    final OpenRouterActivityFormat openrouter = new OpenRouterActivityFormat(CustomerAttribution.none());

    @Test
    void readsLiteLlmPromptTokensAsIncludingTheCacheReadsAndWrites() {
        // when
        List<UsageRow> rows = rows(litellm, LITELLM_DAILY);

        // then: input 10,000 of which 4,000 cached; 30,000 of which 12,000 cached and 3,000 written
        assertThat(rows.get(0).customerId()).isEqualTo("acme");
        assertThat(rows.get(0).provider()).isEqualTo("openai");
        assertThat(rows.get(0).model()).isEqualTo("gpt-4o");
        assertThat(rows.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(rows.get(0).contextTier()).isEqualTo(ContextTier.STANDARD);
        assertThat(tokens(rows.get(0))).containsExactly(10_000L, 4_000L, 0L, 0L, 2_000L, 0L);
        assertThat(rows.get(1).customerId()).isEqualTo("globex");
        assertThat(tokens(rows.get(1))).containsExactly(30_000L, 12_000L, 3_000L, 0L, 5_000L, 0L);
        assertThat(rows.get(0).requestId())
                .isEqualTo("litellm-daily:2026-11-27:end_user=acme:"
                        + "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b:gpt-4o:gpt-4o:openai:"
                        + "/chat/completions:-");
    }

    @Test
    void readsAbsentLiteLlmCacheCountsAsUnknownAndARowWithoutEndUserByItsApiKey() {
        // when
        UsageRow row = rows(litellm, LITELLM_DAILY).get(2);

        // then: no end user: the hashed API key names the customer as written
        assertThat(row.customerId()).isEqualTo("1b4e28ba2fa1c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4c");
        assertThat(tokens(row)).containsExactly(500L, 0L, 0L, 0L, 100L, 0L);
    }

    @Test
    void readsADayOfOnlyFailedRequestsAsAnErrorRowAndAnEmptyDayAsZero() {
        // when
        List<UsageRow> rows = rows(litellm, LITELLM_DAILY);

        // then
        assertThat(rows.get(3).customerId()).isEqualTo("hooli");
        assertThat(rows.get(3).error()).isTrue();
        assertThat(rows.get(4).error()).isFalse();
        assertThat(tokens(rows.get(4))).containsExactly(0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(rows).hasSize(5);
    }

    @Test
    void rejectsCacheCountsAboveThePromptAnAbsentPromptAndAShortRow() {
        assertThat(rejects(litellm, LITELLM_DAILY))
                .hasSize(3)
                .satisfiesExactly(
                        reject -> assertThat(reject).startsWith("CACHE_TOKENS_EXCEED_INPUT"),
                        reject -> assertThat(reject)
                                .isEqualTo("MISSING_FIELD: required field prompt_tokens (input_tokens) is empty"),
                        reject -> assertThat(reject).isEqualTo("MALFORMED_ROW: the row has 5 fields, the header 19"));
        assertThat(records(litellm, LITELLM_DAILY).get(7).lineNo()).isEqualTo(9);
    }

    @Test
    void aDailySpendRowIsNumberedByTheLineItStartsOnPastAQuotedFieldOverTwoLinesAndABlankLine() {
        // given: row 1 with a tool name over lines 2 and 3, a blank line 4, and row 2 on line 5
        List<String> lines = ProviderFixtures.text(LITELLM_DAILY).lines().toList();
        String content = lines.get(0) + "\n"
                + lines.get(1).replace(",,/chat/completions", ",\"tool\nname\",/chat/completions") + "\n"
                + "\n"
                + lines.get(2) + "\n";

        // when
        List<RawRecord> records = ProviderFixtures.recordsOf(litellm, content);

        // then
        assertThat(records).extracting(RawRecord::lineNo).containsExactly(2L, 5L);
    }

    @Test
    void attributesLiteLlmEndUsersThroughTheSpendLogsMappingKeys() {
        // given: litellm.end_user is the key the spend logs use too
        LiteLlmDailySpendFormat mapped = new LiteLlmDailySpendFormat(
                new CustomerAttribution(Map.of("litellm.end_user\u0000globex", "globex-inc"), Map.of()));

        // then
        assertThat(rows(mapped, LITELLM_DAILY).get(1).customerId()).isEqualTo("globex-inc");
    }

    @Test
    void readsOpenRouterActivityPromptsAsPlainInputAndReasoningInsideCompletion() {
        // when
        List<UsageRow> rows = rows(openrouter, OPENROUTER_ACTIVITY);

        // then
        assertThat(rows.get(0).provider()).isEqualTo("openai");
        assertThat(rows.get(0).model()).isEqualTo("gpt-4.1");
        assertThat(rows.get(0).customerId()).isEqualTo(CustomerAttribution.UNATTRIBUTED);
        assertThat(tokens(rows.get(0))).containsExactly(6_000L, 0L, 0L, 0L, 1_500L, 0L);
        assertThat(rows.get(1).model()).isEqualTo("claude-sonnet-4-5");
        assertThat(tokens(rows.get(1))).containsExactly(9_000L, 0L, 0L, 0L, 2_000L, 800L);
        assertThat(rows.get(1).requestId())
                .isEqualTo("openrouter-activity:2026-11-27:anthropic/claude-sonnet-4.5:"
                        + "anthropic/claude-4.5-sonnet-20250929:ep_19b3e2:Anthropic");
        // an empty day with reasoning null (unknown): zero tokens
        assertThat(tokens(rows.get(2))).containsExactly(0L, 0L, 0L, 0L, 0L, 0L);
        assertThat(rows).hasSize(3);
    }

    @Test
    void namesAnOpenRouterActivityRowPerApiKeyOrUserWhereItNamesOne() {
        // given one day's usage of one endpoint split by API key, and by user
        String export = """
                {"data": [
                  {"date": "2026-11-27", "model": "openai/gpt-4.1", "model_permaslug": "openai/gpt-4.1-2025-04-14",
                   "endpoint_id": "ep1", "provider_name": "OpenAI", "api_key": "k1", "requests": 7,
                   "prompt_tokens": 3000, "completion_tokens": 800, "reasoning_tokens": 0},
                  {"date": "2026-11-27", "model": "openai/gpt-4.1", "model_permaslug": "openai/gpt-4.1-2025-04-14",
                   "endpoint_id": "ep1", "provider_name": "OpenAI", "api_key": "k2", "requests": 7,
                   "prompt_tokens": 3000, "completion_tokens": 800, "reasoning_tokens": 0},
                  {"date": "2026-11-27", "model": "openai/gpt-4.1", "model_permaslug": "openai/gpt-4.1-2025-04-14",
                   "endpoint_id": "ep1", "provider_name": "OpenAI", "external_user": "u1", "requests": 2,
                   "prompt_tokens": 500, "completion_tokens": 80, "reasoning_tokens": 0}]}
                """;

        // then three buckets, not one and its duplicates
        assertThat(ProviderFixtures.rowsOf(openrouter, export))
                .extracting(UsageRow::requestId)
                .containsExactly(
                        "openrouter-activity:2026-11-27:openai/gpt-4.1:openai/gpt-4.1-2025-04-14:ep1:OpenAI:api_key=k1",
                        "openrouter-activity:2026-11-27:openai/gpt-4.1:openai/gpt-4.1-2025-04-14:ep1:OpenAI:api_key=k2",
                        "openrouter-activity:2026-11-27:openai/gpt-4.1:openai/gpt-4.1-2025-04-14:ep1:OpenAI"
                                + ":external_user=u1");
    }

    @Test
    void rejectsOpenRouterReasoningAboveCompletionAndAnAbsentPrompt() {
        assertThat(rejects(openrouter, OPENROUTER_ACTIVITY))
                .satisfiesExactly(
                        reject -> assertThat(reject).startsWith("REASONING_EXCEEDS_OUTPUT"),
                        reject -> assertThat(reject)
                                .isEqualTo("MALFORMED_ROW: prompt_tokens is absent: the count is unknown, so the"
                                        + " record cannot be billed"));
    }

    @Test
    void failsAnActivityFileWithoutItsDataArrayAsAWhole() {
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(openrouter, "{\"items\": []}"))
                .isInstanceOf(FileFormatException.class)
                .hasMessage("page 1 has no 'data' array");
    }

    @Test
    void claimEachTheirOwnFixtureOnly() {
        for (String fixture : USAGE_FIXTURES) {
            String head = ProviderFixtures.text(fixture);
            assertThat(litellm.claims(head)).as(fixture).isEqualTo(fixture.equals(LITELLM_DAILY));
            assertThat(openrouter.claims(head)).as(fixture).isEqualTo(fixture.equals(OPENROUTER_ACTIVITY));
        }
        OpenRouterGenerationsFormat generations = new OpenRouterGenerationsFormat(CustomerAttribution.none());
        LiteLlmSpendLogsFormat spendLogs = new LiteLlmSpendLogsFormat(CustomerAttribution.none());
        assertThat(generations.claims(ProviderFixtures.text(OPENROUTER_ACTIVITY)))
                .isFalse();
        assertThat(spendLogs.claims(ProviderFixtures.text(LITELLM_DAILY))).isFalse();
    }
}
