package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageFormats;
import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiCompletionsUsageFormatTests {

    static final String CURRENT = "openai-usage-completions-current-fields.json";
    static final String OLDER = "openai-usage-completions-older-fields.jsonl";

    final OpenAiCompletionsUsageFormat format = new OpenAiCompletionsUsageFormat(CustomerAttribution.none());

    @ParameterizedTest(name = "{0} #{1}: {3} {4}")
    @CsvSource({
        // fixture, row, bucket start,     customer,   model,                   input, cached, write, output, tier
        CURRENT + ", 0, 2026-11-27T00:00:00Z, proj_acme, gpt-5.4-2026-03-05, 12000, 4000, 1000, 3000, STANDARD",
        // text tokens only: 500 uncached audio input and 200 audio output tokens are left out
        CURRENT + ", 1, 2026-11-27T00:00:00Z, proj_beta, gpt-4o, 4500, 500, 0, 600, BATCH",
        // a partial current field set: uncached input given, cache writes unknown
        CURRENT + ", 2, 2026-11-27T02:00:00Z, proj_acme, gpt-5.4-2026-03-05, 9000, 3000, 0, 2000, PRIORITY",
        // older fields: input_tokens includes the cached tokens
        OLDER + ", 0, 2026-11-27T00:00:00Z, proj_beta, gpt-4o-mini-2024-07-18, 1000, 200, 0, 300, STANDARD",
        // input_cached_tokens null: unknown, so all input is uncached
        OLDER + ", 1, 2026-11-28T00:00:00Z, proj_unknown, gpt-4o-mini, 700, 0, 0, 90, STANDARD"
    })
    void mapsEachResultToTheUsageFormatsTokenConvention(
            String fixture,
            int index,
            Instant bucketStart,
            String customer,
            String model,
            long input,
            long cached,
            long cacheWrite,
            long output,
            ServiceTier tier) {
        // when
        UsageRow row = rows(format, fixture).get(index);

        // then
        assertThat(row.timestamp()).isEqualTo(bucketStart);
        assertThat(row.customerId()).isEqualTo(customer);
        assertThat(row.provider()).isEqualTo("openai");
        assertThat(row.model()).isEqualTo(model);
        assertThat(tokens(row)).containsExactly(input, cached, cacheWrite, 0L, output, 0L);
        assertThat(row.serviceTier()).isEqualTo(tier);
        assertThat(row.contextTier()).isEqualTo(ContextTier.STANDARD);
    }

    @Test
    void leavesCachedAudioAndImageTokensOutOfTheTextInputWhenOnlyTheTotalsAreGiven() {
        // given input_tokens of 10,000: 3,000 uncached text, 2,000 cached text, 1,500 cached image, 500 cached audio,
        // 1,000 uncached image and 2,000 cache writes; neither input_text_tokens nor input_uncached_tokens
        String page = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [{"object": "organization.usage.completions.result", "input_tokens": 10000,
                  "input_cached_tokens": 4000, "input_cached_image_tokens": 1500, "input_cached_audio_tokens": 500,
                  "input_image_tokens": 1000, "input_cache_write_tokens": 2000, "output_tokens": 300,
                  "num_model_requests": 1, "project_id": "proj_acme", "model": "gpt-4o", "batch": false}]}]}
                """;

        // then the text input is 3,000 + 2,000 + 2,000, of which 2,000 cached; the image and audio tokens are rejected
        assertThat(tokens(ProviderFixtures.rowsOf(format, page).get(0)))
                .containsExactly(7000L, 2000L, 2000L, 0L, 300L, 0L);
        assertThat(ProviderFixtures.rejectsOf(format, page))
                .singleElement()
                .asString()
                .contains(
                        "input_cached_audio_tokens = 500",
                        "input_image_tokens = 1000",
                        "input_cached_image_tokens = 1500");
    }

    @Test
    void takesTheInputNeitherCachedNorUncachedAsCacheWritesWhenTheirFieldIsAbsent() {
        // given input_tokens of 10,000: 3,000 cached and 5,000 uncached, so 2,000 cache writes, which
        // input_uncached_tokens excludes; a page from before input_cache_write_tokens was added
        String page = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [{"object": "organization.usage.completions.result", "input_tokens": 10000,
                  "input_cached_tokens": 3000, "input_uncached_tokens": 5000, "input_text_tokens": 5000,
                  "input_cached_text_tokens": 3000, "output_tokens": 1000, "output_text_tokens": 1000,
                  "num_model_requests": 1, "project_id": "proj_acme", "model": "gpt-4o"}]}]}
                """;

        // then the 2,000 are cache writes, not left out
        assertThat(tokens(ProviderFixtures.rowsOf(format, page).get(0)))
                .containsExactly(10000L, 3000L, 2000L, 0L, 1000L, 0L);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // cached and uncached over input_tokens: 1,100 input tokens were billed
                "'\"input_tokens\": 1000, \"input_cached_tokens\": 300, \"input_uncached_tokens\": 800,"
                        + " \"output_tokens\": 100' | 1100 tokens, more than its input_tokens of 1000",
                "'\"input_tokens\": 1000, \"input_text_tokens\": 1200, \"output_tokens\": 100'"
                        + " | 1200 tokens, more than its input_tokens of 1000",
                // text and uncached audio over it (whatever version counts the cached audio in input_audio_tokens)
                "'\"input_tokens\": 1000, \"input_text_tokens\": 900, \"input_audio_tokens\": 300,"
                        + " \"output_tokens\": 100' | 1200 tokens, more than its input_tokens of 1000",
                "'\"input_tokens\": 1000, \"output_tokens\": 100, \"output_text_tokens\": 150'"
                        + " | 150 tokens, more than its output_tokens of 100"
            })
    void rejectsAResultWhosePartsAddUpToMoreThanItsTotal(String counts, String problem) {
        // given
        String page = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [{"object": "organization.usage.completions.result", %s,
                  "num_model_requests": 1, "project_id": "proj_acme", "model": "gpt-4o"}]}]}
                """.formatted(counts);

        // when, then: not billed as the parts say
        assertThat(ProviderFixtures.rowsOf(format, page)).isEmpty();
        assertThat(ProviderFixtures.rejectsOf(format, page))
                .singleElement()
                .asString()
                .startsWith("MALFORMED_ROW: the result's counts contradict each other: its parts add up to " + problem);
    }

    @Test
    void readsAResultWhoseAudioCountHoldsItsCachedAudioAsOlderVersionsWrote() {
        // given 700 text tokens in 1,000, and audio counted with its cached part (300 of which 100 cached)
        String page = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [{"object": "organization.usage.completions.result", "input_tokens": 1000,
                  "input_text_tokens": 500, "input_cached_text_tokens": 200, "input_audio_tokens": 300,
                  "input_cached_audio_tokens": 100, "output_tokens": 100, "num_model_requests": 1,
                  "project_id": "proj_acme", "model": "gpt-4o"}]}]}
                """;

        // when, then: its text is billed, not refused as contradicting itself
        assertThat(tokens(ProviderFixtures.rowsOf(format, page).get(0))).containsExactly(700L, 200L, 0L, 0L, 100L, 0L);
    }

    @Test
    void claimsAPrettyPrintedPageWhoseFirstWeekOfBucketsHoldsNoUsage(@TempDir Path dir) throws IOException {
        // given 167 empty hourly buckets, written with line breaks, before the one with a result: past the 8 KiB
        StringBuilder buckets = new StringBuilder();
        for (int hour = 0; hour < 167; hour++) {
            long start = 1795137200L + 3600L * hour;
            buckets.append("    {\n      \"object\": \"bucket\",\n      \"start_time\": ")
                    .append(start)
                    .append(",\n      \"end_time\": ")
                    .append(start + 3600)
                    .append(",\n      \"results\": []\n    },\n");
        }
        String page = "{\n  \"object\": \"page\",\n  \"data\": [\n" + buckets
                + "    {\"object\": \"bucket\", \"start_time\": 1795737600, \"end_time\": 1795741200,\n"
                + "     \"results\": [{\"object\": \"organization.usage.completions.result\", \"input_tokens\": 100,"
                + " \"output_tokens\": 10, \"num_model_requests\": 1, \"model\": \"gpt-4o\"}]}\n  ],\n"
                + "  \"has_more\": false\n}\n";
        Path file = Files.writeString(dir.resolve("openai-week.json"), page);
        assertThat(page.indexOf("organization.usage.completions.result")).isGreaterThan(8 * 1024);

        // when
        Optional<UsageFormat> claimant = new UsageFormats(List.of(format)).detect(file);

        // then
        assertThat(claimant).containsSame(format);
        assertThat(tokens(ProviderFixtures.rowsOf(format, page).get(0))).containsExactly(100L, 0L, 0L, 0L, 10L, 0L);
    }

    @Test
    void readsAResultWhoseOnlyCurrentFieldsAreImageOnesByTheCurrentFields() {
        // given input_tokens of 10,000: 1,000 uncached image and 1,500 cached image tokens among them, 2,000 cached
        // text
        String page = """
                {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795741200,
                 "results": [{"object": "organization.usage.completions.result", "input_tokens": 10000,
                  "input_cached_tokens": 3500, "input_image_tokens": 1000, "input_cached_image_tokens": 1500,
                  "output_tokens": 300, "num_model_requests": 1, "project_id": "proj_acme", "model": "gpt-4o"}]}]}
                """;

        // then the text input is 7,500, of which 2,000 cached; the image tokens are rejected, not billed as text
        assertThat(tokens(ProviderFixtures.rowsOf(format, page).get(0)))
                .containsExactly(7500L, 2000L, 0L, 0L, 300L, 0L);
    }

    @Test
    void readsEveryResultOfEveryPageAndSkipsEmptyBuckets() {
        assertThat(rows(format, CURRENT)).hasSize(3);
        assertThat(rows(format, OLDER)).hasSize(2);
    }

    @Test
    void rejectsTheAudioTokensItCannotPriceWithTheirCounts() {
        assertThat(rejects(format, CURRENT))
                .singleElement()
                .asString()
                .startsWith("MALFORMED_ROW: audio or image tokens not billed")
                .contains("input_audio_tokens = 500", "output_audio_tokens = 200");
    }

    @Test
    void givesEachRecordItsOwnNumberAlsoTheAudioPartSplitFromAResult() {
        // a file's rejects are kept by number: the text part of a result may be rejected too (held, NO_PRICE)
        assertThat(ProviderFixtures.records(format, CURRENT))
                .extracting(RawRecord::lineNo)
                .doesNotHaveDuplicates()
                .isSorted();
    }

    @Test
    void rejectsAResultThatIsNotGroupedByModel() {
        assertThat(rejects(format, OLDER)).singleElement().asString().contains("group_by=model");
    }

    @Test
    void rejectsABucketStartingBeyondTheInstantsJavaKeepsAndReadsTheOthers() {
        // given the third bucket starting 10^17 seconds after 1970 (it failed the run at registration)
        String original = ProviderFixtures.text(CURRENT);
        String far = original.replaceFirst("\"start_time\": 1795744800", "\"start_time\": 100000000000000000");
        assertThat(far).isNotEqualTo(original);

        // when
        List<String> rejects = ProviderFixtures.rejectsOf(format, far);

        // then its one result is one more reject, and the other two are read
        List<String> expected = new java.util.ArrayList<>(ProviderFixtures.rejectsOf(format, original));
        expected.add("MALFORMED_ROW: start_time is not a time in Unix seconds: 100000000000000000");
        assertThat(rejects).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ProviderFixtures.rowsOf(format, far)).hasSize(2);
    }

    @Test
    void derivesTheSameRequestIdForTheSameBucketAndGroupingKeys() {
        // given the first bucket exported twice
        String id = rows(format, CURRENT).get(0).requestId();

        // when
        String again = rows(format, CURRENT).get(0).requestId();

        // then
        assertThat(again).isEqualTo(id);
        assertThat(id)
                .isEqualTo("openai-usage:2026-11-27T00:00:00Z/2026-11-27T01:00:00Z:proj_acme:-:key_acme_1"
                        + ":gpt-5.4-2026-03-05:false:default");
        assertThat(rows(format, CURRENT).stream().map(UsageRow::requestId).distinct())
                .hasSize(3);
    }

    @Test
    void attributesTheCustomerByTheConfiguredKeyAndMapping() {
        // given API keys name customers, and key_acme_1 belongs to acme
        CustomerAttribution attribution = new CustomerAttribution(
                Map.of("openai.api_key_id\u0000key_acme_1", "acme", "openai.project_id\u0000proj_beta", "beta"),
                Map.of("openai", List.of("api_key_id", "project_id")));
        OpenAiCompletionsUsageFormat mapped = new OpenAiCompletionsUsageFormat(attribution);

        // when
        List<String> customers =
                rows(mapped, CURRENT).stream().map(UsageRow::customerId).toList();

        // then the unmapped project proj_acme stays as written, to be reported as unattributed
        assertThat(customers).containsExactly("acme", "beta", "proj_acme");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"object\":\"page\",\"data\":[{\"object\":\"organization.usage.completions.result\"",
                "{\"object\":\"page\",\"has_more\":false,\"x\":\"organization.usage.completions.result\"}",
                "[]"
            })
    void failsAFileThatIsCutOffOrHasNoDataAsAWhole(String content) {
        assertThatThrownBy(() -> ProviderFixtures.recordsOf(format, content)).isInstanceOf(FileFormatException.class);
    }

    @Test
    void claimsPagesOfCompletionsUsageOnly() {
        assertThat(format.claims(ProviderFixtures.text(CURRENT))).isTrue();
        assertThat(format.claims(ProviderFixtures.text(OLDER))).isTrue();
        assertThat(format.claims("request_id,timestamp\n")).isFalse();
        assertThat(format.claims("{\"object\":\"page\",\"data\":[{\"results\":[{\"object\":"
                        + "\"organization.costs.result\"}]}]}"))
                .isFalse();
    }
}
