package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.UsageFixtures;
import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Which copy of a repeated request id counts when two files of one source hold it with different
 * numbers: the copy in the file registered first (by path), and within a file the first line, whichever
 * partition finishes reading first.
 */
abstract class RequestOrderScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    private static final int FILLER_ROWS = 30_000;

    @Autowired
    BillingRuns runs;

    @Autowired
    TokentallyProperties properties;

    abstract Path workDir();

    @Test
    void theCopyInTheFileRegisteredFirstWinsHoweverThePartitionsAreScheduled() throws Exception {
        for (int attempt = 0; attempt < 4; attempt++) {
            // given: a.csv and b.csv share s1 and s2 with other numbers, and a.csv repeats s1 with a third;
            // one of them is much longer, so the other finishes reading first
            LocalDate day = LocalDate.of(2026, 10, 10).plusDays(attempt);
            boolean firstIsLong = attempt % 2 == 0;
            Path input = Files.createDirectories(
                    workDir().resolve("input-" + System.nanoTime()).resolve("order" + attempt));
            List<String> a = new ArrayList<>(List.of(
                    row("s1", day, "09", 1_000_000), row("s2", day, "10", 1_000_000), row("s1", day, "11", 5_000_000)));
            List<String> b = new ArrayList<>(List.of(row("s2", day, "10", 2_000_000), row("s1", day, "09", 2_000_000)));
            String[] filler = UsageFixtures.rows("fill" + attempt, day, FILLER_ROWS, attempt, "alice");
            (firstIsLong ? a : b).addAll(Arrays.asList(filler));
            UsageFixtures.write(input.resolve("a.csv"), a.toArray(String[]::new));
            UsageFixtures.write(input.resolve("b.csv"), b.toArray(String[]::new));

            // when
            JobExecution execution = run(day, input);

            // then: a.csv's s1 and s2, 1,000,000 input tokens each at 0.30 per 1M (growth bills gpt-4o-mini at
            // +50%), in the hours 09:00 and 10:00
            assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
            JsonNode report = report(execution);
            assertThat(bobsMiniInput(report))
                    .as("attempt %d, %s is the long file", attempt, firstIsLong ? "a.csv" : "b.csv")
                    .isEqualTo("2000000|0.6|0.9|" + day + "T09:00:00Z|" + day + "T10:00:00Z");
            assertThat(report.get("counts").get("duplicates").asLong()).isEqualTo(3);
            assertThat(duplicatesByFile(report)).containsExactly("a.csv=1", "b.csv=2");
        }
    }

    @Test
    void manyFilesSharingARequestIdOnTwoThreadsBillTheFirstFilesCopy() throws Exception {
        // given: five files that all hold s1 with other numbers; the earlier ones are the longer, so the later
        // ones finish reading first and wait their turn while the two threads are taken
        LocalDate day = LocalDate.of(2026, 10, 20);
        Path input = Files.createDirectories(
                workDir().resolve("input-" + System.nanoTime()).resolve("many"));
        for (int file = 0; file < 5; file++) {
            List<String> rows = new ArrayList<>(List.of(row("s1", day, "09", 1_000_000L * (file + 1))));
            rows.addAll(Arrays.asList(UsageFixtures.rows("many" + file, day, FILLER_ROWS / (file + 1), file, "alice")));
            UsageFixtures.write(input.resolve("part-" + file + ".csv"), rows.toArray(String[]::new));
        }

        // when
        JobExecution execution = run(day, input);

        // then: part-0.csv's copy, 1,000,000 tokens at 0.30 per 1M, billed +50%
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report = report(execution);
        assertThat(bobsMiniInput(report)).isEqualTo("1000000|0.3|0.45|" + day + "T09:00:00Z|" + day + "T09:00:00Z");
        assertThat(duplicatesByFile(report))
                .containsExactly("part-0.csv=0", "part-1.csv=1", "part-2.csv=1", "part-3.csv=1", "part-4.csv=1");
    }

    @Test
    void aRunOfTwentyInputsWithLongPathsStartsAndReadsThemAll() throws Exception {
        // given: twenty folders of 150-character names, each with one request of bob's; the run keeps its inputs as
        // one job parameter of about 6,500 characters, which Spring Batch's 2,500-character column refused
        LocalDate day = LocalDate.of(2026, 10, 25);
        Path root = Files.createDirectories(workDir().resolve("inputs-" + System.nanoTime()));
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path input = Files.createDirectories(root.resolve(String.format("%03d", i) + "-" + "f".repeat(146)));
            UsageFixtures.write(input.resolve("usage.csv"), row("many-" + i, day, "09", 100_000));
            inputs.add("source-" + i + "=" + input.toAbsolutePath());
        }

        // when
        JobExecution execution = runs.run(new BillingJobParameters(
                day,
                0,
                inputs,
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));

        // then: 2,000,000 input tokens at 0.30 per 1M, billed +50%
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(execution.getJobParameters().getString(BillingJobParameters.INPUT))
                .hasSizeGreaterThan(2_500);
        assertThat(bobsMiniInput(report(execution)))
                .isEqualTo("2000000|0.6|0.9|" + day + "T09:00:00Z|" + day + "T09:00:00Z");
    }

    private static String row(String requestId, LocalDate day, String hour, long input) {
        return requestId + "," + day + "T" + hour + ":00:00Z,bob,openai,gpt-4o-mini," + input + ",0,0,0,0,0,,ok";
    }

    private static String bobsMiniInput(JsonNode report) {
        for (JsonNode total : report.get("totals")) {
            if (total.get("customer_id").asString().equals("bob")
                    && total.get("model").asString().equals("openai/gpt-4o-mini")
                    && total.get("token_type").asString().equals("input")) {
                return total.get("tokens").asLong() + "|"
                        + total.get("cost_usd").asString() + "|"
                        + total.get("billed_usd").asString() + "|"
                        + total.get("first_hour").asString() + "|"
                        + total.get("last_hour").asString();
            }
        }
        return "none";
    }

    private static List<String> duplicatesByFile(JsonNode report) {
        List<String> files = new ArrayList<>();
        for (JsonNode file : report.get("files")) {
            files.add(Path.of(file.get("path").asString()).getFileName() + "="
                    + file.get("duplicates").asLong());
        }
        return files.stream().sorted().toList();
    }

    /** The day on one input folder, named after the folder, with the job fixtures' customers, plans and prices. */
    JobExecution run(LocalDate day, Path input) throws Exception {
        return RemotePartitionsTesting.runDay(runs, day, input);
    }

    private JsonNode report(JobExecution execution) {
        return RunReportListener.JSON.readTree(RunFolders.of(
                        properties.runsDir(),
                        RunReportListener.JOB_NAME,
                        execution.getJobParameters().getString(BillingJobParameters.DATE),
                        execution.getId())
                .resolve("report.json")
                .toFile());
    }
}
