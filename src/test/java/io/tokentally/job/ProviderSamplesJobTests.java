package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The nightly job over sample-data/providers: one sample of every provider export and gateway log
 * format, attributed with sample-data/customer-keys.csv, totals computed by hand from the files.
 */
@SpringBootTest(properties = "tokentally.attribution.mapping-file=sample-data/customer-keys.csv")
class ProviderSamplesJobTests {

    static final Path WORK = TempFolders.create("tokentally-providers-");

    @Autowired
    BillingRuns runs;

    @Autowired
    TokentallyProperties properties;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Test
    void ingestsOneSampleOfEveryFormatWithTheTokenTypesAndCustomersOfTheirFields() throws Exception {
        // when
        JobExecution execution = run(
                "2026-11-27", "providers=" + Path.of("sample-data/providers").toAbsolutePath());

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report = report(execution);
        JsonNode counts = report.get("counts");
        // 17 usage records, plus the OpenAI audio tokens as a rejected record (the Anthropic web searches are
        // a unit of their result's row); GCP billing: 11 token rows, a cache-storage and a Cloud Storage row
        // rejected; LiteLLM daily: 3 rows (one day of only failed requests); OpenRouter activity: 2 rows,
        // unattributed (no customer key); 11 + 11 cost lines of the OpenAI and Anthropic cost exports (stored
        // as provider costs, not usage); OpenAI embeddings: 1 row, held for want of a price (a NO_PRICE reject)
        assertThat(counts.get("read").asLong()).isEqualTo(18 + 13 + 3 + 2 + 22 + 1);
        assertThat(counts.get("rejected").asLong()).isEqualTo(1 + 2 + 1);
        assertThat(counts.get("accepted").asLong()).isEqualTo(17 + 11 + 3 + 2 + 22);
        assertThat(counts.get("unattributed").asLong()).isEqualTo(2 + 2);
        assertThat(counts.get("error_rows").asLong()).isEqualTo(2 + 1);
        assertThat(counts.get("files").get("new").asLong()).isEqualTo(10 + 2);
        assertThat(tokens(report))
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        // OpenAI usage buckets (project) and LiteLLM (end user, cache read and write in prompt_tokens);
                        // LiteLLM daily adds acme's gpt-4o: 8,000 prompt - 2,000 cached = 6,000, 2,000 cached, 1,000
                        // out
                        Map.entry("acme|openai/gpt-4o|input", 12_000L + 6_000L),
                        Map.entry("acme|openai/gpt-4o|cache_read", 8_000L + 2_000L),
                        Map.entry("acme|openai/gpt-4o|output", 5_000L + 1_000L),
                        Map.entry("acme|openai/gpt-5.4|input", 19_000L),
                        Map.entry("acme|openai/gpt-5.4|cache_read", 10_000L),
                        Map.entry("acme|openai/gpt-5.4|output", 7_500L),
                        Map.entry("acme|anthropic/claude-sonnet-4-5|input", 2_000L),
                        Map.entry("acme|anthropic/claude-sonnet-4-5|cache_read", 4_000L),
                        Map.entry("acme|anthropic/claude-sonnet-4-5|cache_write_5m", 2_000L),
                        Map.entry("acme|anthropic/claude-sonnet-4-5|output", 1_200L),
                        Map.entry("globex|openai/gpt-4o-mini|input", 51_000L),
                        Map.entry("globex|openai/gpt-4o-mini|cache_read", 600L),
                        Map.entry("globex|openai/gpt-4o-mini|output", 10_300L),
                        // OpenRouter generations (external user)
                        Map.entry("hooli|openai/gpt-4.1|input", 400L),
                        Map.entry("hooli|openai/gpt-4.1|cache_read", 800L),
                        Map.entry("hooli|openai/gpt-4.1|output", 400L),
                        Map.entry("hooli|anthropic/claude-sonnet-4-5|input", 2_000L),
                        Map.entry("hooli|anthropic/claude-sonnet-4-5|cache_read", 1_000L),
                        Map.entry("hooli|anthropic/claude-sonnet-4-5|output", 900L),
                        // Anthropic usage report (workspace)
                        Map.entry("initech|anthropic/claude-sonnet-4-5|input", 10_000L),
                        Map.entry("initech|anthropic/claude-sonnet-4-5|cache_read", 20_000L),
                        Map.entry("initech|anthropic/claude-sonnet-4-5|cache_write_5m", 2_000L),
                        Map.entry("initech|anthropic/claude-sonnet-4-5|cache_write_1h", 1_000L),
                        Map.entry("initech|anthropic/claude-sonnet-4-5|output", 3_000L),
                        // plus LiteLLM daily (umbrella): 12,000 prompt - 3,000 read - 1,000 written = 8,000
                        Map.entry("umbrella|anthropic/claude-haiku-4-5|input", 45_000L + 8_000L),
                        Map.entry("umbrella|anthropic/claude-haiku-4-5|cache_read", 5_000L + 3_000L),
                        Map.entry("umbrella|anthropic/claude-haiku-4-5|cache_write_5m", 1_000L),
                        Map.entry("umbrella|anthropic/claude-haiku-4-5|output", 7_500L + 2_500L),
                        // Vercel AI Gateway report (user; cached tokens inside input_tokens)
                        Map.entry("umbrella|openai/gpt-4o|input", 2_000L),
                        Map.entry("umbrella|openai/gpt-4o|cache_read", 1_000L),
                        Map.entry("umbrella|openai/gpt-4o|output", 400L),
                        // Cloudflare AI Gateway (metadata customer_id; tokens_in as plain input)
                        Map.entry("piedpiper|openai/gpt-4o-mini|input", 1_200L),
                        Map.entry("piedpiper|openai/gpt-4o-mini|output", 300L),
                        Map.entry("piedpiper|google/gemini-2.5-flash|input", 4_000L),
                        Map.entry("piedpiper|google/gemini-2.5-flash|output", 500L),
                        // GCP billing (project, or the label customer): one SKU per token type; cached input and
                        // thinking output SKUs are their own rows (thinking: 6,000 of the 20,000 output)
                        Map.entry("acme|google/gemini-2.5-flash|input", 200_000L),
                        Map.entry("acme|google/gemini-2.5-flash|cache_read", 50_000L),
                        Map.entry("acme|google/gemini-2.5-flash|output", 6_000L + 14_000L),
                        Map.entry("acme|google/gemini-2.5-pro|input", 300_000L),
                        Map.entry("acme|google/gemini-2.5-pro|output", 4_000L),
                        Map.entry("globex|anthropic/claude-sonnet-4-6|input", 60_000L),
                        Map.entry("globex|anthropic/claude-sonnet-4-6|cache_read", 20_000L),
                        Map.entry("globex|anthropic/claude-sonnet-4-6|output", 9_000L),
                        Map.entry("hooli|google/gemini-2.5-flash|input", 15_000L),
                        Map.entry("hooli|google/gemini-2.5-flash|output", 3_000L)));
        List<String> rejects = Files.readAllLines(runFolder(execution).resolve("rejects.csv"));
        assertThat(rejects).hasSize(5);
        assertThat(String.join("\n", rejects))
                .contains(
                        "input_audio_tokens = 1000",
                        "SKU 'Gemini 2.5 Flash Text Input Cache Storage - Predictions' is not token usage",
                        "SKU 'Standard Storage US Multi-region' matches no pattern");
        // the OpenRouter activity names no customer: its usage is reported as unattributed
        assertThat(tokens(report, "unattributed"))
                .contains(
                        Map.entry("unattributed|openai/gpt-4.1|input", 3_000L),
                        Map.entry("unattributed|openai/gpt-4.1|output", 800L),
                        Map.entry("unattributed|anthropic/claude-sonnet-4-5|input", 5_000L),
                        Map.entry("unattributed|anthropic/claude-sonnet-4-5|output", 1_200L));
        // the Anthropic web searches are a unit of their result's row; the sample prices have no web
        // search price, nor one for the embedding model, so both are held back, not billed at zero
        assertThat(report.get("held"))
                .extracting(held -> held.get("model").asString() + " "
                        + held.get("token_type").asString() + " "
                        + held.get("tokens").asLong())
                .containsExactlyInAnyOrder(
                        "anthropic/claude-haiku-4-5 web_search_request 2",
                        "openai/text-embedding-3-small input 250000");
        // the Cloudflare log's tokens_in and the OpenRouter activity's prompt_tokens hold cache tokens unsplit: their
        // files' detail says so, and the summary counts them; no other file has such a note
        Map<String, String> notes = new LinkedHashMap<>();
        for (JsonNode file : report.get("files")) {
            notes.put(
                    file.get("format").asString(),
                    file.has("detail") ? file.get("detail").asString() : "");
        }
        assertThat(notes)
                .containsEntry(
                        "cloudflare-ai-gateway-logs",
                        "tokens_in cannot be split: cache reads and writes in it are recorded as plain input, at the"
                                + " input price")
                .containsEntry(
                        "openrouter-activity",
                        "prompt_tokens cannot be split: cache reads and writes in it are recorded as plain input, at"
                                + " the input price");
        assertThat(notes.values())
                .filteredOn(note -> note.contains("cannot be split"))
                .hasSize(2);
        assertThat(report.get("findings"))
                .as("a count that cannot be split is documented reading, not a lookalike column (hunt DH)")
                .noneMatch(finding -> finding.get("kind").asString().equals("LOOKALIKE_COLUMN_IGNORED"));
        assertThat(report.get("findings"))
                .extracting(finding -> finding.get("message").asString())
                .filteredOn(message -> message.startsWith("records on 2026-11-27 that name no customer key: "))
                .singleElement()
                .asString()
                .contains("billed to nobody. Give their source a customer key (README, \"Customer attribution\"), or"
                        + " export them with one; files read after that bill it. Files: ");
        assertThat(RunSummary.read(runFolder(execution)))
                .contains("files whose input count holds cache tokens it cannot split, billed as plain input: 2"
                        + " (report.json files' detail)");
    }

    @Test
    void aCloudflarePageOfNoLogsHasNoCountToSplitAndNoNote() throws Exception {
        // given a Cloudflare page of no logs, as the list-logs API answers for a quiet gateway
        Path folder = Files.createDirectories(WORK.resolve("cloudflare-quiet"));
        Files.writeString(
                folder.resolve("logs.json"),
                "{\"result\": [], \"result_info\": {\"page\": 1, \"per_page\": 50, \"count\": 0,"
                        + " \"total_count\": 0}, \"success\": true, \"errors\": [], \"messages\": []}\n");

        // when
        JobExecution execution = run("2026-11-28", "cloudflare=" + folder.toAbsolutePath());

        // then it is read, with no rows and no note that its tokens_in cannot be split (hunt DH: the summary
        // counted it among the files whose cache tokens were billed as plain input)
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(execution).get("files")).singleElement().satisfies(file -> {
            assertThat(file.get("format").asString()).isEqualTo("cloudflare-ai-gateway-logs");
            assertThat(file.get("status").asString()).isEqualTo("INGESTED");
            assertThat(file.has("detail")).isFalse();
        });
        assertThat(RunSummary.read(runFolder(execution))).doesNotContain("cannot split");
    }

    @Test
    void rowsOfACostSourceWhoseCustomerIsUnknownAreNotCountedAsUnattributedUsage() throws Exception {
        // given the OpenRouter activity sample (no customer key: both rows unattributed) read as a cost source,
        // its content made new with a trailing line break
        Path folder = Files.createDirectories(WORK.resolve("cost-source"));
        Files.writeString(
                folder.resolve("openrouter-activity.json"),
                Files.readString(Path.of("sample-data/providers/openrouter-activity-2026-11-27.json")) + "\n");

        // when
        JobExecution execution = run("2026-11-28", "openrouter:cost=" + folder.toAbsolutePath());

        // then the file counts its rows as unattributed, but the run does not: nobody would be billed for them,
        // and no UNATTRIBUTED_USAGE finding counts them
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report = report(execution);
        assertThat(report.get("files"))
                .singleElement()
                .satisfies(file -> assertThat(file.get("unattributed").asLong()).isEqualTo(2));
        assertThat(report.get("counts").get("unattributed").asLong()).isZero();
    }

    @Test
    void aLiteLlmRequestsAudioTokensAreRejectedApartFromItsTextAtItsLine() throws Exception {
        // given two LiteLLM requests of initech with audio in their OpenAI usage details: one of gpt-4o-mini (1,600
        // prompt tokens: 600 cached, 100 audio; 300 completion tokens: 50 audio), one of a model the sample prices
        // do not have (held)
        String[] sample = Files.readString(Path.of("sample-data/providers/litellm-spend-logs-2026-11-27.csv"))
                .split("\n");
        String audio = sample[2]
                .replace("2026-11-27", "2026-11-29")
                .replace(",globex,", ",initech,")
                .replace(
                        "\"\"cached_tokens\"\": 600}, \"\"completion_tokens_details\"\": {\"\"reasoning_tokens\"\": 0}",
                        "\"\"cached_tokens\"\": 600, \"\"audio_tokens\"\": 100}, \"\"completion_tokens_details\"\":"
                                + " {\"\"reasoning_tokens\"\": 0, \"\"audio_tokens\"\": 50}");
        String held = audio.replace("chatcmpl-1c8f7a2d", "chatcmpl-held")
                .replace(",gpt-4o-mini,3f9a2b,gpt-4o-mini,", ",gpt-4o-audio-preview,3f9a2c,gpt-4o-audio-preview,");
        Path folder = Files.createDirectories(WORK.resolve("litellm-audio"));
        Files.writeString(folder.resolve("spend-logs.csv"), sample[0] + "\n" + audio + "\n" + held + "\n");

        // when
        JobExecution execution = run("2026-11-29", "litellm-audio=" + folder.toAbsolutePath());

        // then the text tokens are billed (1,500 input: 900 plain, 600 cache reads; 250 output), and the audio part
        // is a record of its own, rejected at the request's line; the held request's reject says its part too
        JsonNode report = report(execution);
        assertThat(report.get("counts").get("read").asLong()).isEqualTo(3);
        assertThat(report.get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(report.get("counts").get("rejected").asLong()).isEqualTo(2);
        // (the totals cover the hours with held usage of the other tests too)
        assertThat(tokens(report).entrySet().stream()
                        .filter(total -> total.getKey().startsWith("initech|openai/"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "initech|openai/gpt-4o-mini|input", 900L,
                        "initech|openai/gpt-4o-mini|cache_read", 600L,
                        "initech|openai/gpt-4o-mini|output", 250L));
        List<String> rejects = Files.readAllLines(runFolder(execution).resolve("rejects.csv"));
        assertThat(rejects).hasSize(3);
        assertThat(rejects.get(1))
                .contains(",2,MALFORMED_ROW,\"audio or image tokens not billed: tokentally has no price for them yet"
                        + " (prompt_tokens_details.audio_tokens = 100, completion_tokens_details.audio_tokens"
                        + " = 50); the row's text tokens are its usage\",");
        assertThat(rejects.get(2))
                .contains(",3,NO_PRICE,")
                .contains("; audio or image tokens not billed: tokentally has no price for them yet");
    }

    private JsonNode report(JobExecution execution) {
        return RunReportListener.JSON.readTree(
                runFolder(execution).resolve("report.json").toFile());
    }

    /** A nightly run of the date over one input, with the sample customers, plans and prices. */
    private JobExecution run(String date, String input) throws Exception {
        return runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(input),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv")));
    }

    private Path runFolder(JobExecution execution) {
        return RunFolders.of(
                properties.runsDir(),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    /** customer|model|token type → tokens. */
    private static Map<String, Long> tokens(JsonNode report) {
        return tokens(report, "totals");
    }

    private static Map<String, Long> tokens(JsonNode report, String section) {
        Map<String, Long> tokens = new LinkedHashMap<>();
        for (JsonNode total : report.get(section)) {
            tokens.put(
                    total.get("customer_id").asString() + "|"
                            + total.get("model").asString() + "|"
                            + total.get("token_type").asString(),
                    total.get("tokens").asLong());
        }
        return tokens;
    }
}
