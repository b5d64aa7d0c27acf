package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.rowsOf;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.UsageRow;
import io.tokentally.ingest.provider.FakeProviderApi.Answer;
import io.tokentally.shared.UsageWindow;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Pulling usage pages from a local stand-in for the OpenAI and Anthropic Admin APIs: paging, retries, keys. */
@ExtendWith(OutputCaptureExtension.class)
class ProviderApiPullerIntegrationTests {

    static final String OPENAI_KEY = "sk-admin-test-0123456789-secret";
    static final String ANTHROPIC_KEY = "sk-ant-admin01-test-0123456789-secret";
    static final UsageWindow DAY = UsageWindow.ofUtcDate(LocalDate.parse("2026-11-27"));
    static final ProviderApiSource OPENAI =
            ProviderApiSource.parse("openai=api://openai").orElseThrow();
    static final ProviderApiSource ANTHROPIC =
            ProviderApiSource.parse("api://anthropic").orElseThrow();

    // 2026-11-27T00:00:00Z is 1795737600; the buckets are its first two hours
    static final String OPENAI_PAGE_1 = """
            {"object":"page","data":[{"object":"bucket","start_time":1795737600,"end_time":1795741200,"results":[
            {"object":"organization.usage.completions.result","input_tokens":1000,"input_cached_tokens":200,
             "output_tokens":300,"num_model_requests":2,"project_id":"proj_a","user_id":null,"api_key_id":null,
             "model":"gpt-4o","batch":false,"service_tier":null}]}],
             "has_more":true,"next_page":"page_AAAA"}""";
    static final String OPENAI_PAGE_2 = """
            {"object":"page","data":[{"object":"bucket","start_time":1795741200,"end_time":1795744800,"results":[
            {"object":"organization.usage.completions.result","input_tokens":500,"input_cached_tokens":0,
             "output_tokens":50,"num_model_requests":1,"project_id":"proj_b","user_id":null,"api_key_id":null,
             "model":"gpt-4o-mini","batch":false,"service_tier":null}]},
             {"object":"bucket","start_time":1795744800,"end_time":1795748400,"results":[]}],
             "has_more":false,"next_page":null}""";
    static final String ANTHROPIC_PAGE_1 = """
            {"data":[{"starting_at":"2026-11-27T10:00:00Z","ending_at":"2026-11-27T11:00:00Z","results":[
            {"uncached_input_tokens":1500,"cache_creation":{"ephemeral_5m_input_tokens":1000,
             "ephemeral_1h_input_tokens":500},"cache_read_input_tokens":2000,"output_tokens":500,
             "api_key_id":null,"workspace_id":"wrkspc_a","model":"claude-sonnet-4-5-20250929",
             "service_tier":"standard","context_window":"0-200k"}]}],"has_more":true,"next_page":"page_2"}""";
    static final String ANTHROPIC_PAGE_2 = """
            {"data":[{"starting_at":"2026-11-27T11:00:00Z","ending_at":"2026-11-27T12:00:00Z","results":[
            {"uncached_input_tokens":800,"cache_creation":{"ephemeral_5m_input_tokens":0,
             "ephemeral_1h_input_tokens":0},"cache_read_input_tokens":0,"output_tokens":120,
             "api_key_id":null,"workspace_id":"wrkspc_b","model":"claude-sonnet-4-5-20250929",
             "service_tier":"standard","context_window":"0-200k"}]}],"has_more":false,"next_page":null}""";

    final FakeProviderApi api = new FakeProviderApi();

