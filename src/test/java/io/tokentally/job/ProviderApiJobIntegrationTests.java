package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.ingest.provider.FakeProviderApi;
import io.tokentally.ingest.provider.FakeProviderApi.Answer;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The nightly job with OpenAI's Admin API as a source ({@code api://openai}), against a local stand-in:
 * the pages are pulled, kept in the run folder and billed; a pull that fails fails the run; the admin key
 * appears in no file the run writes.
 */
@SpringBootTest
class ProviderApiJobIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-provider-api-");
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final String KEY = "sk-admin-job-test-9876543210-secret";
    static final FakeProviderApi API = new FakeProviderApi();
    static final JsonMapper JSON = JsonMapper.builder().build();

    // 2026-11-26T00:00:00Z is 1795651200
    static final String PAGE_1 = """
            {"object":"page","data":[{"object":"bucket","start_time":1795651200,"end_time":1795654800,"results":[
            {"object":"organization.usage.completions.result","input_tokens":1000,"input_cached_tokens":200,
             "output_tokens":300,"num_model_requests":2,"project_id":"proj_alice","user_id":null,"api_key_id":null,
             "model":"gpt-4o","batch":false,"service_tier":null}]}],"has_more":true,"next_page":"p2"}""";
    static final String PAGE_2 = """
            {"object":"page","data":[{"object":"bucket","start_time":1795654800,"end_time":1795658400,"results":[
            {"object":"organization.usage.completions.result","input_tokens":500,"input_cached_tokens":0,
             "output_tokens":50,"num_model_requests":1,"project_id":"proj_bob","user_id":null,"api_key_id":null,
             "model":"gpt-4o-mini","batch":false,"service_tier":null}]}],"has_more":false,"next_page":null}""";

    @Autowired
    BillingRuns runs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        registry.add("tokentally.provider-api.openai-base-url", API::baseUrl);
        registry.add("tokentally.provider-api.openai-admin-key", () -> KEY);
        registry.add("tokentally.provider-api.backoff", () -> "10ms");
        registry.add("tokentally.provider-api.max-attempts", () -> "2");
        registry.add("tokentally.attribution.mapping-file", ProviderApiJobIntegrationTests::mapping);
    }

    @AfterAll
    static void stop() {
        API.close();
    }

    @Test
    void pullsTheDaysUsagePagesKeepsThemInTheRunFolderAndBillsThem() throws Exception {
        // given
        API.then(Answer.ok(PAGE_1), Answer.ok(PAGE_2));

        // when
        JobExecution execution = run("2026-11-26");

        // then both pages were asked for and kept, and their buckets billed to the mapped customers
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path folder = runFolder(execution);
        assertThat(Files.readString(folder.resolve(RegisterFilesStepConfiguration.PULLED_FOLDER)
                        .resolve("openai-20261126T0000Z.json")))
                .isEqualTo(PAGE_1 + "\n" + PAGE_2 + "\n");
        JsonNode report = JSON.readTree(folder.resolve("report.json").toFile());
        assertThat(report.get("counts").get("accepted").asLong()).isEqualTo(2);
        assertThat(tokens(report))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        // input_tokens 1000 includes the 200 cached ones: 800 input, 200 cache reads
                        "alice|openai/gpt-4o|input", 800L,
                        "alice|openai/gpt-4o|cache_read", 200L,
                        "alice|openai/gpt-4o|output", 300L,
                        "bob|openai/gpt-4o-mini|input", 500L,
                        "bob|openai/gpt-4o-mini|output", 50L));
        assertThat(filesContaining(WORK, KEY)).isEmpty();
    }

    @Test
    void aQuietDaysPagesAreReadAsTheReportTheyAreWithNoUsage() throws Exception {
        // given a day without usage: its bucket holds no results, so nothing in the page names its report (hunt DC:
        // the pulled file was UNRECOGNIZED, an UNREAD_FILE warning every quiet day)
        API.then(Answer.ok("""
                {"object":"page","data":[{"object":"bucket","start_time":1795478400,"end_time":1795482000,
                "results":[]}],"has_more":false,"next_page":null}"""));

        // when
        JobExecution execution = run("2026-11-24");

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report =
                JSON.readTree(runFolder(execution).resolve("report.json").toFile());
        assertThat(report.get("files")).singleElement().satisfies(file -> {
            assertThat(file.get("format").asString()).isEqualTo("openai-usage-completions");
            assertThat(file.get("status").asString()).isEqualTo("INGESTED");
            assertThat(file.get("read").asLong()).isZero();
        });
        assertThat(report.get("findings"))
                .noneMatch(finding -> finding.get("kind").asString().equals("UNREAD_FILE"));
    }

    @Test
    void aPullThatKeepsFailingFailsTheRunWithoutTheKeyAnywhere() throws Exception {
        // given the API answers 503 to both tries
        API.then(new Answer(503, "{}", null), new Answer(503, "{}", null));

        // when
        JobExecution execution = run("2026-11-25");

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(execution.getAllFailureExceptions())
                .anySatisfy(e -> assertThat(e.getMessage()).contains("failed 2 times (last: HTTP 503)"));
        assertThat(execution.getAllFailureExceptions())
                .allSatisfy(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain(KEY));
        assertThat(filesContaining(WORK, KEY)).isEmpty();
    }

    JobExecution run(String date) throws Exception {
        return runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of("openai=api://openai"),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));
    }

    static Path runFolder(JobExecution execution) {
        return RunFolders.of(
                WORK.resolve("runs"),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    static String mapping() {
        try {
            Path file = Files.createDirectories(WORK).resolve("customer-keys.csv");
            Files.writeString(
                    file,
                    "key,value,customer_id\nopenai.project_id,proj_alice,alice\nopenai.project_id,proj_bob,bob\n");
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every readable text file under the folder (the runs and the H2 database included) that holds the text. */
    static List<Path> filesContaining(Path root, String text) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> {
                        try {
                            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                                    .contains(text);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    private static Map<String, Long> tokens(JsonNode report) {
        Map<String, Long> tokens = new LinkedHashMap<>();
        for (JsonNode total : report.get("totals")) {
            tokens.put(
                    total.get("customer_id").asString() + "|"
                            + total.get("model").asString() + "|"
                            + total.get("token_type").asString(),
                    total.get("tokens").asLong());
        }
        return tokens;
    }
}
