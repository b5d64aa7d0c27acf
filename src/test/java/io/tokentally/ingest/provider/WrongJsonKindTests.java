package io.tokentally.ingest.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.UsageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A provider record with a field of another JSON kind than its format gives (an object or array for a text, a
 * string for a boolean, a number for an object of counts) is one {@code MALFORMED_ROW} naming the field: never a
 * failure of the file or the run, never read as text, never read as an absent count.
 */
class WrongJsonKindTests {

    static final UsageFormat OPENAI = new OpenAiCompletionsUsageFormat(CustomerAttribution.none());
    static final UsageFormat ANTHROPIC = new AnthropicMessagesUsageFormat(CustomerAttribution.none());

    /** format, fixture, the field as the fixture writes it (a regular expression), the field made wrong, reason. */
    static Stream<Arguments> wrongKinds() {
        return Stream.of(
                Arguments.of(
                        OPENAI,
                        "openai-usage-completions-current-fields.json",
                        "\"batch\": false",
                        "\"batch\": \"yes\"",
                        "batch is not true or false: \"yes\""),
                Arguments.of(
                        OPENAI,
                        "openai-usage-completions-current-fields.json",
                        "\"model\": \"gpt-5.4-2026-03-05\"",
                        "\"model\": {\"m\": \"gpt-4o\"}",
                        "model is not a text value: {\"m\":\"gpt-4o\"}"),
                Arguments.of(
                        OPENAI,
                        "openai-usage-completions-current-fields.json",
                        "\"project_id\": \"proj_acme\"",
                        "\"project_id\": [\"acme\"]",
                        "project_id is not a text value: [\"acme\"]"),
                Arguments.of(
                        ANTHROPIC,
                        "anthropic-usage-messages-hourly.json",
                        "\"cache_creation\": \\{[^}]*\\}",
                        "\"cache_creation\": 5",
                        "cache_creation is not an object: 5"),
                Arguments.of(
                        ANTHROPIC,
                        "anthropic-usage-messages-hourly.json",
                        "\"context_window\": \"0-200k\"",
                        "\"context_window\": [\"200k-1M\"]",
                        "context_window is not a text value: [\"200k-1M\"]"),
                Arguments.of(
                        GatewayLogFormatsTests.CLOUDFLARE,
                        GatewayLogFormatsTests.CLOUDFLARE_FILE,
                        "\"success\": true",
                        "\"success\": \"no\"",
                        "success is not true or false: \"no\""),
                Arguments.of(
                        GatewayLogFormatsTests.CLOUDFLARE,
                        GatewayLogFormatsTests.CLOUDFLARE_FILE,
                        "\"metadata\": \\{\"customer\": \"acme\"",
                        "\"metadata\": {\"customer\": [\"acme\"]",
                        "metadata.customer is not a text value: [\"acme\"]"),
                Arguments.of(
                        GatewayLogFormatsTests.OPENROUTER,
                        GatewayLogFormatsTests.OPENROUTER_FILE,
                        "\"id\":\"gen-1764236400-a1b2c3\"",
                        "\"id\":[\"q1\"]",
                        "id is not a text value: [\"q1\"]"),
                Arguments.of(
                        GatewayLogFormatsTests.LITELLM,
                        GatewayLogFormatsTests.LITELLM_FILE,
                        "\"\"additional_usage_values\"\": \\{[^}]*\\}",
                        "\"\"additional_usage_values\"\": [1]",
                        "additional_usage_values is not an object: [1]"),
                Arguments.of(
                        GatewayLogFormatsTests.LITELLM,
                        GatewayLogFormatsTests.LITELLM_FILE,
                        "\"\"prompt_tokens_details\"\": \\{[^}]*\\}",
                        "\"\"prompt_tokens_details\"\": 5",
                        "prompt_tokens_details is not an object: 5"),
                Arguments.of(
                        new GoogleCloudBillingFormat(
                                CustomerAttribution.none(), GoogleCloudBillingFormatTests.PATTERNS),
                        "gcp-billing-export-vertex-claude-and-gemini-api.csv",
                        "acme-prod,\\[\\],",
                        "acme-prod,\"{\"\"team\"\": {\"\"name\"\": \"\"acme\"\"}}\",",
                        "labels.team is not a text value: {\"name\":\"acme\"}"));
    }

    @ParameterizedTest(name = "{4}")
    @MethodSource("wrongKinds")
    void aFieldOfTheWrongKindRejectsItsRecordAlone(
            UsageFormat format, String fixture, String field, String wrong, String reason) {
        // given the fixture with one record's field made another JSON kind
        String original = ProviderFixtures.text(fixture);
        String changed = original.replaceFirst(field, wrong.replace("$", "\\$"));
        assertThat(changed).isNotEqualTo(original);

        // when
        List<String> rejects = ProviderFixtures.rejectsOf(format, changed);

        // then that record is one more reject, and every other record is read as before
        List<String> expected = new ArrayList<>(ProviderFixtures.rejectsOf(format, original));
        expected.add("MALFORMED_ROW: " + reason);
        assertThat(rejects).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ProviderFixtures.rowsOf(format, changed))
                .hasSize(ProviderFixtures.rowsOf(format, original).size() - 1);
    }

    @Test
    void aLiteLlmCallersNestedMetadataIsNoKeyAndNoFault() {
        // given a row whose caller metadata nests an object beside its tenant
        String original = ProviderFixtures.text(GatewayLogFormatsTests.LITELLM_FILE);
        String nested = original.replaceFirst(
                "\"\"tenant\"\": \"\"acme\"\"",
                "\"\"tenant\"\": \"\"acme\"\", \"\"trace\"\": {\"\"id\"\": \"\"t1\"\"}");
        assertThat(nested).isNotEqualTo(original);

        // when, then every row is read as before
        assertThat(ProviderFixtures.rejectsOf(GatewayLogFormatsTests.LITELLM, nested))
                .isEqualTo(ProviderFixtures.rejectsOf(GatewayLogFormatsTests.LITELLM, original));
        assertThat(ProviderFixtures.rowsOf(GatewayLogFormatsTests.LITELLM, nested))
                .hasSameSizeAs(ProviderFixtures.rowsOf(GatewayLogFormatsTests.LITELLM, original));
    }

    @Test
    void anOpenRouterFileWhoseFirstGenerationLacksItsPromptCountIsStillClaimedAndRead() {
        // given generations whose first lacks native_tokens_prompt
        String generations = """
                {"id":"g0","created_at":"2026-11-20T06:30:00Z","model":"openai/gpt-4o","external_user":"globex","native_tokens_completion":10}
                {"id":"g1","created_at":"2026-11-20T06:30:00Z","model":"openai/gpt-4o","external_user":"acme","native_tokens_prompt":100,"native_tokens_completion":10}
                """;

        // when
        boolean claimed = GatewayLogFormatsTests.OPENROUTER.claims(generations);

        // then the first is rejected, the second read
        assertThat(claimed).isTrue();
        assertThat(ProviderFixtures.rejectsOf(GatewayLogFormatsTests.OPENROUTER, generations))
                .singleElement()
                .asString()
                .startsWith("MALFORMED_ROW: native_tokens_prompt is absent");
        assertThat(ProviderFixtures.rowsOf(GatewayLogFormatsTests.OPENROUTER, generations))
                .extracting(row -> row.requestId())
                .containsExactly("g1");
    }
}
