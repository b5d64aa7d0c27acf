package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ServiceTier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's embeddings usage pages: each result a model's input tokens of its bucket. */
class OpenAiEmbeddingsUsageFormatTests {

    static final String PAGE = """
            {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
             "results": [
              {"object": "organization.usage.embeddings.result", "input_tokens": 120000, "num_model_requests": 40,
               "project_id": "proj_acme", "user_id": null, "api_key_id": null, "model": "text-embedding-3-small"},
              {"object": "organization.usage.embeddings.result", "input_tokens": 5000, "num_model_requests": 2,
               "project_id": "proj_beta", "model": "text-embedding-3-large"},
              {"object": "organization.usage.embeddings.result", "input_tokens": 700, "num_model_requests": 1,
               "project_id": "proj_beta"},
              {"object": "organization.usage.embeddings.result", "num_model_requests": 1, "project_id": "proj_beta",
               "model": "text-embedding-3-small"}]}],
             "has_more": false, "next_page": null}
            """;

    final OpenAiEmbeddingsUsageFormat format = new OpenAiEmbeddingsUsageFormat(CustomerAttribution.none());
    final OpenAiCompletionsUsageFormat completions = new OpenAiCompletionsUsageFormat(CustomerAttribution.none());

    @Test
    void readsEachResultAsItsModelsInputTokensOfTheBucket() {
        // when
        List<UsageRow> rows = ProviderFixtures.rowsOf(format, PAGE);

        // then
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(rows.get(0).customerId()).isEqualTo("proj_acme");
        assertThat(rows.get(0).provider()).isEqualTo("openai");
        assertThat(rows.get(0).model()).isEqualTo("text-embedding-3-small");
        assertThat(tokens(rows.get(0))).containsExactly(120_000L, 0L, 0L, 0L, 0L, 0L);
        assertThat(rows.get(0).serviceTier()).isEqualTo(ServiceTier.STANDARD);
        assertThat(rows.get(1).customerId()).isEqualTo("proj_beta");
        assertThat(tokens(rows.get(1))).containsExactly(5_000L, 0L, 0L, 0L, 0L, 0L);
        assertThat(rows.get(0).requestId()).startsWith("openai-embeddings:2026-11-27T00:00:00Z/");
    }

    @Test
    void rejectsAResultWithoutModelOrInputTokensWithItsReason() {
        assertThat(ProviderFixtures.rejectsOf(format, PAGE))
                .extracting(Object::toString)
                .satisfiesExactly(
                        reject -> assertThat(reject).contains("group_by=model"),
                        reject -> assertThat(reject).contains("input_tokens"));
    }

    @Test
    void rejectsAResultOfTheOtherEndpointInEitherReadersFileNamingIt() {
        // given: one bucket with an embeddings result and a completions result (which, read as embeddings, lost its
        // cache reads and output; read as completions, the embeddings result lacked output_tokens)
        String mixed = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [
                  {"object": "organization.usage.embeddings.result", "input_tokens": 1000, "num_model_requests": 1,
                   "project_id": "proj_acme", "model": "text-embedding-3-small"},
                  {"object": "organization.usage.completions.result", "input_tokens": 1000000,
                   "input_cached_tokens": 200000, "output_tokens": 300000, "num_model_requests": 1,
                   "project_id": "proj_globex", "model": "gpt-4o"}]}]}
                """;

        // when, then
        assertThat(ProviderFixtures.rowsOf(format, mixed))
                .extracting(UsageRow::model)
                .containsExactly("text-embedding-3-small");
        assertThat(ProviderFixtures.rejectsOf(format, mixed))
                .singleElement()
                .asString()
                .contains("a result of another endpoint (organization.usage.completions.result) in a file of"
                        + " organization.usage.embeddings.result results");
        assertThat(ProviderFixtures.rowsOf(completions, mixed))
                .extracting(UsageRow::model)
                .containsExactly("gpt-4o");
        assertThat(ProviderFixtures.rejectsOf(completions, mixed))
                .singleElement()
                .asString()
                .contains("a result of another endpoint (organization.usage.embeddings.result)");
    }

    @Test
    void claimsEmbeddingsPagesAndNotCompletionsPages() {
        assertThat(format.claims(PAGE)).isTrue();
        assertThat(completions.claims(PAGE)).isFalse();
        assertThat(format.claims(ProviderFixtures.text(OpenAiCompletionsUsageFormatTests.CURRENT)))
                .isFalse();
    }
}
