package io.tokentally.ingest.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageRow;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The keys each reader family declares are the keys its readers build. */
class AttributionFamilyTests {

    /** Every reader that names customers, with fixtures that build each of its keys (the daily tables': below). */
    static Stream<Arguments> readersAndTheirFixtures() {
        CustomerAttribution none = CustomerAttribution.none();
        return Stream.of(
                Arguments.of(new OpenAiCompletionsUsageFormat(none), "openai-usage-completions-current-fields.json"),
                Arguments.of(new OpenAiCompletionsUsageFormat(none), "openai-usage-completions-older-fields.jsonl"),
                Arguments.of(new AnthropicMessagesUsageFormat(none), "anthropic-usage-messages-hourly.json"),
                Arguments.of(new OpenRouterGenerationsFormat(none), "openrouter-generations.jsonl"),
                Arguments.of(new OpenRouterActivityFormat(none), "openrouter-activity.json"),
                Arguments.of(new LiteLlmSpendLogsFormat(none), "litellm-spend-logs.csv"),
                Arguments.of(new LiteLlmDailySpendFormat(none), "litellm-daily-end-user-spend.csv"),
                Arguments.of(new CloudflareGatewayLogsFormat(none), "cloudflare-ai-gateway-logs.json"),
                Arguments.of(new VercelGatewayReportFormat(none), "vercel-ai-gateway-report-by-model-and-user.json"),
                Arguments.of(
                        new GoogleCloudBillingFormat(none, GoogleCloudBillingFormatTests.PATTERNS),
                        "gcp-billing-export-vertex-claude-and-gemini-api.csv"));
    }

    @ParameterizedTest
    @MethodSource("readersAndTheirFixtures")
    void everyReaderBuildsOnlyKeysItsFamilyDeclares(UsageFormat reader, String fixture) {
        // when, then: a reader building a key its family does not declare throws an AssertionError at its first
        // record, which fails this test; the records read are there to show that the fixture was read at all
        assertThat(ProviderFixtures.rows(reader, fixture)).isNotEmpty();
    }

    @Test
    void theDailySpendTablesBuildOnlyKeysTheLiteLlmFamilyDeclares() {
        // given: a row with every grouping column of the daily tables
        String row = "date,end_user_id,end_user,team_id,user_id,organization_id,tag,api_key,model,custom_llm_provider,"
                + "prompt_tokens,completion_tokens,cache_read_input_tokens,api_requests\n"
                + "2026-11-27,e-1,e-1,t-1,u-1,o-1,g-1,k-1,gpt-4o,openai,10,2,0,1\n";

        // when
        List<UsageRow> rows = ProviderFixtures.rowsOf(new LiteLlmDailySpendFormat(CustomerAttribution.none()), row);

        // then
        assertThat(rows).extracting(UsageRow::customerId).containsExactly("e-1");
    }

    @Test
    void aBillingExportRowBuildsOnlyKeysTheGcpFamilyDeclares() {
        // given: a row with labels and project labels (the fixture has no project labels)
        String row = "billing_account_id,service.description,sku.id,sku.description,usage_start_time,usage_end_time,"
                + "project.id,labels,project.labels,location.region,cost,currency,usage.amount,usage.unit,cost_type\n"
                + "012345-ABCDEF-678901,Vertex AI,8A1D-5C0F-11E2,Gemini 2.5 Flash Text Input - Predictions,"
                + "2026-11-27 10:00:00 UTC,2026-11-27 11:00:00 UTC,acme-prod,\"{\"\"team\"\":\"\"ml\"\"}\","
                + "\"{\"\"tenant\"\":\"\"globex\"\"}\",us-central1,0.036,USD,120000,count,regular\n";
        CustomerAttribution byProjectLabel =
                new CustomerAttribution(Map.of(), Map.of("gcp", List.of("project_label.tenant", "label.team")));

        // when
        List<UsageRow> rows = ProviderFixtures.rowsOf(
                new GoogleCloudBillingFormat(byProjectLabel, GoogleCloudBillingFormatTests.PATTERNS), row);

        // then
        assertThat(rows).extracting(UsageRow::customerId).containsExactly("globex");
    }

    @Test
    void aReaderBuildingAKeyItsFamilyDoesNotDeclareFails() {
        // given
        CustomerAttribution attribution = CustomerAttribution.none();

        // when, then: a bug, not a bad record
        assertThatThrownBy(() -> attribution.customerOf(OpenAiUsagePagesFormat.FAMILY, Map.of("project", "proj_1")))
                .isInstanceOf(AssertionError.class)
                .hasMessage("a reader of openai built the attribution key project, which openai does not declare"
                        + " (its keys: project_id, api_key_id, user_id)");
    }
}
