package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Aggregated exports are snapshots of their buckets (ADR 0012): the same export again changes nothing,
 * a corrected export replaces the numbers of the buckets it corrects, and only their aggregates change.
 * Run on H2 ({@link SnapshotReplacementJobTests}) and PostgreSQL ({@link SnapshotReplacementIntegrationTests}).
 */
abstract class SnapshotReplacementScenarios {

    static final String INITECH = "wrkspc_01Init3chQvzr7rXLA5A";
    static final String UMBRELLA = "wrkspc_01UmbR3llaGx3HKfFUJ";

    @Autowired
    BillingRuns runs;

    @Autowired
    TokentallyProperties properties;

    abstract Path workDir();

    @Test
    void aReExportChangesNothingAndACorrectedExportReplacesOnlyTheBucketsItCorrects() throws Exception {
        // given: an Anthropic usage report of one hour with two buckets, ingested
        Path input = Files.createDirectories(workDir().resolve("anthropic-" + System.nanoTime()));
        Files.writeString(input.resolve("usage-1.json"), report(1_000, 2_000, 500, ""));
        JobExecution first = run(input);
        assertThat(tokens(report(first)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "initech|anthropic/claude-sonnet-4-5|input", 1_000L,
                        "initech|anthropic/claude-sonnet-4-5|cache_read", 2_000L,
                        "initech|anthropic/claude-sonnet-4-5|output", 500L,
                        "umbrella|anthropic/claude-haiku-4-5|input", 4_000L,
                        "umbrella|anthropic/claude-haiku-4-5|output", 800L));

        // when: the same numbers exported again (another file: other bytes, same buckets)
        Files.writeString(input.resolve("usage-2.json"), report(1_000, 2_000, 500, " "));
        JsonNode again = report(run(input));

        // then: both buckets are unchanged (counted as duplicates) and no aggregate changes
        assertThat(again.get("counts").get("duplicates").asLong()).isEqualTo(2);
        assertThat(again.get("counts").get("aggregates_changed").asLong()).isZero();
        assertThat(again.get("snapshot_changes")).isEmpty();
        assertThat(tokens(again)).isEqualTo(tokens(report(first)));

        // when: a corrected export: initech's cache reads 2,000 -> 2,500 and output 500 -> 700
        Files.writeString(input.resolve("usage-3.json"), report(1_000, 2_500, 700, ""));
        JsonNode corrected = report(run(input));

        // then: the new numbers replace the old ones (not added: 2,500, not 4,500); umbrella's bucket is
        // unchanged, and only initech's cache_read and output aggregates of the hour change
        assertThat(tokens(corrected))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "initech|anthropic/claude-sonnet-4-5|input", 1_000L,
                        "initech|anthropic/claude-sonnet-4-5|cache_read", 2_500L,
                        "initech|anthropic/claude-sonnet-4-5|output", 700L,
                        "umbrella|anthropic/claude-haiku-4-5|input", 4_000L,
                        "umbrella|anthropic/claude-haiku-4-5|output", 800L));
        assertThat(corrected.get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(corrected.get("counts").get("duplicates").asLong()).isEqualTo(1);
        assertThat(corrected.get("counts").get("aggregates_changed").asLong()).isEqualTo(2);
        assertThat(corrected.get("counts").get("snapshot_buckets_replaced").asLong())
                .isEqualTo(1);
        JsonNode change = corrected.get("snapshot_changes").get(0);
        assertThat(change.get("customer_id").asString()).isEqualTo("initech");
        assertThat(change.get("model").asString()).isEqualTo("anthropic/claude-sonnet-4-5");
        assertThat(change.get("bucket").asString()).startsWith("anthropic-usage:2026-11-27T10:00:00Z/");
        assertThat(change.get("cache_read").get("old").asLong()).isEqualTo(2_000);
        assertThat(change.get("cache_read").get("new").asLong()).isEqualTo(2_500);
        assertThat(change.get("output").get("old").asLong()).isEqualTo(500);
        assertThat(change.get("output").get("new").asLong()).isEqualTo(700);
        assertThat(change.get("input").get("new").asLong()).isEqualTo(1_000);

        // when: a second correction takes initech's cache reads away (2,500 -> 0)
        Files.writeString(input.resolve("usage-4.json"), report(1_000, 0, 700, ""));
        JsonNode zeroed = report(run(input));

        // then: the stored cache_read aggregate is set to zero, not left at 2,500
        assertThat(tokens(zeroed)).containsEntry("initech|anthropic/claude-sonnet-4-5|cache_read", 0L);
        assertThat(tokens(zeroed)).containsEntry("initech|anthropic/claude-sonnet-4-5|output", 700L);
        assertThat(zeroed.get("counts").get("aggregates_changed").asLong()).isEqualTo(1);
    }

    /** One hour, two buckets: initech's (Sonnet 4.5) with the given counts, umbrella's (Haiku 4.5) fixed. */
    private static String report(long uncached, long cacheRead, long output, String padding) {
        return """
                {"data": [{"starting_at": "2026-11-27T10:00:00Z", "ending_at": "2026-11-27T11:00:00Z",%s
                  "results": [
                    {"uncached_input_tokens": %d, "cache_read_input_tokens": %d, "output_tokens": %d,
                     "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                     "workspace_id": "%s", "api_key_id": null, "model": "claude-sonnet-4-5-20250929",
                     "service_tier": "standard", "context_window": "0-200k"},
                    {"uncached_input_tokens": 4000, "cache_read_input_tokens": 0, "output_tokens": 800,
                     "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                     "workspace_id": "%s", "api_key_id": null, "model": "claude-haiku-4-5-20251001",
                     "service_tier": "standard", "context_window": "0-200k"}]}],
                 "has_more": false, "next_page": null}
                """.formatted(padding, uncached, cacheRead, output, INITECH, UMBRELLA);
    }

    private JobExecution run(Path input) throws Exception {
        JobExecution execution = runs.run(new BillingJobParameters(
                LocalDate.parse("2026-11-27"),
                0,
                List.of("anthropic=" + input.toAbsolutePath()),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv")));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    private JsonNode report(JobExecution execution) {
        return RunReportListener.JSON.readTree(
                RunFolders.of(properties.runsDir(), RunReportListener.JOB_NAME, "2026-11-27", execution.getId())
                        .resolve("report.json")
                        .toFile());
    }

    /** customer|model|token type → tokens. */
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