    @TempDir
    Path folder;

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void pagesThroughOpenAiBucketsSavesThePagesAndTheReaderReadsThem() throws Exception {
        // given
        api.then(Answer.ok(OPENAI_PAGE_1), Answer.ok(OPENAI_PAGE_2));

        // when
        Path pages = puller(3).pull(OPENAI, DAY, folder);

        // then two requests for the day's hours, the second asking for the first's next page
        List<FakeProviderApi.Request> requests = api.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).uri().getPath()).isEqualTo("/v1/organization/usage/completions");
        assertThat(requests.get(0).uri().getQuery())
                .contains("start_time=1795737600", "end_time=1795824000", "bucket_width=1h", "group_by=model")
                .doesNotContain("page=");
        assertThat(requests.get(1).uri().getQuery()).contains("page=page_AAAA");
        assertThat(requests)
                .allSatisfy(
                        request -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + OPENAI_KEY));
        // the file holds the raw pages, and the OpenAI reader reads both pages' buckets from it
        assertThat(Files.readString(pages)).isEqualTo(OPENAI_PAGE_1 + "\n" + OPENAI_PAGE_2 + "\n");
        assertThat(pages.getFileName().toString()).isEqualTo("openai-20261127T0000Z.json");
        OpenAiCompletionsUsageFormat reader = new OpenAiCompletionsUsageFormat(CustomerAttribution.none());
        String text = Files.readString(pages);
        assertThat(reader.claims(text)).isTrue();
        List<UsageRow> rows = rowsOf(reader, text);
        assertThat(rows)
                .extracting(UsageRow::customerId, UsageRow::model, UsageRow::timestamp)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("proj_a", "gpt-4o", Instant.parse("2026-11-27T00:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple(
                                "proj_b", "gpt-4o-mini", Instant.parse("2026-11-27T01:00:00Z")));
        // older fields: input_tokens 1000 includes the 200 cached ones
        assertThat(tokens(rows.get(0))).containsExactly(1000L, 200L, 0L, 0L, 300L, 0L);
        assertThat(tokens(rows.get(1))).containsExactly(500L, 0L, 0L, 0L, 50L, 0L);
    }

    @Test
    void pagesThroughAnthropicUsageWithItsHeadersAndTheReaderReadsThem() throws Exception {
        // given
        api.then(Answer.ok(ANTHROPIC_PAGE_1), Answer.ok(ANTHROPIC_PAGE_2));

        // when
        Path pages = puller(3).pull(ANTHROPIC, DAY, folder);

        // then
        List<FakeProviderApi.Request> requests = api.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).uri().getPath()).isEqualTo("/v1/organizations/usage_report/messages");
        assertThat(requests.get(0).uri().getQuery())
                .contains(
                        "starting_at=2026-11-27T00:00:00Z",
                        "ending_at=2026-11-28T00:00:00Z",
                        "bucket_width=1h",
                        "group_by[]=workspace_id");
        assertThat(requests.get(1).uri().getQuery()).contains("page=page_2");
        assertThat(requests).allSatisfy(request -> {
            assertThat(request.header("x-api-key")).isEqualTo(ANTHROPIC_KEY);
            assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(request.header("Authorization")).isNull();
        });
        assertThat(pages.getFileName().toString()).isEqualTo("anthropic-api-20261127T0000Z.json");
        AnthropicMessagesUsageFormat reader = new AnthropicMessagesUsageFormat(CustomerAttribution.none());
        List<UsageRow> rows = rowsOf(reader, Files.readString(pages));
        assertThat(rows).extracting(UsageRow::customerId).containsExactly("wrkspc_a", "wrkspc_b");
        // input 1500 + 5m writes 1000 + 1h writes 500 + reads 2000 = 5000, all of it input_tokens
        assertThat(tokens(rows.get(0))).containsExactly(5000L, 2000L, 1000L, 500L, 500L, 0L);
        assertThat(tokens(rows.get(1))).containsExactly(800L, 0L, 0L, 0L, 120L, 0L);
    }

    @Test
    void pullsTheCostReportsOfBothProvidersAsDailyBucketsThatTheCostReadersRead() throws Exception {
        // given: the fixtures' pages, as the cost endpoints answer them
        Path fixtures = Path.of("src/test/resources/io/tokentally/ingest/provider");
        List<String> openAiPages =
                Files.readAllLines(fixtures.resolve("openai-costs-two-pages-by-project-and-line-item.jsonl"));
        List<String> anthropicPages = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(fixtures.resolve("anthropic-cost-report-by-workspace-and-description.json")
                        .toFile())
                .valueStream()
                .map(Object::toString)
                .toList();
        api.then(
                Answer.ok(openAiPages.get(0)),
                Answer.ok(openAiPages.get(1)),
                Answer.ok(anthropicPages.get(0)),
                Answer.ok(anthropicPages.get(1)));
        ProviderApiSource openAiCosts =
                ProviderApiSource.parse("api://openai/costs").orElseThrow();
        ProviderApiSource anthropicCosts =
                ProviderApiSource.parse("providers:cost=api://anthropic/costs").orElseThrow();

        // when
        Path openAiFile = puller(3).pull(openAiCosts, DAY, folder);
        Path anthropicFile = puller(3).pull(anthropicCosts, DAY, folder);

        // then: the cost endpoints, daily buckets grouped as the readers need them
        List<FakeProviderApi.Request> requests = api.requests();
        assertThat(requests).hasSize(4);
        assertThat(requests.get(0).uri().getPath()).isEqualTo("/v1/organization/costs");
        assertThat(requests.get(0).uri().getQuery())
                .contains("start_time=1795737600", "bucket_width=1d", "group_by=project_id", "group_by=line_item");
        assertThat(requests.get(1).uri().getQuery()).contains("page=");
        assertThat(requests.get(2).uri().getPath()).isEqualTo("/v1/organizations/cost_report");
        assertThat(requests.get(2).uri().getQuery())
                .contains("bucket_width=1d", "group_by[]=workspace_id", "group_by[]=description");
        assertThat(requests.get(3).uri().getQuery()).contains("page=");
        assertThat(openAiFile.getFileName().toString()).isEqualTo("openai-costs-api-20261127T0000Z.json");
        assertThat(anthropicCosts.name()).isEqualTo("providers");
        assertThat(anthropicCosts.role()).isEqualTo(io.tokentally.ingest.SourceRole.COST);
        assertThat(anthropicCosts.spec()).isEqualTo("providers:cost=api://anthropic/costs");
        assertThat(new OpenAiCostsFormat().claims(Files.readString(openAiFile))).isTrue();
        assertThat(new AnthropicCostReportFormat().claims(Files.readString(anthropicFile)))
                .isTrue();
        assertThatThrownBy(() -> ProviderApiSource.parse("api://openai/invoices"))
                .hasMessageContaining("only /costs (the cost report) or /embeddings (the embeddings usage) may follow");
        assertThatThrownBy(() -> ProviderApiSource.parse("api://anthropic/embeddings"))
                .hasMessageContaining("after api://anthropic only /costs (the cost report) may follow");
    }

    @Test
    void pullsOpenAisEmbeddingsUsageThatTheEmbeddingsReaderReads() throws Exception {
        // given
        String page = """
                {"object":"page","data":[{"object":"bucket","start_time":1795737600,"end_time":1795741200,"results":[
                {"object":"organization.usage.embeddings.result","input_tokens":120000,"num_model_requests":40,
                 "project_id":"proj_a","user_id":null,"api_key_id":null,"model":"text-embedding-3-small"}]}],
                 "has_more":false,"next_page":null}""";
        api.then(Answer.ok(page));
        ProviderApiSource embeddings =
                ProviderApiSource.parse("api://openai/embeddings").orElseThrow();

        // when
        Path file = puller(3).pull(embeddings, DAY, folder);

        // then: the embeddings endpoint, hourly, grouped by what it groups by
        FakeProviderApi.Request request = api.requests().get(0);
        assertThat(request.uri().getPath()).isEqualTo("/v1/organization/usage/embeddings");
        assertThat(request.uri().getQuery())
                .contains("bucket_width=1h", "group_by=project_id", "group_by=model")
                .doesNotContain("group_by=batch", "group_by=service_tier");
        assertThat(embeddings.spec()).isEqualTo("openai-embeddings-api=api://openai/embeddings");
        assertThat(file.getFileName().toString()).isEqualTo("openai-embeddings-api-20261127T0000Z.json");
        List<UsageRow> rows =
                rowsOf(new OpenAiEmbeddingsUsageFormat(CustomerAttribution.none()), Files.readString(file));
        assertThat(rows)
                .extracting(UsageRow::customerId, UsageRow::model)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("proj_a", "text-embedding-3-small"));
        assertThat(tokens(rows.get(0))).containsExactly(120_000L, 0L, 0L, 0L, 0L, 0L);
    }

    @Test
    void retriesServerErrorsAndRateLimitsWithBackoffAndNeverLogsTheKey(CapturedOutput output) throws Exception {
        // given a 503, then a 429 asking to wait a second, then the page
        api.then(
                new Answer(503, "{\"error\":\"overloaded\"}", null),
                new Answer(429, "{\"error\":\"rate limited\"}", "1"),
                Answer.ok(OPENAI_PAGE_2));

        // when
        long started = System.nanoTime();
        Path pages = puller(3).pull(OPENAI, DAY, folder);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // then the third try got the page, after the 10 ms backoff and the one-second Retry-After
        assertThat(api.requests()).hasSize(3);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1010));
        assertThat(Files.readString(pages)).isEqualTo(OPENAI_PAGE_2 + "\n");
        assertThat(output.getAll()).contains("answered HTTP 503", "answered HTTP 429");
        assertThat(output.getAll()).doesNotContain(OPENAI_KEY);
        assertThat(Files.readString(pages)).doesNotContain(OPENAI_KEY);
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsAndLeavesNoFile(CapturedOutput output) throws Exception {
        // given
        api.then(
                new Answer(500, "{}", null),
                new Answer(502, "{}", null),
                new Answer(500, "{}", null),
                Answer.ok(OPENAI_PAGE_2));

        // when, then
        assertThatThrownBy(() -> puller(3).pull(OPENAI, DAY, folder))
                .isInstanceOf(ProviderApiPuller.ProviderApiException.class)
                .hasMessageContaining("failed 3 times (last: HTTP 500)")
                .hasMessageContaining("tokentally.provider-api.max-attempts")
                .hasMessageNotContaining(OPENAI_KEY);
        assertThat(api.requests()).hasSize(3);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files)
                    .as("no pages, nor the partial file of them (hunt DG)")
                    .isEmpty();
        }
        assertThat(output.getAll()).doesNotContain(OPENAI_KEY);
    }

    @Test
    void aRefusedRequestFailsAtOnceWithoutTheKeyEvenWhenTheAnswerEchoesIt() {
        // given an answer that repeats the key it was given
        api.then(new Answer(
                401, "{\"error\":{\"message\":\"Incorrect API key provided: " + ANTHROPIC_KEY + "\"}}", null));

        // when, then
        assertThatThrownBy(() -> puller(3).pull(ANTHROPIC, DAY, folder))
                .hasMessageContaining("answered HTTP 401")
                .hasMessageContaining("(admin key)")
                .hasMessageNotContaining(ANTHROPIC_KEY);
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aFailureNamesTheInputTheRequestAndThePage() throws IOException {
        // given a second page refused (hunt DC: the message named neither the input nor the page)
        api.then(Answer.ok(OPENAI_PAGE_1), new Answer(401, "{\"error\":\"bad key\"}", null));

        // when, then
        assertThatThrownBy(() -> puller(3).pull(OPENAI, DAY, folder))
                .hasMessageStartingWith("input openai: openai Admin API GET /v1/organization/usage/completions (page 2)"
                        + " answered HTTP 401");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).as("page 1 is not left behind in a partial file").isEmpty();
        }
    }

    @Test
    void aPageThatIsNotJsonOrOnePastMaxPagesNamesTheInputAndThePage() {
        // given a page that is not JSON, then a first page saying more follow where one page is the most
        api.then(Answer.ok("<html>maintenance</html>"), Answer.ok(OPENAI_PAGE_1));
        ProviderApiProperties onePage = properties(URI.create(api.baseUrl()), OPENAI_KEY, ANTHROPIC_KEY, 1);
        ProviderApiPuller atMostOnePage = new ProviderApiPuller(new ProviderApiProperties(
                onePage.openaiBaseUrl(),
                OPENAI_KEY,
                onePage.anthropicBaseUrl(),
                ANTHROPIC_KEY,
                1,
                onePage.backoff(),
                onePage.maxBackoff(),
                onePage.timeout(),
                1));

        // when, then
        String request = "input openai: openai Admin API GET /v1/organization/usage/completions";
        assertThatThrownBy(() -> puller(1).pull(OPENAI, DAY, folder))
                .hasMessageStartingWith(request + " (page 1) is not valid JSON");
        assertThatThrownBy(() -> atMostOnePage.pull(OPENAI, DAY, folder))
                .hasMessage(request + " still had more pages after page 1 (tokentally.provider-api.max-pages)");
        assertThat(api.requests()).hasSize(2);
    }

    @Test
    void eachReportsPagesAreRegisteredAsTheFormatOfTheReaderThatReadsThem() {
        assertThat(Stream.of(
                                "api://openai",
                                "api://anthropic",
                                "api://openai/costs",
                                "api://anthropic/costs",
                                "api://openai/embeddings")
                        .map(spec -> ProviderApiSource.parse(spec).orElseThrow().format()))
                .containsExactly(
                        new OpenAiCompletionsUsageFormat(CustomerAttribution.none()).name(),
                        new AnthropicMessagesUsageFormat(CustomerAttribution.none()).name(),
                        new OpenAiCostsFormat().name(),
                        new AnthropicCostReportFormat().name(),
                        new OpenAiEmbeddingsUsageFormat(CustomerAttribution.none()).name());
    }

    @Test
    void aMissingKeyOrABadBaseUrlNamesItsProperty() {
        // given
        ProviderApiPuller withoutKeys = new ProviderApiPuller(properties(URI.create(api.baseUrl()), null, null, 3));

        // when, then
        assertThatThrownBy(() -> withoutKeys.check(OPENAI))
                .hasMessageContaining("tokentally.provider-api.openai-admin-key")
                .hasMessageContaining("OPENAI_ADMIN_KEY");
        assertThatThrownBy(() -> withoutKeys.check(ANTHROPIC))
                .hasMessageContaining("tokentally.provider-api.anthropic-admin-key");
        assertThatThrownBy(() -> properties(URI.create("ftp://example.com"), OPENAI_KEY, null, 3))
                .hasMessageContaining("tokentally.provider-api.openai-base-url");
        assertThatThrownBy(() -> properties(URI.create(api.baseUrl()), "sk-admin with space", null, 3))
                .hasMessageContaining("tokentally.provider-api.openai-admin-key")
                .hasMessageNotContaining("with space");
        assertThatThrownBy(() -> ProviderApiSource.parse("x=api://gemini"))
                .hasMessageContaining(
                        "api://openai, api://anthropic, api://openai/costs, api://anthropic/costs or api://openai/embeddings");
    }

    ProviderApiPuller puller(int maxAttempts) {
        return new ProviderApiPuller(properties(URI.create(api.baseUrl()), OPENAI_KEY, ANTHROPIC_KEY, maxAttempts));
    }

    static ProviderApiProperties properties(URI base, String openaiKey, String anthropicKey, int maxAttempts) {
        return new ProviderApiProperties(
                base,
                openaiKey,
                base,
                anthropicKey,
                maxAttempts,
                Duration.ofMillis(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                100);
    }
}
