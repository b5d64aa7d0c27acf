package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.UsageFixtures;
import io.tokentally.normalize.NormalizeStepConfiguration;
import io.tokentally.rating.RatingStepConfiguration;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BatchTimes;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StepLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The nightly job end to end, on whichever database the subclass configures. Each scenario uses its
 * own day and source, so scenarios share one database without seeing each other's usage.
 */
abstract class NightlyBillingJobScenarios {

    static final String HEADER = UsageFixtures.HEADER;
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");

    @Autowired
    FindingRepository findings;

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    TokentallyProperties properties;

    @Autowired
    StepLock rateStepLock;

    @Autowired
    StepLock priceCatalogLock;

    @Autowired
    StepLock outboxStepLock;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    Clock clock;

    abstract Path workDir();

    @Test
    void ratesADayOfUsageWithCacheLongContextBatchAndMarkups() throws Exception {
        // given
        Path input = folder("rates");
        write(
                input.resolve("gateway.csv"),
                "r1,2026-10-01T08:15:00Z,alice,openai,gpt-4o-2024-08-06,1000,400,0,0,500,100,,ok",
                "r2,2026-10-01T09:00:00+01:00,bob,anthropic,claude-sonnet-4-5-20250929,250000,50000,10000,5000,2000,0,,ok",
                "r3,2026-10-01T08:45:00Z,alice,openai,openai/gpt-4o,2000,0,0,0,1000,0,batch,ok",
                "r4,2026-10-01T10:00:00Z,carol,openai,gpt-4o,100,0,0,0,10,0,,ok",
                "r1,2026-10-01T08:15:00Z,alice,openai,gpt-4o-2024-08-06,1000,400,0,0,500,100,,ok",
                "r6,2026-10-01T11:00:00Z,alice,openai,gpt-4o,100,0,0,0,10,0,,error",
                "r7,2026-10-01T11:30:00Z,alice,openai,gpt-4o,-100,0,0,0,10,0,,ok",
                "r8,2026-10-01T12:00:00Z,carol,openai,gpt-4o,100,0,0,0,10,0,,error");

        // when
        JobExecution execution = run("2026-10-01", input);

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report = report(execution);
        JsonNode counts = report.get("counts");
        assertThat(counts.get("read").asLong()).isEqualTo(8);
        assertThat(counts.get("accepted").asLong()).isEqualTo(6);
        assertThat(report.get("stripe").get("upload_step_completed").asBoolean())
                .isTrue();
        assertThat(counts.get("rejected").asLong()).isEqualTo(1);
        assertThat(counts.get("duplicates").asLong()).isEqualTo(1);
        // carol's billable request, as the UNATTRIBUTED_USAGE finding counts it; her error row is an error row
        assertThat(counts.get("unattributed").asLong()).isEqualTo(1);
        assertThat(counts.get("error_rows").asLong()).isEqualTo(2);
        // alice, payg 30%: input 600 + batch 2000; cost 600 x 2.5 / 1e6 + 2000 x 1.25 / 1e6 = 0.0015 + 0.0025
        // bob, growth with anthropic at 25%; the request passes 200k prompt tokens, so all of it is long-context
        assertThat(totals(report))
                .containsExactly(
                        Map.entry("alice|openai/gpt-4o|cache_read", "400|0.0005|0.00065"),
                        Map.entry("alice|openai/gpt-4o|input", "2600|0.004|0.0052"),
                        Map.entry("alice|openai/gpt-4o|output", "1500|0.01|0.013"),
                        Map.entry("bob|anthropic/claude-sonnet-4-5|cache_read", "50000|0.03|0.0375"),
                        Map.entry("bob|anthropic/claude-sonnet-4-5|cache_write_1h", "5000|0.06|0.075"),
                        Map.entry("bob|anthropic/claude-sonnet-4-5|cache_write_5m", "10000|0.075|0.09375"),
                        Map.entry("bob|anthropic/claude-sonnet-4-5|input", "185000|1.11|1.3875"),
                        Map.entry("bob|anthropic/claude-sonnet-4-5|output", "2000|0.045|0.05625"));
        assertThat(report.get("unattributed").get(0).get("customer_id").asString())
                .isEqualTo("carol");
        assertThat(report.get("unattributed").get(0).get("billed_usd").asString())
                .isEqualTo("0");
        // carol is in no customers file: 100 + 10 tokens, cost 100 x 2.5 / 1e6 + 10 x 10 / 1e6 = 0.00035, a finding
        assertThat(findings.list(null))
                .filteredOn(finding -> finding.key().equals("unattributed-usage:carol:2026-10-01"))
                .singleElement()
                .satisfies(finding -> assertThat(finding.message())
                        .startsWith("customer id 'carol' on 2026-10-01 is in no customers file: 110 tokens in 1"
                                + " request, provider cost 0.00035 USD at list price, billed to nobody.")
                        .contains("gateway.csv"));
        List<String> rejects = Files.readAllLines(runFolder(execution).resolve("rejects.csv"));
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(1)).contains("gateway.csv,8,NEGATIVE_NUMBER,");
        assertThat(rejects.get(1)).endsWith("r7,2026-10-01T11:30:00Z,alice,openai,gpt-4o,-100,0,0,0,10,0,,ok\"");
    }

    @Test
    void rerunWithoutNewDataChangesNothing() throws Exception {
        // given
        Path input = folder("rerun");
        write(input.resolve("gateway.csv"), rows("rerun", LocalDate.of(2026, 10, 2), 300, 7));
        JobExecution first = run("2026-10-02", input);
        List<String> before = aggregates("2026-10-02");

        // when
        JobExecution second = run("2026-10-02", input);

        // then
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getJobInstance().getInstanceId())
                .isNotEqualTo(first.getJobInstance().getInstanceId());
        JsonNode report = report(second);
        assertThat(report.get("counts").get("read").asLong()).isZero();
        assertThat(report.get("counts").get("aggregates_changed").asLong()).isZero();
        assertThat(report.get("counts").get("files").get("already_ingested").asLong())
                .isEqualTo(1);
        assertThat(aggregates("2026-10-02")).isEqualTo(before);
        assertThat(totals(report)).isEqualTo(totals(report(first)));
    }

    @Test
    void lateFileChangesOnlyTheHoursItTouches() throws Exception {
        // given
        Path input = folder("late");
        write(
                input.resolve("early.csv"),
                "l1,2026-10-03T01:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok",
                "l2,2026-10-03T05:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok",
                "l3,2026-10-03T05:20:00Z,bob,openai,gpt-4o,1000,0,0,0,100,0,,ok");
        run("2026-10-03", input);
        Map<String, Long> revisionsBefore = revisions("2026-10-03");

        // when
        write(
                input.resolve("late.csv"),
                "l2,2026-10-03T05:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok",
                "l4,2026-10-03T05:40:00Z,alice,openai,gpt-4o,500,0,0,0,50,0,,ok");
        JobExecution rerun = run("2026-10-03", input);

        // then
        JsonNode report = report(rerun);
        assertThat(report.get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(report.get("counts").get("duplicates").asLong()).isEqualTo(1);
        Map<String, Long> revisionsAfter = revisions("2026-10-03");
        assertThat(revisionsAfter)
                .containsEntry("01|alice|input", 1L)
                .containsEntry("01|alice|output", 1L)
                .containsEntry("05|alice|input", 2L)
                .containsEntry("05|alice|output", 2L)
                .containsEntry("05|bob|input", 1L)
                .containsEntry("05|bob|output", 1L)
                .hasSize(revisionsBefore.size());
        // alice: 2500 input tokens x 2.5 / 1e6 = 0.00625, x 1.3 = 0.008125
        assertThat(totals(report)).containsEntry("alice|openai/gpt-4o|input", "2500|0.00625|0.008125");
    }

    @Test
    void aLateFileRepeatingARequestWithOtherNumbersBillsTheFirstCopyAndRaisesAFinding() throws Exception {
        // given: c1 billed with 1,000 input tokens
        Path input = folder("conflict");
        write(input.resolve("early.csv"), "c1,2026-10-21T03:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok");
        run("2026-10-21", input);

        // when: a late file repeats c1 with 1,500 on line 2, and c2 as a plain retry on lines 3 and 4
        write(
                input.resolve("late.csv"),
                "c1,2026-10-21T03:10:00Z,alice,openai,gpt-4o,1500,0,0,0,100,0,,ok",
                "c2,2026-10-21T04:10:00Z,alice,openai,gpt-4o,500,0,0,0,50,0,,ok",
                "c2,2026-10-21T04:10:00Z,alice,openai,gpt-4o,500,0,0,0,50,0,,ok");
        JobExecution rerun = run("2026-10-21", input);

        // then: both repeats are duplicates; only c1's conflicts, and the first copy is what is billed
        JsonNode report = report(rerun);
        assertThat(report.get("counts").get("duplicates").asLong()).isEqualTo(2);
        assertThat(totals(report)).containsEntry("alice|openai/gpt-4o|input", "1500|0.00375|0.004875");
        assertThat(findings.list(null))
                .filteredOn(finding -> finding.kind().equals("CONFLICTING_DUPLICATE")
                        && finding.key().endsWith(input.resolve("late.csv").toString()))
                .singleElement()
                .satisfies(finding -> assertThat(finding.message())
                        .startsWith("1 row(s) of " + input.resolve("late.csv") + " repeat a request id")
                        .endsWith("Lines: 2 (c1)"));
    }

    @Test
    void aChangedFileListsOnlyItsNewBadRowsNotThoseTheVersionBeforeHad() throws Exception {
        // given: a log file with a bad row (line 3, a negative count), ingested
        Path input = folder("changing");
        String good1 = "g1,2026-10-24T01:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok";
        String bad1 = "b1,2026-10-24T01:20:00Z,alice,openai,gpt-4o,-5,0,0,0,100,0,,ok";
        write(input.resolve("gateway.log.csv"), good1, bad1);
        JobExecution firstRun = run("2026-10-24", input);

        // when: the file gets a row above its old ones, a second copy of the bad row, a good and a new bad row;
        // later one more good row, while another file holds the old bad row's text
        String good0 = "g0,2026-10-24T00:50:00Z,alice,openai,gpt-4o,300,0,0,0,30,0,,ok";
        String good2 = "g2,2026-10-24T02:10:00Z,alice,openai,gpt-4o,500,0,0,0,50,0,,ok";
        String bad2 = "b2,2026-10-24T02:20:00Z,alice,openai,gpt-4o,x,0,0,0,50,0,,ok";
        write(input.resolve("gateway.log.csv"), good0, good1, bad1, bad1, good2, bad2);
        JobExecution secondRun = run("2026-10-24", input);
        String good3 = "g3,2026-10-24T03:10:00Z,alice,openai,gpt-4o,200,0,0,0,20,0,,ok";
        write(input.resolve("gateway.log.csv"), good0, good1, bad1, bad1, good2, bad2, good3);
        write(input.resolve("other.csv"), bad1);
        JobExecution thirdRun = run("2026-10-24", input);

        // then: each bad line is rejected by the run that first reads it in its file; its repeats are duplicates
        assertThat(rejectedLines(firstRun)).containsExactly("gateway.log.csv:3,NEGATIVE_NUMBER");
        assertThat(rejectedLines(secondRun))
                .containsExactly("gateway.log.csv:5,NEGATIVE_NUMBER", "gateway.log.csv:7,INVALID_NUMBER");
        assertThat(rejectedLines(thirdRun)).containsExactly("other.csv:2,NEGATIVE_NUMBER");
        assertThat(counts(secondRun)).isEqualTo("read 6, accepted 2, rejected 2, duplicates 2");
        assertThat(counts(thirdRun)).isEqualTo("read 8, accepted 1, rejected 1, duplicates 6");
        // alice: 2000 input tokens x 2.5 / 1e6 = 0.005, x 1.3 = 0.0065
        assertThat(totals(report(thirdRun))).containsEntry("alice|openai/gpt-4o|input", "2000|0.005|0.0065");
    }

    @Test
    void aCopySkippedAsAlreadyIngestedThatGrowsIsAChangedFileWhoseOldBadRowsAreNotListedAgain() throws Exception {
        // given: a log with a bad row, ingested, then rotated: its copy under a numbered name is skipped
        Path input = folder("rotating");
        String good1 = "r1,2026-03-24T01:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok";
        String bad1 = "r2,2026-03-24T01:20:00Z,alice,openai,gpt-4o,-5,0,0,0,100,0,,ok";
        write(input.resolve("gateway.csv"), good1, bad1);
        run("2026-03-24", input);
        Files.move(input.resolve("gateway.csv"), input.resolve("gateway.1.csv"));
        JobExecution rotated = run("2026-03-24", input);

        // when: the numbered copy gets a row more (the gateway wrote late to it)
        String good2 = "r3,2026-03-24T01:30:00Z,alice,openai,gpt-4o,500,0,0,0,50,0,,ok";
        write(input.resolve("gateway.1.csv"), good1, bad1, good2);
        JobExecution grown = run("2026-03-24", input);

        // then: it is changed from the content skipped there, whose bad row is a repeat, not a new reject
        assertThat(report(rotated).get("files"))
                .extracting(file -> file.get("outcome").asString())
                .containsExactly("ALREADY_INGESTED");
        assertThat(report(grown).get("files"))
                .extracting(file -> file.get("outcome").asString())
                .containsExactly("CHANGED");
        assertThat(rejectedLines(grown)).isEmpty();
        assertThat(counts(grown)).isEqualTo("read 3, accepted 1, rejected 0, duplicates 2");
    }

    @Test
    void theRestOfALastRowCutWhileItsFileWasWrittenDoesNotCountAgainThoughItsRequestIdWasCut() throws Exception {
        // given: a log read while it was being written, its last row cut inside the request id, the last column
        Path input = folder("being-written");
        Path log = input.resolve("gateway.csv");
        Files.writeString(
                log,
                "timestamp,customer_id,provider,model,input_tokens,output_tokens,request_id\n"
                        + "2026-10-25T21:00:00Z,alice,openai,gpt-4o,100,10,cut-0001\n"
                        + "2026-10-25T21:00:00Z,alice,openai,gpt-4o,100,10,cut-00");
        JobExecution cut = run("2026-10-25", input);

        // when: the writer ends the row and adds one more
        Files.writeString(
                log, "02\n2026-10-25T21:05:00Z,alice,openai,gpt-4o,100,10,cut-0003\n", StandardOpenOption.APPEND);
        JobExecution completed = run("2026-10-25", input);

        // then: the cut row counted as it stood; its rest is rejected as such, not counted as request cut-0002 (hunt
        // DJ: billed twice); alice's 300 input tokens x 2.5 / 1e6 = 0.00075, x 1.3 = 0.000975
        assertThat(counts(cut)).isEqualTo("read 2, accepted 2, rejected 0, duplicates 0");
        assertThat(rejectedLines(completed)).containsExactly("gateway.csv:3,COMPLETES_CUT_ROW");
        assertThat(counts(completed)).isEqualTo("read 3, accepted 1, rejected 1, duplicates 1");
        assertThat(totals(report(completed))).containsEntry("alice|openai/gpt-4o|input", "300|0.00075|0.000975");
        assertThat(Files.readString(runFolder(completed).resolve("rejects.csv")))
                .contains("completes the last row of the version this file changed from (file ")
                .contains(", line 3: 2026-10-25T21:00:00Z,alice,openai,gpt-4o,100,10,cut-00), which had no line end");

        // and: a copy of the whole log (saved with CRLF, as a second sink writes it) holds only duplicates; the
        // completed row's request, cut-0002, kept counted (review 84: it was billed again by a copy)
        Files.writeString(
                input.resolve("gateway-copy.csv"), Files.readString(log).replace("\n", "\r\n"));
        JobExecution copied = run("2026-10-25", input);
        assertThat(counts(copied)).isEqualTo("read 3, accepted 0, rejected 0, duplicates 3");
        assertThat(totals(report(copied))).containsEntry("alice|openai/gpt-4o|input", "300|0.00075|0.000975");

        // and: a version that only ends its last line repeats that row, a duplicate as any other
        Files.writeString(log, "2026-10-25T21:06:00Z,alice,openai,gpt-4o,100,10,cut-0004", StandardOpenOption.APPEND);
        run("2026-10-25", input);
        Files.writeString(log, "\n", StandardOpenOption.APPEND);
        JobExecution ended = run("2026-10-25", input);
        assertThat(counts(ended)).isEqualTo("read 4, accepted 0, rejected 0, duplicates 4");
        assertThat(totals(report(ended))).containsEntry("alice|openai/gpt-4o|input", "400|0.001|0.0013");
    }

    @Test
    void aRowCutTwiceCountsOnceAndACutRowThatCountedNothingLeavesItsRestToCount() throws Exception {
        // given: a log read three times while written, its last row cut twice (hunt DM: the third read billed it
        // again); and a log whose cut row's id, r1, was another row's, a duplicate that counted nothing
        Path input = folder("cut-twice");
        Path twice = input.resolve("twice.csv");
        Path sameId = input.resolve("same-id.csv");
        String header = "timestamp,customer_id,provider,model,input_tokens,output_tokens,request_id\n";
        Files.writeString(
                twice,
                header + "2026-10-11T10:00:00Z,alice,openai,gpt-4o,1000,100,t1\n"
                        + "2026-10-11T10:05:00Z,alice,openai,gpt-4o,2000,200,t2a");
        Files.writeString(
                sameId,
                header + "2026-10-11T11:00:00Z,alice,openai,gpt-4o,1000,100,r1\n"
                        + "2026-10-11T11:05:00Z,alice,openai,gpt-4o,2000,200,r1");
        run("2026-10-11", input);
        Files.writeString(twice, "b", StandardOpenOption.APPEND);
        Files.writeString(sameId, "0\n", StandardOpenOption.APPEND);
        JobExecution second = run("2026-10-11", input);

        // when
        Files.writeString(twice, "c\n", StandardOpenOption.APPEND);
        JobExecution third = run("2026-10-11", input);

        // then: t2's rest is rejected at both reads; r10 counts (hunt DM: it was rejected, and never billed)
        assertThat(rejectedLines(second)).containsExactly("twice.csv:3,COMPLETES_CUT_ROW");
        assertThat(rejectedLines(third)).containsExactly("twice.csv:3,COMPLETES_CUT_ROW");
        // alice: t1 1000 + t2 2000 + r1 1000 + r10 2000 = 6000 input tokens x 2.5 / 1e6 = 0.015, x 1.3 = 0.0195
        assertThat(totals(report(third))).containsEntry("alice|openai/gpt-4o|input", "6000|0.015|0.0195");
    }

    @Test
    void theRestOfALastRowCutInAGzipLogWrittenOnAsAMemberMoreDoesNotCountAgain() throws Exception {
        // given: a gzipped log read while written: one whole member, whose text ends inside its last row
        Path input = folder("gzip-cut");
        Path log = input.resolve("gateway.csv.gz");
        Files.write(
                log,
                gzipMember("timestamp,customer_id,provider,model,input_tokens,output_tokens,request_id\n"
                        + "2026-10-12T10:00:00Z,alice,openai,gpt-4o,1000,100,g1\n"
                        + "2026-10-12T10:05:00Z,alice,openai,gpt-4o,2000,200,g2a"));
        run("2026-10-12", input);

        // when: the writer adds a member with the rest of the row and one more (as cat a.gz b.gz writes one)
        Files.write(
                log,
                gzipMember("bc\n2026-10-12T10:10:00Z,alice,openai,gpt-4o,4000,400,g3\n"),
                StandardOpenOption.APPEND);
        JobExecution completed = run("2026-10-12", input);

        // then (hunt DM: g2 was billed twice): 1000 + 2000 + 4000 input tokens x 2.5 / 1e6 = 0.0175, x 1.3 = 0.02275
        assertThat(rejectedLines(completed)).containsExactly("gateway.csv.gz:3,COMPLETES_CUT_ROW");
        assertThat(totals(report(completed))).containsEntry("alice|openai/gpt-4o|input", "7000|0.0175|0.02275");
    }

    private static byte[] gzipMember(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private List<String> rejectedLines(JobExecution execution) throws IOException {
        return Files.readAllLines(runFolder(execution).resolve("rejects.csv")).stream()
                .skip(1)
                .map(line -> line.split(",", -1))
                .map(fields -> Path.of(fields[0]).getFileName() + ":" + fields[1] + "," + fields[2])
                .toList();
    }

    private String counts(JobExecution execution) {
        JsonNode counts = report(execution).get("counts");
        return "read " + counts.get("read").asLong() + ", accepted "
                + counts.get("accepted").asLong()
                + ", rejected " + counts.get("rejected").asLong() + ", duplicates "
                + counts.get("duplicates").asLong();
    }

    @Test
    void aRequestWithoutTokensChangesNoAggregate() throws Exception {
        // given: an hour of alice's gpt-4o usage, rated
        Path input = folder("no-tokens");
        write(input.resolve("first.csv"), "n1,2026-10-19T07:10:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok");
        run("2026-10-19", input);
        Map<String, Long> revisionsBefore = revisions("2026-10-19");

        // when: a late file adds a request of the same hour without tokens
        write(input.resolve("late.csv"), "n2,2026-10-19T07:20:00Z,alice,openai,gpt-4o,0,0,0,0,0,0,,ok");
        JobExecution rerun = run("2026-10-19", input);

        // then: tokens, cost and billed amount are what they were: nothing changed that a bill shows
        JsonNode report = report(rerun);
        assertThat(report.get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(report.get("counts").get("aggregates_changed").asLong()).isZero();
        assertThat(revisions("2026-10-19")).isEqualTo(revisionsBefore);
        assertThat(jdbc.queryForObject(
                        "SELECT requests FROM rated_aggregate WHERE customer_id = 'alice' AND token_type = 'input'"
                                + " AND hour_start = ?",
                        Long.class,
                        io.tokentally.shared.SqlTime.utc(Instant.parse("2026-10-19T07:00:00Z"))))
                .isEqualTo(2);
    }

    @Test
    void aNulInARowRejectsItAsAnyUnreadableCharacterIsAndTheRunCompletes() throws Exception {
        // given: NULs in a customer id, a model and a count; PostgreSQL's text holds no NUL, and storing one failed
        // the run there, every night, until the file was edited
        Path input = folder("nul");
        write(
                input.resolve("gateway.csv"),
                "u1,2026-04-22T07:10:00Z,ali\u0000ce,openai,gpt-4o,1000,0,0,0,100,0,,ok",
                "u2,2026-04-22T07:11:00Z,alice,openai,gpt-4o\u0000,1000,0,0,0,100,0,,ok",
                "u3,2026-04-22T07:12:00Z,alice,openai,gpt-4o,10\u00000,0,0,0,100,0,,ok",
                "u4,2026-04-22T07:13:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok");

        // when
        JobExecution execution = run("2026-04-22", input);

        // then: three rejects, the NUL shown as U+FFFD, and the good row billed
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(counts(execution)).isEqualTo("read 4, accepted 1, rejected 3, duplicates 0");
        assertThat(rejectedLines(execution))
                .containsExactly(
                        "gateway.csv:2,INVALID_ENCODING",
                        "gateway.csv:3,INVALID_ENCODING",
                        "gateway.csv:4,INVALID_NUMBER");
        assertThat(Files.readString(runFolder(execution).resolve("rejects.csv")))
                .contains("ali\uFFFDce")
                .doesNotContain("\u0000");
        assertThat(totals(report(execution))).containsEntry("alice|openai/gpt-4o|input", "1000|0.0025|0.00325");
    }

    @Test
    void aColumnThatLooksLikeAFormatColumnTheHeaderLacksIsNamedInEachFileAndInOneWarningOfTheSource() throws Exception {
        // given: a header with cached_input_token (for cached_input_tokens) and a provider's
        // cache_creation_input_tokens (for cache_write_tokens), which the format ignores, and total_tokens
        Path input = folder("lookalike");
        Files.writeString(
                input.resolve("gateway.csv"),
                "request_id,timestamp,customer_id,provider,model,input_tokens,cached_input_token,"
                        + "cache_creation_input_tokens,output_tokens,total_tokens\n"
                        + "l1,2026-03-20T07:10:00Z,alice,openai,gpt-4o,1000,600,50,100,1100\n");
        Files.writeString( // the same columns in another order
                input.resolve("gateway-2.csv"),
                "request_id,timestamp,customer_id,provider,model,input_tokens,cache_creation_input_tokens,"
                        + "cached_input_token,output_tokens,total_tokens\n"
                        + "l2,2026-03-20T07:20:00Z,alice,openai,gpt-4o,1000,50,600,100,1100\n");

        // when the day runs, and runs again
        JobExecution first = run("2026-03-20", input);
        JobExecution rerun = run("2026-03-20", input);

        // then: the rows are read as if they had no cache counts; each file names both columns, and one warning of
        // the source does
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(totals(report(first))).containsOnlyKeys("alice|openai/gpt-4o|input", "alice|openai/gpt-4o|output");
        assertThat(report(first).get("files"))
                .extracting(file -> file.get("detail").asString())
                .containsExactly(
                        "ignored column(s) 'cache_creation_input_tokens' (like cache_write_tokens),"
                                + " 'cached_input_token' (like cached_input_tokens): not columns of the format,"
                                + " read as if the file had none of those values",
                        "ignored column(s) 'cache_creation_input_tokens' (like cache_write_tokens),"
                                + " 'cached_input_token' (like cached_input_tokens): not columns of the format,"
                                + " read as if the file had none of those values");
        assertThat(report(first).get("findings"))
                .filteredOn(finding -> finding.get("kind").asString().equals("LOOKALIKE_COLUMN_IGNORED"))
                .singleElement()
                .satisfies(finding ->
                        assertThat(finding.get("severity").asString()).isEqualTo("WARNING"))
                .satisfies(finding -> assertThat(finding.get("message").asString())
                        .startsWith("files of source lookalike, the last " + input.resolve("gateway.csv") + ","));
        assertThat(report(rerun).get("findings"))
                .noneMatch(finding -> finding.get("kind").asString().equals("LOOKALIKE_COLUMN_IGNORED"));
    }

    @Test
    void sameContentUnderAnotherNameIsIngestedOnce() throws Exception {
        // given
        Path input = folder("copies");
        String[] rows = rows("copies", LocalDate.of(2026, 10, 4), 50, 11);
        write(input.resolve("a.csv"), rows);
        write(input.resolve("b-copy.csv"), rows);
        Files.writeString(input.resolve("notes.txt"), "not usage\n");

        // when
        JobExecution execution = run("2026-10-04", input);

        // then
        JsonNode counts = report(execution).get("counts");
        assertThat(counts.get("read").asLong()).isEqualTo(50);
        assertThat(counts.get("duplicates").asLong()).isZero();
        assertThat(counts.get("files").get("already_ingested").asLong()).isEqualTo(1);
        assertThat(counts.get("files").get("status_unrecognized").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(u.requests) FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
                                + " WHERE f.source = 'copies'",
                        Long.class))
                .isEqualTo(50);
        // and the file no reader recognized is one finding; the next run skips it as seen before, not as ingested
        JsonNode again = report(run("2026-10-04", input)).get("counts").get("files");
        assertThat(again.get("already_ingested").asLong()).isEqualTo(2);
        assertThat(again.get("seen_before_unread").asLong()).isEqualTo(1);
        assertThat(findings.list(null))
                .filteredOn(finding -> finding.kind().equals("UNREAD_FILE"))
                .singleElement()
                .satisfies(finding -> assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING))
                .satisfies(finding -> assertThat(finding.message())
                        .startsWith(input.resolve("notes.txt") + " (source copies) was not read, unrecognized: no"
                                + " format reader recognizes its content (it starts with: not usage")
                        .endsWith(". Usage in it is neither billed nor rejected; convert it to a format the engine"
                                + " reads at the same path (read as a new file, which resolves this finding; under"
                                + " another name it is read, but this finding stays), or move it out of the input and"
                                + " resolve this finding by hand: `tokentally findings resolve " + finding.key()
                                + "`."));
    }

    @Test
    void usageIsRatedAtThePriceInForceAtItsOwnTime() throws Exception {
        // given: gpt-4o-mini input goes from 0.15 to 0.30 per 1M at 12:30
        Path input = folder("price-change");
        write(
                input.resolve("gateway.csv"),
                "p1,2026-10-05T12:10:00Z,bob,openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok",
                "p2,2026-10-05T12:40:00Z,bob,openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok");

        // when
        JobExecution execution = run("2026-10-05", input);

        // then: 0.15 + 0.30 = 0.45; growth has a 50% override for this model: 0.675
        assertThat(totals(report(execution))).containsEntry("bob|openai/gpt-4o-mini|input", "2000000|0.45|0.675");
        assertThat(jdbc.queryForList(
                        "SELECT usd_per_million FROM rated_aggregate WHERE customer_id = 'bob' AND model ="
                                + " 'openai/gpt-4o-mini' AND token_type = 'input' AND hour_start = ? ORDER BY price_epoch",
                        java.math.BigDecimal.class,
                        io.tokentally.shared.SqlTime.utc(Instant.parse("2026-10-05T12:00:00Z"))))
                .usingElementComparator(java.math.BigDecimal::compareTo)
                .containsExactly(new java.math.BigDecimal("0.15"), new java.math.BigDecimal("0.3"));
    }

    @Test
    void aLongContextCacheWriteWithoutItsOwnLongPriceFollowsTheInputRatio() throws Exception {
        // given: claude-sonnet-4 has a long input price (6, twice standard) but no long 1-hour write price
        Path input = folder("long-cache");
        write(
                input.resolve("gateway.csv"),
                "lc1,2026-10-08T09:00:00Z,bob,anthropic,claude-sonnet-4-20250514,250000,0,0,10000,0,0,,ok");

        // when
        JobExecution execution = run("2026-10-08", input);

        // then: 1h write 6 x 6 / 3 = 12 per 1M: 10,000 x 12 / 1e6 = 0.12, x 1.25 = 0.15
        assertThat(totals(report(execution)))
                .containsEntry("bob|anthropic/claude-sonnet-4|cache_write_1h", "10000|0.12|0.15")
                .containsEntry("bob|anthropic/claude-sonnet-4|input", "240000|1.44|1.8");
    }

    @Test
    void restartAfterAFailureInTheMiddleOfIngestEqualsACleanRun() throws Exception {
        // given: a log whose usage cannot be stored, as when the database goes away in the middle of ingest
        Path input = folder("restart");
        String[] rows = rows("restart", LocalDate.of(2026, 10, 6), 2_000, 3);
        write(input.resolve("gateway.csv"), rows);
        JobExecution failed = runWhileUsageCannotBeStored("2026-10-06", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failed.getStepExecutions())
                .filteredOn(step -> step.getStepName().equals("ingestStep"))
                .extracting(StepExecution::getStatus)
                .containsExactly(BatchStatus.FAILED);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
                                + " WHERE f.source = 'restart'",
                        Long.class))
                .as("a file that fails is never half-ingested")
                .isZero();
        assertThat(report(failed).get("stripe").has("requests_file"))
                .as("no requests file is named: the upload step never ran")
                .isFalse();
        assertThat(report(failed).get("stripe").get("upload_step_completed").asBoolean())
                .isFalse();

        // when: the database is back and the day is run again
        JobExecution restarted = run("2026-10-06", input);

        // then
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        Path clean = folder("clean");
        write(clean.resolve("gateway.csv"), shiftDays(rows("clean", LocalDate.of(2026, 10, 6), 2_000, 3), 1));
        JobExecution reference = run("2026-10-07", clean);
        JsonNode restartedReport = report(restarted);
        assertThat(restartedReport.get("counts").get("read").asLong()).isEqualTo(2_000);
        assertThat(restartedReport.get("stripe").get("requests_file").asString())
                .isEqualTo("stripe-requests.jsonl");
        assertThat(restartedReport.get("stripe").get("upload_step_completed").asBoolean())
                .isTrue();
        assertThat(restartedReport.get("counts").get("accepted").asLong())
                .isEqualTo(report(reference).get("counts").get("accepted").asLong());
        assertThat(totals(restartedReport)).isEqualTo(totals(report(reference)));
    }

    @Test
    void aDryRunSaysWhatALiveRunDoesFirstWithRowsAnEarlierLiveCallSentWithoutAnAnswer() throws Exception {
        // given a dry run's outbox, one of whose meter events a live call sent 25 hours ago and another an hour ago,
        // neither with an answer that settles it
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(3);
        Path input = folder("sent-before");
        write(input.resolve("gateway.csv"), rows("sent-before", day, 40, 11));
        run(day.toString(), input);
        List<String> identifiers = jdbc.queryForList(
                "SELECT identifier FROM outbox WHERE kind = 'METER_EVENT' AND window_start >= ? AND window_start < ?"
                        + " ORDER BY identifier",
                String.class,
                SqlTime.utc(day.atStartOfDay(ZoneOffset.UTC).toInstant()),
                SqlTime.utc(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        assertThat(identifiers).hasSizeGreaterThan(2);
        sentWithoutAnswer(identifiers.get(0), Duration.ofHours(25));
        sentWithoutAnswer(identifiers.get(1), Duration.ofHours(1));

        // when the day is run again without a key
        JobExecution rerun = run(day.toString(), input);

        // then the requests file writes each row as before, and says of the two what a live run does first
        Map<String, String> liveRuns = new LinkedHashMap<>();
        for (String line : Files.readAllLines(runFolder(rerun).resolve("stripe-requests.jsonl"))) {
            JsonNode request = RunReportListener.JSON.readTree(line);
            String identifier = request.get("form").path("identifier").asString();
            if (identifiers.contains(identifier)) {
                liveRuns.put(identifier, request.path("live_run").asString("none"));
            }
        }
        assertThat(liveRuns).hasSameSizeAs(identifiers);
        assertThat(liveRuns.get(identifiers.get(0)))
                .endsWith("a live run leaves it UPLOAD_UNCERTAIN for a person: Stripe no longer dedups it");
        assertThat(liveRuns.get(identifiers.get(1)))
                .endsWith("a live run resends it with the same idempotency key, which Stripe still dedups");
        assertThat(liveRuns.get(identifiers.get(2))).isEqualTo("none");
    }

    /** Leaves an outbox row as a live call that got no answer leaves it, the given time ago. */
    private void sentWithoutAnswer(String identifier, Duration ago) {
        jdbc.update(
                "UPDATE outbox SET state = 'IN_FLIGHT', in_flight_at = ? WHERE identifier = ?",
                SqlTime.utc(clock.instant().minus(ago)),
                identifier);
    }

    @Test
    void aRunKilledBeforeAFilePartitionsContextWasSavedResumesAndBillsTheFile() throws Exception {
        // given: a failed run whose file partition is left as a process killed between saving the partition's step
        // execution and saving its context leaves it: no file id (Spring Batch saves the two apart)
        Path input = folder("no-context");
        write(input.resolve("gateway.csv"), rows("no-context", LocalDate.of(2026, 10, 8), 300, 3));
        JobExecution failed = runWhileUsageCannotBeStored("2026-10-08", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        StepExecution partition = jobRepository.getJobExecution(failed.getId()).getStepExecutions().stream()
                .filter(step -> step.getStepName().startsWith(NormalizeStepConfiguration.INGEST_FILE_STEP + ":"))
                .findFirst()
                .orElseThrow();
        partition.setExecutionContext(new ExecutionContext());
        jobRepository.updateExecutionContext(partition);

        // when: the day is run again
        JobExecution resumed = run("2026-10-08", input);

        // then: the resumed partition reads its file, found by the partition's name, and bills it once
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(300);
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(u.requests) FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
                                + " WHERE f.source = 'no-context'",
                        Long.class))
                .isEqualTo(report(resumed).get("counts").get("accepted").asLong());
    }

    @Test
    void aLogRotatedBeforeAFailedRunResumesIsBilledAsReadAndItsRegisteredContentWhereverItIsFoundNext()
            throws Exception {
        // given: the run of 11 March failed in ingest, its log registered but unread
        Path input = folder("rotated");
        String[] registered = rows("rotated", LocalDate.of(2026, 3, 11), 500, 11);
        String[] rotatedIn = rows("rotated-new", LocalDate.of(2026, 3, 11), 50, 12);
        write(input.resolve("gateway.csv"), registered);
        JobExecution failed = runWhileUsageCannotBeStored("2026-03-11", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);

        // when: the log is rotated (moved to gateway.1.csv, new rows at its path), the run resumes, and the date
        // is run again
        Files.move(input.resolve("gateway.csv"), input.resolve("gateway.1.csv"));
        write(input.resolve("gateway.csv"), rotatedIn);
        JobExecution resumed = run("2026-03-11", input);
        JobExecution again = run("2026-03-11", input);

        // then: the resume bills the rows it read; the run after it, the registered content found under its new
        // name: together, what a clean run of both files bills
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(50);
        assertThat(report(again).get("counts").get("read").asLong()).isEqualTo(500);
        Path clean = folder("rotated-clean");
        write(clean.resolve("gateway.1.csv"), shiftDays(registered, 1));
        write(clean.resolve("gateway.csv"), shiftDays(rotatedIn, 1));
        JobExecution reference = run("2026-03-12", clean);
        assertThat(totals(report(again))).isEqualTo(totals(report(reference)));
    }

    @Test
    void aRunOfAnotherDateNamesTheFilesAnUnfinishedRunLeftUnreadAndTheirRunResolvesItOnceItReadsThem()
            throws Exception {
        // given: the run of 20 May failed in ingest, its log left unread; the log of the 21st beside it
        Path input = folder("unfinished");
        write(input.resolve("gateway-20.csv"), rows("unfinished-20", LocalDate.of(2026, 5, 20), 100, 3));
        JobExecution failed = runWhileUsageCannotBeStored("2026-05-20", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        write(input.resolve("gateway-21.csv"), rows("unfinished-21", LocalDate.of(2026, 5, 21), 100, 3));

        // when: the 21st runs
        JobExecution next = run("2026-05-21", input);

        // then: it bills its own log, and names the 20th's as left to the unfinished run, an error
        assertThat(next.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(next).get("counts").get("read").asLong()).isEqualTo(100);
        assertThat(report(next).get("counts").get("files").toString())
                .isEqualTo("{\"left_to_unfinished_run\":1,\"new\":1,\"status_ingested\":1}");
        assertThat(next.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        assertThat(fileOfUnfinishedRunFindings())
                .singleElement()
                .asString()
                .startsWith("OPEN ERROR ")
                .contains("gateway-20.csv is read by the run of 2026-05-20 that registered it (run "
                        + failed.getJobInstance().getInstanceId() + ", execution " + failed.getId() + ", FAILED)")
                .endsWith("Run 2026-05-20 again (or 'tokentally restart " + failed.getId()
                        + "'): it resumes where it stopped and bills the file.");

        // when: the 20th is run again
        JobExecution resumed = run("2026-05-20", input);

        // then: it reads its log and resolves the finding
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(100);
        assertThat(fileOfUnfinishedRunFindings()).singleElement().asString().startsWith("RESOLVED ");
        // by the run of the 20th (a restart of the failed one: the same run id), whose date the findings list shows
        long resolvedBy = jdbc.queryForObject(
                "SELECT resolved_by_run FROM finding WHERE kind = 'FILE_OF_UNFINISHED_RUN'", Long.class);
        assertThat(resolvedBy).isEqualTo(resumed.getJobInstance().getInstanceId());
        assertThat(findings.dateOfRun(resolvedBy)).contains("2026-05-20");
        assertThat(findings.dateOfRun(-1)).isEmpty();
    }

    @Test
    void aRunKilledAfterReadingItsFilesIsAnErrorOfEveryLaterRunUntilItsDayIsRunAgain() throws Exception {
        // given: the run of 23 May read its log and failed in its rate step, then marked the way a process killed in
        // that step leaves it: running, its rate step too, its process gone
        Path input = folder("killed");
        String[] log23 = rows("killed-23", LocalDate.of(2026, 5, 23), 100, 3);
        write(input.resolve("gateway-23.csv"), log23);
        JobExecution killed = runWhileRatingsCannotBeStored("2026-05-23", input);
        assertThat(killed.getStatus()).isEqualTo(BatchStatus.FAILED);
        markedRunningByAnEndedProcess(killed, RatingStepConfiguration.RATE_STEP);
        long killedRun = killed.getJobInstance().getInstanceId();
        write(input.resolve("gateway-24.csv"), rows("killed-24", LocalDate.of(2026, 5, 24), 100, 4));

        // when: the 24th runs
        JobExecution next = run("2026-05-24", input);

        // then: it bills its own log, and names the 23rd's run as unfinished, an error
        assertThat(next.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(next).get("counts").get("read").asLong()).isEqualTo(100);
        assertThat(next.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        assertThat(unfinishedRunFinding(killedRun))
                .startsWith("OPEN ERROR The run of 2026-05-23 (run " + killedRun + ", execution " + killed.getId()
                        + ") is marked STARTED, but the process of this host that ran it is gone")
                .endsWith("Run 2026-05-23 again (or 'tokentally restart " + killed.getId() + "'): it resumes where it"
                        + " stopped and bills the rest, and this finding is resolved. If the day is to stay as it is,"
                        + " acknowledge this finding.");
        assertThat(findingKeys(next)).contains(UnfinishedRunsListener.key(killedRun));

        // when: someone acknowledges the finding, and the 25th runs
        findings.setStatus(UnfinishedRunsListener.key(killedRun), "ACKNOWLEDGED");
        JobExecution afterAcknowledging = run("2026-05-25", input);

        // then: it exits 0, and its report and summary tell the finding it saw again as acknowledged, not open
        assertThat(afterAcknowledging.getExitStatus().getExitCode()).isEqualTo(ExitStatus.COMPLETED.getExitCode());
        assertThat(report(afterAcknowledging).get("findings"))
                .filteredOn(finding -> finding.get("kind").asString().equals("UNFINISHED_RUN"))
                .singleElement()
                .satisfies(
                        finding -> assertThat(finding.get("status").asString()).isEqualTo("ACKNOWLEDGED"));
        assertThat(RunSummary.format(report(afterAcknowledging)))
                .contains("findings: none open; acknowledged: 1 error (UNFINISHED_RUN 1);");

        // when: the 23rd's run is resumed and fails again, and the 26th runs
        JobExecution failedAgain = runWhileRatingsCannotBeStored("2026-05-23", input);
        assertThat(failedAgain.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failedAgain.getJobInstance().getInstanceId()).isEqualTo(killedRun);
        JobExecution afterFailingAgain = run("2026-05-26", input);

        // then: what was acknowledged was the earlier execution: the finding opens again, and the run exits 4
        assertThat(afterFailingAgain.getExitStatus().getExitCode())
                .isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        assertThat(unfinishedRunFinding(killedRun))
                .startsWith("OPEN ERROR The run of 2026-05-23 (run " + killedRun + ", execution " + failedAgain.getId()
                        + ") ended FAILED at ");

        // when: the 23rd is run again
        JobExecution resumed = run("2026-05-23", input);

        // then: it resumes the run, bills the day as a clean run does, and resolves the finding
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId()).isEqualTo(killedRun);
        assertThat(unfinishedRunFinding(killedRun)).startsWith("RESOLVED ");
        assertThat(jdbc.queryForObject(
                        "SELECT resolved_by_run FROM finding WHERE finding_key = ?",
                        Long.class,
                        UnfinishedRunsListener.key(killedRun)))
                .isEqualTo(killedRun);
        assertThat(findingKeys(resumed)).doesNotContain(UnfinishedRunsListener.key(killedRun));
        Path clean = folder("killed-clean");
        write(clean.resolve("gateway.csv"), shiftDays(log23, 10));
        assertThat(totals(report(resumed))).isEqualTo(totals(report(run("2026-06-02", clean))));

        // and: a later run does not name it again
        JobExecution later = run("2026-05-24", input);
        assertThat(findingKeys(later)).doesNotContain(UnfinishedRunsListener.key(killedRun));
        assertThat(unfinishedRunFinding(killedRun)).startsWith("RESOLVED ");
    }

    @Test
    void aRunHoldsItsLeaseInThisProcesssNameWhileItRunsAndGivesItBackWhenItEnds() throws Exception {
        // given: a run of 5 July kept in its rate step, whose turn another run holds
        Path input = folder("lease-held");
        write(input.resolve("gateway.csv"), "lh1,2026-07-05T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        ExecutorService running = Executors.newSingleThreadExecutor();
        try {
            Future<JobExecution> run;
            try (StepLock.Held turn = rateStepLock.hold("another run's rate step")) {
                run = running.submit(() -> run("2026-07-05", input));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (rateStepLock.waiting() == 0 && !run.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(run).as("the run waits for its rate step's turn").isNotDone();

                // then: while it runs, it holds its lease, in this process's name
                assertThat(leasesOf("2026-07-05"))
                        .containsExactly(RunOwnerListener.localHost() + " "
                                + ProcessHandle.current().pid());
            }

            // and: once it ends, the lease is given back
            assertThat(run.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(leasesOf("2026-07-05")).isEmpty();
        } finally {
            running.shutdownNow();
        }
    }

    /** The host and process id of each lease held for an execution of a date. */
    private List<String> leasesOf(String date) {
        return jdbc.queryForList(
                "SELECT l.host || ' ' || l.pid FROM run_lease l JOIN BATCH_JOB_EXECUTION_PARAMS p ON"
                        + " p.JOB_EXECUTION_ID = l.job_execution_id AND p.PARAMETER_NAME = 'date'"
                        + " WHERE p.PARAMETER_VALUE = ?",
                String.class,
                date);
    }

    @Test
    void anotherHostsRunIsLeftToItWhileItsLeaseIsRenewedAndResumedByTheNextRunOfItsDayOnceTheLeaseLapses()
            throws Exception {
        // given: the run of 3 July read its log and failed in its rate step, then marked the way a pod killed in that
        // step leaves it: running, its rate step too, its process on another host, its lease renewed just now
        Path input = folder("lease");
        String[] log3 = rows("lease-3", LocalDate.of(2026, 7, 3), 100, 3);
        write(input.resolve("gateway-3.csv"), log3);
        JobExecution killed = runWhileRatingsCannotBeStored("2026-07-03", input);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM run_lease WHERE job_execution_id = ?", Long.class, killed.getId()))
                .as("a run gives its lease back when it ends")
                .isZero();
        markedRunningByAnEndedProcess(killed, RatingStepConfiguration.RATE_STEP);
        owner(killed, "pod-3", 1);
        OffsetDateTime now = jdbc.queryForObject("SELECT CURRENT_TIMESTAMP", OffsetDateTime.class);
        jdbc.update(
                "INSERT INTO run_lease (job_execution_id, host, pid, renewed_at) VALUES (?, 'pod-3', 1, ?)",
                killed.getId(),
                now);
        long killedRun = killed.getJobInstance().getInstanceId();

        // when: the 3rd is run again, then it is refused as another process's run
        assertThatThrownBy(() -> run("2026-07-03", input))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is still marked STARTED (run by another process");

        // when: the lease was last renewed three minutes ago, and the 4th runs
        jdbc.update(
                "UPDATE run_lease SET renewed_at = ? WHERE job_execution_id = ?", now.minusMinutes(3), killed.getId());
        write(input.resolve("gateway-4.csv"), rows("lease-4", LocalDate.of(2026, 7, 4), 50, 4));
        JobExecution next = run("2026-07-04", input);

        // then: it names the 3rd's run as unfinished at once (not after an hour of silence), to be run again
        assertThat(unfinishedRunFinding(killedRun))
                .startsWith("OPEN ERROR The run of 2026-07-03 (run " + killedRun + ", execution " + killed.getId()
                        + ") is marked STARTED, but its process on pod-3 has not renewed its lease since "
                        + now.minusMinutes(3).toInstant() + ", over 2 minutes, so it is taken to be gone")
                .contains("Run 2026-07-03 again (or 'tokentally restart " + killed.getId() + "')");
        assertThat(next.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);

        // when: the 3rd is run again (a Job's retry, say)
        JobExecution resumed = run("2026-07-03", input);

        // then: it resumes the run and bills the day as a clean run does, leaving no lease behind
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(leasesOf("2026-07-03")).isEmpty();
        assertThat(resumed.getJobInstance().getInstanceId()).isEqualTo(killedRun);
        assertThat(unfinishedRunFinding(killedRun)).startsWith("RESOLVED ");
        Path clean = folder("lease-clean");
        write(clean.resolve("gateway.csv"), shiftDays(log3, 10));
        assertThat(totals(report(resumed))).isEqualTo(totals(report(run("2026-07-13", clean))));
    }

    @Test
    void aRunThatFailedAfterReadingItsFilesIsAnErrorOfLaterRunsAndOneStillRunningHereIsNot() throws Exception {
        // given: the run of 26 May failed in its rate step, and a run of 27 May marked running by this process
        Path input = folder("failed-after-ingest");
        write(input.resolve("gateway.csv"), rows("failed-after-ingest", LocalDate.of(2026, 5, 26), 50, 5));
        JobExecution failed = runWhileRatingsCannotBeStored("2026-05-26", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        Path other = folder("still-running-elsewhere");
        write(other.resolve("gateway.csv"), "sre1,2026-05-27T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        JobExecution running = run("2026-05-27", other);
        running.setStatus(BatchStatus.STARTED);
        jobRepository.update(running);
        owner(running, RunOwnerListener.localHost(), ProcessHandle.current().pid());
        // nothing of it changed for two hours: only its live owner keeps it from counting as killed
        Object twoHoursAgo = BatchTimes.now(clock).minusHours(2);
        jdbc.update(
                "UPDATE BATCH_JOB_EXECUTION SET LAST_UPDATED = ? WHERE JOB_EXECUTION_ID = ?",
                twoHoursAgo,
                running.getId());
        jdbc.update(
                "UPDATE BATCH_STEP_EXECUTION SET LAST_UPDATED = ? WHERE JOB_EXECUTION_ID = ?",
                twoHoursAgo,
                running.getId());

        // when: another date runs
        JobExecution next;
        try {
            Path input28 = folder("after-failed");
            write(input28.resolve("gateway.csv"), "af1,2026-05-28T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
            next = run("2026-05-28", input28);
        } finally {
            running.setStatus(BatchStatus.COMPLETED);
            jobRepository.update(running);
        }

        // then: it names the failed run, an error, and not the one still running
        assertThat(next.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        long failedRun = failed.getJobInstance().getInstanceId();
        assertThat(unfinishedRunFinding(failedRun))
                .startsWith("OPEN ERROR The run of 2026-05-26 (run " + failedRun + ", execution " + failed.getId()
                        + ") ended FAILED at ");
        assertThat(findingKeys(next))
                .contains(UnfinishedRunsListener.key(failedRun))
                .doesNotContain(
                        UnfinishedRunsListener.key(running.getJobInstance().getInstanceId()));

        // when: the failed run's date runs again, then it resolves its own finding
        assertThat(run("2026-05-26", input).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(unfinishedRunFinding(failedRun)).startsWith("RESOLVED ");
    }

    /** Marks an execution, and one of its steps, the way a process killed in that step leaves them. */
    private void markedRunningByAnEndedProcess(JobExecution execution, String step) throws Exception {
        execution.setStatus(BatchStatus.STARTED);
        execution.setEndTime(null);
        jobRepository.update(execution);
        StepExecution killedStep = execution.getStepExecutions().stream()
                .filter(candidate -> candidate.getStepName().equals(step))
                .findFirst()
                .orElseThrow();
        killedStep.setStatus(BatchStatus.STARTED);
        killedStep.setEndTime(null);
        jobRepository.update(killedStep);
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        owner(execution, RunOwnerListener.localHost(), ended.pid());
    }

    /** The status, severity and message of the finding of an unfinished run. */
    private String unfinishedRunFinding(long run) {
        return jdbc.queryForObject(
                "SELECT status || ' ' || severity || ' ' || message FROM finding WHERE finding_key = ?",
                String.class,
                UnfinishedRunsListener.key(run));
    }

    /** The keys of the findings a run's report lists. */
    private List<String> findingKeys(JobExecution execution) {
        List<String> keys = new ArrayList<>();
        report(execution)
                .get("findings")
                .forEach(finding -> keys.add(finding.get("key").asString()));
        return keys;
    }

    private List<String> fileOfUnfinishedRunFindings() {
        return jdbc.queryForList(
                "SELECT status || ' ' || severity || ' ' || message FROM finding WHERE kind = 'FILE_OF_UNFINISHED_RUN'",
                String.class);
    }

    @Test
    void aResumedRunNamesTheFilesAddedToItsFolderSinceItStartedAndTheRunsThatRegisterThemAllResolveIt()
            throws Exception {
        // given: a run that failed in ingest, and two files dropped into its folder before it is resumed
        Path input = folder("resumed");
        write(input.resolve("gateway.csv"), rows("resumed", LocalDate.of(2026, 10, 13), 200, 3));
        JobExecution failed = runWhileUsageCannotBeStored("2026-10-13", input);
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        Path late = input.resolve("late.csv");
        write(late, rows("resumed-late", LocalDate.of(2026, 10, 13), 50, 4));
        Path later = input.resolve("later.csv");
        write(later, rows("resumed-later", LocalDate.of(2026, 10, 13), 20, 5));

        // when
        JobExecution resumed = run("2026-10-13", input);

        // then: it reads the files it started with and says which it leaves to the next run
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(200);
        assertThat(report(resumed).get("findings"))
                .filteredOn(finding -> finding.get("kind").asString().equals("FILES_NOT_READ_BY_RESUMED_RUN"))
                .extracting(finding -> finding.get("message").asString())
                .containsExactly(
                        "2 file(s) were added to the input folders or S3 prefixes after this run registered its files,"
                                + " and this resumed run does not read them: " + late.toAbsolutePath() + ", "
                                + later.toAbsolutePath() + ". The next run of 2026-10-13 with these inputs registers"
                                + " them (and reads those whose content was not ingested before)");
        assertThat(filesNotReadByResumedRunFindings(resumed)).containsExactly("OPEN");

        // when: the next run finds only one of them, the other moved out of the folder for now
        Path aside = Files.move(later, input.resolveSibling("resumed-later-aside.csv"));
        JobExecution next = run("2026-10-13", input);

        // then: it reads that one, and the finding stays open for the other
        assertThat(report(next).get("counts").get("read").asLong()).isEqualTo(50);
        assertThat(report(next).get("findings"))
                .noneMatch(finding -> finding.get("kind").asString().equals("FILES_NOT_READ_BY_RESUMED_RUN"));
        assertThat(filesNotReadByResumedRunFindings(resumed)).containsExactly("OPEN");

        // when: the other is back, the first archived out of the folder once read, and the date is run again
        Files.move(aside, later);
        Files.move(late, input.resolveSibling("resumed-late-archived.csv"));
        JobExecution last = run("2026-10-13", input);

        // then: that run registers the last of them; the run before registered the first: the finding is resolved
        assertThat(report(last).get("counts").get("read").asLong()).isEqualTo(20);
        assertThat(filesNotReadByResumedRunFindings(resumed)).containsExactly("RESOLVED");
        FindingRepository.Stored resolved = stored(
                "files-not-read-by-resumed-run:" + resumed.getJobInstance().getInstanceId());
        assertThat(resolved.resolvedByRun()).isEqualTo(last.getJobInstance().getInstanceId());
        assertThat(resolved.resolvedAt()).isAfterOrEqualTo(resolved.lastSeen());
    }

    @Test
    void aResumedRunNamesNewContentUnderAPathAnEarlierRunReadAndArchived() throws Exception {
        // given: the 17th read usage.csv, which was then archived; the 18th failed in ingest; new content arrives
        Path input = folder("resumed-reused-name");
        Path usage = input.resolve("usage.csv");
        write(usage, rows("reused-name-first", LocalDate.of(2026, 10, 17), 40, 3));
        run("2026-10-17", input);
        Files.move(usage, input.resolveSibling("resumed-reused-name-archived.csv"));
        write(input.resolve("gateway.csv"), rows("reused-name-gateway", LocalDate.of(2026, 10, 18), 60, 4));
        JobExecution failed = runWhileUsageCannotBeStored("2026-10-18", input);
        write(usage, rows("reused-name-second", LocalDate.of(2026, 10, 18), 20, 5));

        // when
        JobExecution resumed = run("2026-10-18", input);

        // then: the run of the 17th saw what the path held then, not this content: the resumed run names it
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(60);
        assertThat(report(resumed).get("findings"))
                .filteredOn(finding -> finding.get("kind").asString().equals("FILES_NOT_READ_BY_RESUMED_RUN"))
                .extracting(finding -> finding.get("message").asString())
                .singleElement()
                .asString()
                .startsWith("1 file(s) were added")
                .contains(usage.toAbsolutePath().toString());
        assertThat(filesNotReadByResumedRunFindings(resumed)).containsExactly("OPEN");
    }

    @Test
    void aRunResumedAgainAfterAnotherRunReadTheFilesItLeftDoesNotNameThemAgain() throws Exception {
        // given: a run that failed in ingest, a file dropped into its folder, and a resume that failed again
        Path input = folder("resumed-twice");
        write(input.resolve("gateway.csv"), rows("resumed-twice", LocalDate.of(2026, 10, 15), 100, 3));
        JobExecution failed;
        JobExecution failedAgain;
        Path late = input.resolve("late.csv");
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "usage_hourly")) {
            failed = run("2026-10-15", input);
            write(late, rows("resumed-twice-late", LocalDate.of(2026, 10, 15), 30, 4));
            failedAgain = run("2026-10-15", input);
        }
        assertThat(failedAgain.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(failedAgain.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(filesNotReadByResumedRunFindings(failed)).containsExactly("OPEN");

        // when: the next day's run reads the folder (the late file with it), then the failed run resumes once more
        JobExecution nextDay = run("2026-10-16", input);
        JobExecution resumed = run("2026-10-15", input);

        // then: the next day's run resolved the finding, and the resume leaves it resolved
        assertThat(report(nextDay).get("counts").get("read").asLong()).isEqualTo(30);
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(resumed).get("counts").get("read").asLong()).isEqualTo(100);
        assertThat(filesNotReadByResumedRunFindings(failed)).containsExactly("RESOLVED");
        assertThat(stored("files-not-read-by-resumed-run:"
                                + failed.getJobInstance().getInstanceId())
                        .resolvedByRun())
                .isEqualTo(nextDay.getJobInstance().getInstanceId());
    }

    @Test
    void aFindingResolvedByARunOrByHandSaysWhenAndByWhichRunUntilItOpensAgain() {
        // given
        String key = "resolution-test:" + System.nanoTime();
        findings.record(new Finding(key, "RESOLUTION_TEST", Finding.Severity.WARNING, "found"), 901);

        // when: a run resolves it, then it is resolved by hand too
        boolean byRun = findings.resolve(key, 902);
        boolean again = findings.resolve(key, 903);
        findings.setStatus(key, "RESOLVED");
        FindingRepository.Stored resolvedByRun = stored(key);

        // then: the first resolution stands
        assertThat(byRun).isTrue();
        assertThat(again).isFalse();
        assertThat(resolvedByRun.status()).isEqualTo("RESOLVED");
        assertThat(resolvedByRun.resolvedByRun()).isEqualTo(902L);
        assertThat(resolvedByRun.resolvedAt()).isAfterOrEqualTo(resolvedByRun.lastSeen());

        // when: found again, it opens with its resolution cleared
        findings.record(new Finding(key, "RESOLUTION_TEST", Finding.Severity.WARNING, "found again"), 904);

        // then
        assertThat(stored(key))
                .extracting(
                        FindingRepository.Stored::status,
                        FindingRepository.Stored::resolvedAt,
                        FindingRepository.Stored::resolvedByRun)
                .containsExactly("OPEN", null, null);

        // when: resolved by hand, then acknowledged instead
        findings.setStatus(key, "RESOLVED");
        FindingRepository.Stored resolvedByHand = stored(key);
        findings.setStatus(key, "ACKNOWLEDGED");

        // then
        assertThat(resolvedByHand.resolvedAt()).isAfterOrEqualTo(resolvedByHand.lastSeen());
        assertThat(resolvedByHand.resolvedByRun()).isNull();
        assertThat(findings.list("RESOLVED"))
                .extracting(FindingRepository.Stored::key)
                .doesNotContain(key);
        assertThat(stored(key))
                .extracting(
                        FindingRepository.Stored::status,
                        FindingRepository.Stored::resolvedAt,
                        FindingRepository.Stored::resolvedByRun)
                .containsExactly("ACKNOWLEDGED", null, null);
    }

    private FindingRepository.Stored stored(String key) {
        return findings.list(null).stream()
                .filter(finding -> finding.key().equals(key))
                .findFirst()
                .orElseThrow();
    }

    /** The status of the finding a resumed run raised about the files added to its folders. */
    private List<String> filesNotReadByResumedRunFindings(JobExecution resumed) {
        return jdbc.queryForList(
                "SELECT status FROM finding WHERE kind = 'FILES_NOT_READ_BY_RESUMED_RUN' AND finding_key = ?",
                String.class,
                "files-not-read-by-resumed-run:" + resumed.getJobInstance().getInstanceId());
    }

    @Test
    void aGzippedLogCutOffIsNotReadAndTheCompleteUploadIsReadByTheNextRun() throws Exception {
        // given: a gzipped log cut off in the middle, as an interrupted upload leaves it, beside a whole log
        Path input = folder("cut-off");
        String[] rows = rows("cut-off", LocalDate.of(2026, 10, 8), 2_000, 3);
        byte[] complete = gzip(rows);
        Files.write(input.resolve("gateway.csv.gz"), java.util.Arrays.copyOf(complete, complete.length / 2));
        write(input.resolve("other.csv"), rows("cut-off-other", LocalDate.of(2026, 10, 8), 10, 3));

        // when
        JobExecution first = run("2026-10-08", input);

        // then: the run completes, bills the whole log, and names the cut-off one with its reason
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode firstReport = report(first);
        assertThat(firstReport.get("counts").get("read").asLong()).isEqualTo(10);
        assertThat(firstReport.get("files"))
                .filteredOn(file -> file.get("path").asString().endsWith("gateway.csv.gz"))
                .extracting(file -> file.get("status").asString() + ": "
                        + file.get("detail").asString())
                .containsExactly(
                        "FAILED: not a valid gzip file: it ends inside the compressed data of gzip member 1 (cut"
                                + " short, or still being written)");
        assertThat(jdbc.queryForList(
                        "SELECT kind || ' ' || severity FROM finding WHERE message LIKE ?",
                        String.class,
                        "%cut-off/gateway.csv.gz%"))
                .containsExactly("UNREAD_FILE ERROR");
        assertThat(first.getExitStatus().getExitCode())
                .as("usage that is not billed fails the exit code, so a scheduler alerts")
                .isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);

        // when: the upload is completed and the day is run again
        Files.write(input.resolve("gateway.csv.gz"), complete);
        JobExecution rerun = run("2026-10-08", input);

        // then: its rows are read and billed, as a new file: the cut-off one had no rows to compare them with
        assertThat(rerun.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(report(rerun).get("files"))
                .filteredOn(file -> file.get("path").asString().endsWith("gateway.csv.gz"))
                .extracting(file -> file.get("outcome").asString())
                .containsExactly("NEW");
        assertThat(report(rerun).get("counts").get("read").asLong()).isEqualTo(2_000);
        assertThat(report(rerun).get("counts").get("accepted").asLong()).isPositive();
    }

    @Test
    void anUnreadFileIsResolvedByTheRunThatFindsOtherContentAtItsPathAndTheOldContentNowhere() throws Exception {
        // given: a log without its output_tokens column, and a copy of it under another name
        Path input = folder("mended");
        String broken = "request_id,timestamp,customer_id,provider,model,input_tokens\n"
                + "md1,2026-05-09T10:00:00Z,alice,openai,gpt-4o,1000\n";
        Files.writeString(input.resolve("gateway.csv"), broken);
        Files.writeString(input.resolve("gateway-copy.csv"), broken);
        run("2026-05-09", input);
        assertThat(unreadFileFindings("mended/gateway")).containsExactly("OPEN");

        // when: the log is mended, its copy still there
        write(input.resolve("gateway.csv"), "md1,2026-05-09T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        run("2026-05-09", input);

        // then: the content is still in the input, so the finding stays open
        assertThat(unreadFileFindings("mended/gateway")).containsExactly("OPEN");

        // when: the copy is removed
        Files.delete(input.resolve("gateway-copy.csv"));
        run("2026-05-09", input);

        // then
        assertThat(unreadFileFindings("mended/gateway")).containsExactly("RESOLVED");
    }

    private List<String> unreadFileFindings(String path) {
        return jdbc.queryForList(
                "SELECT status FROM finding WHERE kind = 'UNREAD_FILE' AND message LIKE ?",
                String.class,
                "%" + path + "%");
    }

    @Test
    void theHoursOutsideTheDateAreThoseItRatedThere() throws Exception {
        // given: a file with a row of the date, a row of the hour before it and an error row of the day after
        Path input = folder("outside");
        write(
                input.resolve("gateway.csv"),
                "ow1,2026-06-20T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok",
                "ow2,2026-06-19T23:10:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok",
                "ow3,2026-06-21T05:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,error");

        // when
        JobExecution execution = run("2026-06-20", input);

        // then: the error row's hour holds nothing billed, so it is neither rated nor outside the date
        JsonNode counts = report(execution).get("counts");
        assertThat(counts.get("rated_hours").asLong()).isEqualTo(2);
        assertThat(counts.get("hours_outside_window").asLong()).isEqualTo(1);
    }

    @Test
    void anErrorRowOfAModelWithoutAPriceTakesNoRequestIdFromALaterValidCopy() throws Exception {
        // given: an error row of gpt-9 (no price) and a valid copy of the request on gpt-4o, in one file, and an
        // identical copy of the error row in a second file (independent check 7)
        Path input = folder("error-unpriced");
        write(
                input.resolve("a.csv"),
                "eu1,2026-06-22T10:00:00Z,alice,openai,gpt-9,1000,0,0,0,1,0,,error",
                "eu1,2026-06-22T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,1,0,,ok");
        write(input.resolve("b.csv"), "eu1,2026-06-22T10:00:00Z,alice,openai,gpt-9,1000,0,0,0,1,0,,error");

        // when
        JobExecution execution = run("2026-06-22", input);

        // then: each error row is a NO_PRICE reject, none held; the valid copy is billed
        JsonNode counts = report(execution).get("counts");
        assertThat(counts.get("accepted").asLong()).isEqualTo(1);
        assertThat(counts.get("rejected").asLong()).isEqualTo(2);
        assertThat(counts.get("duplicates").asLong()).isZero();
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(tokens) FROM rated_aggregate WHERE customer_id = 'alice' AND model = 'openai/gpt-4o'"
                                + " AND hour_start = TIMESTAMP WITH TIME ZONE '2026-06-22 10:00:00+00'",
                        Long.class))
                .isEqualTo(1001L);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM held_usage WHERE model = 'openai/gpt-9'"
                                + " AND hour_start = TIMESTAMP WITH TIME ZONE '2026-06-22 10:00:00+00'",
                        Long.class))
                .isZero();
    }

    @Test
    void anExecutionWithAStepStillMarkedRunningIsResumedOnlyWhenItsProcessIsKnownToBeGone() throws Exception {
        // given: a completed run of the day, then marked the way a process that stopped before its rate step
        // ended leaves it: the run STOPPED, the rate step still STARTED
        Path input = folder("stuck");
        write(input.resolve("gateway.csv"), "st1,2026-06-12T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        JobExecution stuck = run("2026-06-12", input);
        stuck.setStatus(BatchStatus.STOPPED);
        jobRepository.update(stuck);
        StepExecution rate = stuck.getStepExecutions().stream()
                .filter(step -> step.getStepName().equals(RatingStepConfiguration.RATE_STEP))
                .findFirst()
                .orElseThrow();
        rate.setStatus(BatchStatus.STARTED);
        jobRepository.update(rate);

        // when run by another host, then a run of the day neither resumes it nor takes it over silently
        owner(stuck, "another-host", ProcessHandle.current().pid());
        assertThatThrownBy(() -> run("2026-06-12", input))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[" + RatingStepConfiguration.RATE_STEP + "]")
                .hasMessageContaining("tokentally restart " + stuck.getId());

        // when run by a process alive on this host (this one), then a restart is refused naming that process
        // and, the run being stopped, the steps it is still ending
        owner(stuck, RunOwnerListener.localHost(), ProcessHandle.current().pid());
        assertThatThrownBy(() -> runs.restart(stuck.getId()))
                .isInstanceOf(JobRestartException.class)
                .hasMessageContaining("was stopped, and process "
                        + ProcessHandle.current().pid() + " on this host is still ending its steps ["
                        + RatingStepConfiguration.RATE_STEP + "]");

        // when it is still marked running, then a restart is refused as one its process is still running
        stuck.setStatus(BatchStatus.STARTED);
        jobRepository.update(stuck);
        assertThatThrownBy(() -> runs.restart(stuck.getId()))
                .isInstanceOf(JobRestartException.class)
                .hasMessageContaining("is still being run by process "
                        + ProcessHandle.current().pid());
        stuck.setStatus(BatchStatus.STOPPED);
        jobRepository.update(stuck);

        // when run by a process of this host that has ended, then the next run of the day recovers and resumes it
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        owner(stuck, RunOwnerListener.localHost(), ended.pid());
        JobExecution resumed = run("2026-06-12", input);
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(stuck.getJobInstance().getInstanceId());
        assertThat(resumed.getStepExecutions())
                .extracting(StepExecution::getStepName)
                .contains(RatingStepConfiguration.RATE_STEP)
                .doesNotContain("ingestStep");
        assertThat(totals(report(resumed))).isEqualTo(totals(report(stuck)));
    }

    @Test
    void aRunOfADayAProcessOfThisHostIsStillRunningNamesThatProcessInsteadOfSuggestingARestart() throws Exception {
        // given: a run of the day marked running by a process alive on this host (this one)
        Path input = folder("still-running");
        write(input.resolve("gateway.csv"), "sr1,2026-06-14T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        JobExecution running = run("2026-06-14", input);
        running.setStatus(BatchStatus.STARTED);
        jobRepository.update(running);
        owner(running, RunOwnerListener.localHost(), ProcessHandle.current().pid());

        // when, then
        try {
            assertThatThrownBy(() -> run("2026-06-14", input))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("execution " + running.getId() + " of window 2026-06-14 is still being run by process "
                            + ProcessHandle.current().pid() + " on this host; wait for it to end");
        } finally {
            running.setStatus(BatchStatus.COMPLETED);
            jobRepository.update(running);
        }
    }

    /** Records {@code host} and {@code pid} as the process that runs {@code execution}. */
    private void owner(JobExecution execution, String host, long pid) {
        execution.getExecutionContext().putString(RunOwnerListener.HOST, host);
        execution.getExecutionContext().putLong(RunOwnerListener.PID, pid);
        jobRepository.updateExecutionContext(execution);
    }

    @Test
    void aLossIsAnErrorFindingThatFailsTheExitCodeAndComesBackAfterItIsResolvedIfFoundAgain() throws Exception {
        // given: erin's plan sells at 10% below cost
        Path input = folder("loss");
        Path plans = input.resolveSibling("plans.yaml");
        Files.writeString(
                plans,
                Files.readString(FIXTURES.resolve("job-plans.yaml")) + "  - id: discount\n    markup_percent: -10\n");
        Path customers = input.resolveSibling("customers.csv");
        Files.writeString(
                customers,
                Files.readString(FIXTURES.resolve("job-customers.csv")) + "erin,cus_TestErin00001,discount,Erin Inc\n");
        write(
                input.resolve("gateway.csv"),
                "l1,2026-10-09T10:00:00Z,erin,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "l2,2026-10-09T11:00:00Z,alice,openai,gpt-4o,1000000,0,0,0,0,0,,ok");

        // when
        JobExecution first = run("2026-10-09", input, customers, plans);
        findings.setStatus("margin-negative:erin:openai/gpt-4o:2026-10-09", "RESOLVED");
        FindingRepository.Stored resolved = stored("margin-negative:erin:openai/gpt-4o:2026-10-09");
        JobExecution again = run("2026-10-09", input, customers, plans);

        // then: 2.50 cost, 2.25 billed; alice's 30% margin is fine
        assertThat(first.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(first.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        assertThat(findings.list("OPEN"))
                .filteredOn(finding -> finding.kind().equals("NEGATIVE_MARGIN"))
                .extracting(FindingRepository.Stored::message)
                .containsExactly("erin openai/gpt-4o on 2026-10-09: billed 2.25 USD for a provider cost of 2.5 USD"
                        + " (list price) (margin -0.25)");
        assertThat(again.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        // resolved by hand: when, and no run; found again, it opens with its resolution cleared
        assertThat(resolved.status()).isEqualTo("RESOLVED");
        assertThat(resolved.resolvedAt()).isAfterOrEqualTo(resolved.lastSeen());
        assertThat(resolved.resolvedByRun()).isNull();
        assertThat(stored("margin-negative:erin:openai/gpt-4o:2026-10-09"))
                .extracting(
                        FindingRepository.Stored::status,
                        FindingRepository.Stored::resolvedAt,
                        FindingRepository.Stored::resolvedByRun)
                .containsExactly("OPEN", null, null);
        assertThat(Files.readAllLines(runFolder(first).resolve("margin.csv")))
                .contains(
                        "alice,openai/gpt-4o,2026-10-09,2.5,3.25,0.75,23.08,list,2.5",
                        "erin,openai/gpt-4o,2026-10-09,2.5,2.25,-0.25,-11.11,list,2.5");
        assertThat(jdbc.queryForObject(
                        "SELECT (SELECT COUNT(*) FROM run_margin_line WHERE run_id = ?)"
                                + " + (SELECT COUNT(*) FROM run_margin_day WHERE run_id = ?)",
                        Long.class,
                        first.getJobInstance().getInstanceId(),
                        first.getJobInstance().getInstanceId()))
                .as("the margin lines and days the report read are dropped once the run is complete")
                .isZero();
        assertThat(Files.readString(runFolder(first).resolve("report.html")))
                .contains("<svg")
                .contains("<td>ERROR</td><td>OPEN</td><td>NEGATIVE_MARGIN</td>")
                .doesNotContain("<script")
                .doesNotContain("http://", "https://");

        // and when erin's plan sells above cost and the day is run again, that run resolves the loss
        Files.writeString(
                plans,
                Files.readString(FIXTURES.resolve("job-plans.yaml")) + "  - id: discount\n    markup_percent: 10\n");
        JobExecution repriced = run("2026-10-09", input, customers, plans);
        assertThat(stored("margin-negative:erin:openai/gpt-4o:2026-10-09"))
                .extracting(FindingRepository.Stored::status, FindingRepository.Stored::resolvedByRun)
                .containsExactly("RESOLVED", repriced.getJobInstance().getInstanceId());
        assertThat(repriced.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
    }

    @Test
    void marginPerPeriodSumsTheCustomersBillingPeriodToDate() throws Exception {
        // given: frank's periods start on the 5th; usage on Sep 4 (the previous period), Sep 6 and Sep 8
        Path customers = Files.createDirectories(workDir().resolve("period-" + System.nanoTime()))
                .resolve("customers.csv");
        Files.writeString(
                customers,
                "customer_id,stripe_customer_id,plan_id,name,billing_anchor_day\n"
                        + "frank,cus_TestFrank0001,payg,Frank Co,5\n");
        String[] days = {"2026-09-04", "2026-09-06", "2026-09-08"};
        JobExecution last = null;
        for (String day : days) {
            Path input = folder("period-" + day);
            write(
                    input.resolve("gateway.csv"),
                    "p" + day + "," + day + "T10:00:00Z,frank,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
            last = run(day, input, customers, FIXTURES.resolve("job-plans.yaml"));
        }

        // then: the period [Sep 5, Oct 5) through the end of Sep 8 holds two requests:
        // cost 2 x 1M x 2.50 / 1M = 5.00; billed at payg's 30% markup 6.50; margin 1.50 = 23.08% of billed
        assertThat(Files.readAllLines(runFolder(last).resolve("margin-period.csv")))
                .containsExactly(
                        "customer_id,model,period_start,period_end,through,cost_usd,billed_usd,margin_usd,margin_percent,"
                                + "cost_basis,list_cost_usd",
                        "frank,openai/gpt-4o,2026-09-05T00:00:00Z,2026-10-05T00:00:00Z,2026-09-09T00:00:00Z,5,6.5,1.5,23.08,"
                                + "list,5");
    }

    @Test
    void marginPerPeriodListsBothPeriodsOfADayOnWhichANewPeriodStarts() throws Exception {
        // given: gina's periods start on the 20th in New York, 2026-09-20T04:00:00Z; usage at 03:00 and 06:00
        Path customers = Files.createDirectories(workDir().resolve("period-start-" + System.nanoTime()))
                .resolve("customers.csv");
        Files.writeString(
                customers,
                "customer_id,stripe_customer_id,plan_id,name,billing_anchor_day,billing_time_zone\n"
                        + "gina,cus_TestGina0001,payg,Gina Co,20,America/New_York\n");
        Path input = folder("period-start");
        write(
                input.resolve("gateway.csv"),
                "ps1,2026-09-20T03:00:00Z,gina,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "ps2,2026-09-20T06:00:00Z,gina,openai,gpt-4o,1000000,0,0,0,0,0,,ok");

        // when
        JobExecution execution = run("2026-09-20", input, customers, FIXTURES.resolve("job-plans.yaml"));

        // then: each period holds one request (cost 2.50, billed 3.25 at payg's 30%), the new one through the day's end
        assertThat(Files.readAllLines(runFolder(execution).resolve("margin-period.csv")))
                .containsExactly(
                        "customer_id,model,period_start,period_end,through,cost_usd,billed_usd,margin_usd,margin_percent,"
                                + "cost_basis,list_cost_usd",
                        "gina,openai/gpt-4o,2026-08-20T04:00:00Z,2026-09-20T04:00:00Z,2026-09-20T04:00:00Z,2.5,3.25,0.75,"
                                + "23.08,list,2.5",
                        "gina,openai/gpt-4o,2026-09-20T04:00:00Z,2026-10-20T04:00:00Z,2026-09-21T00:00:00Z,2.5,3.25,0.75,"
                                + "23.08,list,2.5");
    }

    @Test
    void marginLinesKeepEveryDecimalOfABilledAmount() throws Exception {
        // given: a price of 12 decimals per million and a markup of 6 decimals: a billed amount of 25 decimals
        Path work = Files.createDirectories(workDir().resolve("margin-scale-" + System.nanoTime()));
        Path customers = work.resolve("customers.csv");
        Files.writeString(customers, "customer_id,stripe_customer_id,plan_id\n" + "fiona,cus_TestFiona0001,fine\n");
        Path plans = work.resolve("plans.yaml");
        Files.writeString(plans, "plans:\n  - id: fine\n    markup_percent: 7.654321\n");
        Path prices = work.resolve("prices.csv");
        Files.writeString(
                prices,
                "model,token_type,usd_per_million,effective_from\n" + "custom/acme-ft,input,0.123456789012,2025-01-01\n"
                        + "custom/acme-ft,output,1,2025-01-01\n");
        Path input = folder("margin-scale");
        write(input.resolve("gateway.csv"), "ms1,2026-09-14T10:00:00Z,fiona,custom,acme-ft,12345,0,0,0,0,0,,ok");

        // when
        JobExecution execution = runs.run(new BillingJobParameters(
                LocalDate.parse("2026-09-14"),
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                plans,
                prices));

        // then: cost 12,345 x 0.123456789012 / 1M; billed that x 1.07654321, as report.json gives it
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Files.readAllLines(runFolder(execution).resolve("margin.csv")))
                .contains("fiona,custom/acme-ft,2026-09-14,0.00152407406035314,0.0016407315812103030691794,"
                        + "0.0001166575208571630691794,7.11,list,0.00152407406035314");
    }

    @Test
    void aRunThatCannotWriteIntoItsRunFolderFailsInsteadOfLookingDone() throws Exception {
        // given: a plain file where the day's run folders go
        Path input = folder("noreport");
        write(input.resolve("gateway.csv"), "nr1,2026-08-15T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,10,0,,ok");
        Path days = properties.runsDir().resolve(RunReportListener.JOB_NAME);
        Files.createDirectories(days);
        Files.writeString(days.resolve("2026-08-15"), "not a folder");

        // when
        JobExecution execution = run("2026-08-15", input);

        // then: statements go into the run folder first, and that step fails the run, naming the folder
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(execution.getExitStatus().getExitCode()).isNotEqualTo("COMPLETED");
        assertThat(execution.getAllFailureExceptions())
                .anySatisfy(failure -> assertThat(failure).hasMessageContaining("2026-08-15"));
        // the run stays failed for good: abandoned, so that it is not an unfinished run of the scenarios after it
        abandon(execution);
    }

    /** Abandons a run an operator would not resume: the scenarios after it share its database. */
    private void abandon(JobExecution execution) {
        execution.setStatus(BatchStatus.ABANDONED);
        jobRepository.update(execution);
    }

    @Test
    void aRerunKeepsThePricesThatBilledItsHoursEvenWhenABackDatedPriceWasLoadedSince() throws Exception {
        // given: a day billed at 2.50 per 1M input tokens of a model of this test's own (the catalog is shared)
        Path input = folder("pinned");
        write(input.resolve("gateway.csv"), "pin1,2026-07-10T10:00:00Z,alice,openai,pin-model,1000000,0,0,0,0,0,,ok");
        JobExecution first = run("2026-07-10", input, pinModelPrices(input, "pin-model", ""));

        // when: the same day again, with a price that claims to have applied since July 1
        JobExecution rerun = run("2026-07-10", input, pinModelPrices(input, "pin-model", "input,2026-07-01"));

        // then: 1M x 2.50 / 1M = 2.50 cost, x 1.3 = 3.25 billed, both times; only `prices rerate` re-rates it
        assertThat(totals(report(first))).containsEntry("alice|openai/pin-model|input", "1000000|2.5|3.25");
        assertThat(totals(report(rerun))).containsEntry("alice|openai/pin-model|input", "1000000|2.5|3.25");
        assertThat(report(rerun).get("counts").get("aggregates_changed").asLong())
                .isZero();
    }

    @Test
    void aPriceAddedAfterItsHoursWereBilledIsAWarningThatNamesTheHoursAndTheRerate() throws Exception {
        // given: two days billed at 2.50 per 1M input tokens of a model of this test's own
        Path input = folder("pinned-warning");
        write(
                input.resolve("gateway.csv"),
                "pinw1,2026-07-20T10:00:00Z,alice,openai,pinw-model,1000,0,0,0,0,0,,ok",
                "pinw2,2026-07-21T15:00:00Z,bob,openai,pinw-model,1000,0,0,0,0,0,,ok",
                "pinw3,2026-07-21T16:00:00Z,bob,openai,pinw-model,1000,0,0,0,0,0,,ok");
        JobExecution first = run("2026-07-21", input, pinModelPrices(input, "pinw-model", ""));

        // when: a price effective from 2026-07-21 is added
        JobExecution next = run(
                "2026-07-22", folder("pinned-warning-next"), pinModelPrices(input, "pinw-model", "input,2026-07-21"));

        // then: the two hours of 2026-07-21 billed at 2.50 are named, not those of 2026-07-20 (the old price's)
        assertThat(findingsOf(first)).doesNotContainKey("PRICE_ADDED_AFTER_BILLING");
        assertThat(findingsOf(next))
                .containsEntry(
                        "PRICE_ADDED_AFTER_BILLING",
                        "the input price of openai/pinw-model (standard, standard) 2 per 1M from"
                                + " 2026-07-21T00:00:00Z (back-dated-prices.csv) was added after 2 aggregate(s) of 1"
                                + " customer(s) in the hours 2026-07-21T15:00:00Z to 2026-07-21T16:00:00Z were billed"
                                + " at another version. Rows already billed keep the version that billed them (late"
                                + " rows are billed at the new price, in an aggregate of their own): `tokentally prices"
                                + " rerate --from 2026-07-21 --to 2026-07-21 --by WHO --reason WHY` shows what the new"
                                + " price changes, and with --apply bills the difference");
    }

    @Test
    void aBatchPriceOfTheModelsOwnAtADerivedVersionsInstantIsAWarningForTheHoursALaterDerivedOneBilled()
            throws Exception {
        // given: input 2.50 per 1M from 2025 and 4 from 27 July, so batch 1.25 and 2 derived; batch usage of the 27th
        // billed at 2
        Path input = folder("pinb-model");
        write(
                input.resolve("gateway.csv"),
                "pinb1,2026-07-27T10:10:00Z,alice,openai,pinb-model,1000000,0,0,0,0,0,batch,ok");
        String prices = Files.readString(FIXTURES.resolve("job-prices.csv"))
                + "openai/pinb-model,input,standard,standard,2.5,2025-01-01,\n"
                + "openai/pinb-model,input,standard,standard,4,2026-07-27,\n";
        run("2026-07-27", input, Files.writeString(input.resolveSibling("pinb-prices.csv"), prices));

        // when: the model's own batch price from 2025 is given, 1.25 as derived: it is the batch price from then on
        JobExecution next = run(
                "2026-07-28",
                folder("pinb-model-next"),
                Files.writeString(
                        input.resolveSibling("own-batch-prices.csv"),
                        prices + "openai/pinb-model,input,batch,standard,1.25,2025-01-01,\n"));

        // then: the hour billed at the derived 2, which the own price now replaces, is named
        assertThat(findingsOf(next).get("PRICE_ADDED_AFTER_BILLING"))
                .startsWith("the input price of openai/pinb-model (batch, standard) 1.25 per 1M from"
                        + " 2025-01-01T00:00:00Z (own-batch-prices.csv) was added after 1 aggregate(s) of 1"
                        + " customer(s) in the hours 2026-07-27T10:00:00Z to 2026-07-27T10:00:00Z");
    }

    @Test
    void aLongCachePriceOfTheModelsOwnAtADerivedVersionsInstantIsAWarningForTheBatchHoursALaterDerivedOneBilled()
            throws Exception {
        // given: input 2 per 1M from 2025 (4 above 1,000 tokens), cache reads 0.2, so long cache reads 0.4 derived,
        // 0.2 in the batch tier; from 29 July input 4, so long cache reads 0.2 derived, 0.1 in the batch tier: a
        // batch long request's cache reads of the 29th billed at 0.1
        Path input = folder("ownlc-model");
        write(
                input.resolve("gateway.csv"),
                "ownlc1,2026-07-29T10:10:00Z,alice,openai,ownlc-model,2000000,1000000,0,0,0,0,batch,ok");
        String prices = Files.readString(FIXTURES.resolve("job-prices.csv"))
                + "openai/ownlc-model,input,standard,standard,2,2025-01-01,1000\n"
                + "openai/ownlc-model,cache_read,standard,standard,0.2,2025-01-01,1000\n"
                + "openai/ownlc-model,input,standard,long,4,2025-01-01,1000\n"
                + "openai/ownlc-model,input,standard,standard,4,2026-07-29,1000\n";
        run("2026-07-29", input, Files.writeString(input.resolveSibling("ownlc-prices.csv"), prices));

        // when: the model's own long cache read price from 2025 is given, 0.4 as derived: it is the price from then
        // on, and half of it in the batch tier
        JobExecution next = run(
                "2026-07-30",
                folder("ownlc-model-next"),
                Files.writeString(
                        input.resolveSibling("own-long-cache.csv"),
                        prices + "openai/ownlc-model,cache_read,standard,long,0.4,2025-01-01,1000\n"));

        // then: the batch hour billed at 0.1, which the catalog now prices at 0.2, is named
        List<String> warnings = new ArrayList<>();
        report(next).get("findings").forEach(finding -> {
            if (finding.get("kind").asString().equals("PRICE_ADDED_AFTER_BILLING")) {
                warnings.add(finding.get("message").asString());
            }
        });
        assertThat(warnings)
                .anySatisfy(warning -> assertThat(warning)
                        .startsWith("the cache_read price of openai/ownlc-model (batch, long) 0.2 per 1M from"
                                + " 2025-01-01T00:00:00Z")
                        .contains("was added after 1 aggregate(s) of 1 customer(s) in the hours 2026-07-29T10:00:00Z"
                                + " to 2026-07-29T10:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a change in the middle of a billed hour         | pinh-model | input,2026-07-25T10:30:00Z | 2026-07-25T10:00:00Z
            a cache price where the input price billed it   | pinc-model | cache_read,2026-07-25      | 2026-07-25T10:00:00Z
            """)
    void aPriceAddedAfterBillingIsAWarningAlsoForPartOfAnHourOrAFallback(
            String scenario, String model, String added, String hour) throws Exception {
        // given: an hour billed at 2.50 per 1M input tokens, its cache reads too (the model has no cache price)
        Path input = folder(model);
        write(
                input.resolve("gateway.csv"),
                model + "-1,2026-07-25T10:10:00Z,alice,openai," + model + ",1000,400,0,0,0,0,,ok",
                model + "-2,2026-07-25T10:40:00Z,alice,openai," + model + ",1000,400,0,0,0,0,,ok");
        run("2026-07-25", input, pinModelPrices(input, model, ""));

        // when
        JobExecution next = run("2026-07-26", folder(model + "-next"), pinModelPrices(input, model, added));

        // then
        assertThat(findingsOf(next).get("PRICE_ADDED_AFTER_BILLING"))
                .contains("in the hours " + hour + " to " + hour + " were billed at another version");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the cache reads billed at its earlier version   | pinf-model |                                              | 2
            not once a back-dated cache price covers them   | pinr-model | cache_read,standard,standard,1.25,2025-01-01 | 1
            """)
    void aPriceAddedAfterBillingNamesTheAggregatesOfOtherTokenTypesThatAnEarlierVersionOfItBilled(
            String scenario, String model, String ownPrice, int aggregates) throws Exception {
        // given: an hour's input and cache reads billed at 2.50 per 1M input tokens (the model has no cache price)
        Path input = folder(model);
        write(
                input.resolve("gateway.csv"),
                model + "-1,2026-07-25T10:10:00Z,alice,openai," + model + ",1000,400,0,0,0,0,,ok");
        run("2026-07-25", input, pinModelPrices(input, model, ""));

        // when: an input price from that day is added, with a cache read price of the model's own, if any
        Path backDated = pinModelPrices(input, model, "input,2026-07-25");
        if (ownPrice != null) {
            Files.writeString(backDated, Files.readString(backDated) + "openai/" + model + "," + ownPrice + ",\n");
        }
        JobExecution next = run("2026-07-26", folder(model + "-next"), backDated);

        // then: a rerate prices the cache reads at the new input price too, unless they have a price of their own
        assertThat(findingsOf(next).get("PRICE_ADDED_AFTER_BILLING"))
                .contains("the input price of openai/" + model)
                .contains(" was added after " + aggregates + " aggregate(s) of 1 customer(s) in the hours"
                        + " 2026-07-25T10:00:00Z to 2026-07-25T10:00:00Z were billed at another version.");
    }

    @Test
    void aPriceAddedInsideABilledHourSaysThatTheRerateCannotMoveThatHourButMovesTheLaterOnes() throws Exception {
        // given: 10:10 and 10:40 billed at 2.50 per 1M input tokens in one aggregate, and 11:40 in another
        Path input = folder("pinm-model");
        write(
                input.resolve("gateway.csv"),
                "pinm-1,2026-07-28T10:10:00Z,alice,openai,pinm-model,1000,0,0,0,0,0,,ok",
                "pinm-2,2026-07-28T10:40:00Z,alice,openai,pinm-model,1000,0,0,0,0,0,,ok",
                "pinm-3,2026-07-28T11:40:00Z,alice,openai,pinm-model,1000,0,0,0,0,0,,ok");
        run("2026-07-28", input, pinModelPrices(input, "pinm-model", ""));

        // when: a price from 10:30 is added
        JobExecution next = run(
                "2026-07-29",
                folder("pinm-model-next"),
                pinModelPrices(input, "pinm-model", "input,2026-07-28T10:30:00Z"));

        // then: the 10:00 aggregate holds 10:10 and 10:40 alike, so the rerate can move only 11:00
        assertThat(findingsOf(next).get("PRICE_ADDED_AFTER_BILLING"))
                .endsWith(" was added after 2 aggregate(s) of 1 customer(s) in the hours 2026-07-28T10:00:00Z to"
                        + " 2026-07-28T11:00:00Z were billed at another version. Rows already billed keep the version"
                        + " that billed them (late rows are billed at the new price, in an aggregate of their own):"
                        + " `tokentally prices rerate --from 2026-07-28 --to 2026-07-28 --by WHO --reason WHY` shows"
                        + " what the new price changes, and with --apply bills the difference. 1 of them lie in the"
                        + " hour 2026-07-28T10:00:00Z, in which the price starts: they sum rows of the whole hour, rated"
                        + " before the price was added, and which of those rows came after 2026-07-28T10:30:00Z is not"
                        + " kept, so `prices rerate` leaves them at the version that billed them");
    }

    @Test
    void aPriceAddedBeforeALaterVersionNamesOnlyTheRowsThatTheLaterVersionDidNotBill() throws Exception {
        // given: 10:10 billed at 2.50 per 1M input tokens, and 10:40 at 3.00, the version from 10:30
        Path input = folder("pinl-model");
        write(
                input.resolve("gateway.csv"),
                "pinl-1,2026-07-30T10:10:00Z,alice,openai,pinl-model,1000,0,0,0,0,0,,ok",
                "pinl-2,2026-07-30T10:40:00Z,alice,openai,pinl-model,1000,0,0,0,0,0,,ok");
        String later = "openai/pinl-model,input,standard,standard,3.0,2026-07-30T10:30:00Z,\n";
        Path prices = pinModelPrices(input, "pinl-model", "");
        run("2026-07-30", input, Files.writeString(prices, Files.readString(prices) + later));

        // when: a version from 10:00 is added, which the one from 10:30 follows
        Path backDated = pinModelPrices(input, "pinl-model", "input,2026-07-30T10:00:00Z");
        JobExecution next = run(
                "2026-07-31",
                folder("pinl-model-next"),
                Files.writeString(backDated, Files.readString(backDated) + later));

        // then: 10:40 is still billed by the version in force, so only the aggregate of 10:10 is named
        assertThat(findingsOf(next).get("PRICE_ADDED_AFTER_BILLING"))
                .contains(" was added after 1 aggregate(s) of 1 customer(s) in the hours 2026-07-30T10:00:00Z to"
                        + " 2026-07-30T10:00:00Z were billed at another version.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            when the added price starts after every other one      | pinp-model | 03:00
            also when the model's output price starts after it     | pino-model | 05:00
            """)
    void lateRowsOfAnHourBilledBeforeABackDatedPriceWasAddedFormAnAggregateOfTheirOwnAtIt(
            String scenario, String model, String outputFrom) throws Exception {
        // given: 10:00 billed at 2.50 per 1M input tokens, while the output price changed at 03:00 or 05:00
        Path input = folder(model);
        write(
                input.resolve("gateway.csv"),
                model + "-1,2026-08-01T10:00:00Z,alice,openai," + model + ",1000000,0,0,0,0,0,,ok");
        String output = "openai/" + model + ",output,standard,standard,12,2026-08-01T" + outputFrom + ":00Z,\n";
        Path prices = pinModelPrices(input, model, "");
        run("2026-08-01", input, Files.writeString(prices, Files.readString(prices) + output));

        // when: an input price of 2.0 from 04:00 is added, and a late row of 10:10 comes
        write(
                input.resolve("late.csv"),
                model + "-2,2026-08-01T10:10:00Z,alice,openai," + model + ",1000000,0,0,0,0,0,,ok");
        Path backDated = pinModelPrices(input, model, "input,2026-08-01T04:00:00Z");
        JobExecution rerun =
                run("2026-08-01", input, Files.writeString(backDated, Files.readString(backDated) + output));

        // then: the billed row stays at 2.50 and the late one is billed at 2.0, though an output price from 05:00
        // gives both one price epoch: 2.50 + 2.0 = 4.50 cost, x 1.3 = 5.85 billed
        assertThat(totals(report(rerun))).containsEntry("alice|openai/" + model + "|input", "2000000|4.5|5.85");
        assertThat(findingsOf(rerun).get("PRICE_ADDED_AFTER_BILLING"))
                .contains("(late rows are billed at the new price, in an aggregate of their own)");
    }

    @Test
    void aPriceChangeInTheMiddleOfAnHourLoadedBeforeTheHourIsBilledIsNoWarning() throws Exception {
        // given: both versions of the price in the file that prices the hour, the new one from 10:30
        Path input = folder("pinned-in-time");
        write(
                input.resolve("gateway.csv"),
                "pint1,2026-07-27T10:10:00Z,alice,openai,pint-model,1000,0,0,0,0,0,,ok",
                "pint2,2026-07-27T10:40:00Z,alice,openai,pint-model,1000,0,0,0,0,0,,ok");
        run("2026-07-26", folder("pinned-in-time-before"), pinModelPrices(input, "pint-model", ""));

        // when: the day is billed after the version from 10:30 was added, together with the day's rows
        JobExecution day = run("2026-07-27", input, pinModelPrices(input, "pint-model", "input,2026-07-27T10:30:00Z"));

        // then: 10:10 at 2.50 and 10:40 at 2.0, as they should be
        assertThat(findingsOf(day)).doesNotContainKey("PRICE_ADDED_AFTER_BILLING");
        assertThat(totals(report(day))).containsEntry("alice|openai/pint-model|input", "2000|0.0045|0.00585");
    }

    /**
     * The job's prices with 2.50 input and 10 output per 1M for {@code openai/<model>} since 2025, and, when
     * {@code added} is {@code <token type>,<effective from>}, a price of 2.0 for that token type from then, in a file
     * of its own.
     */
    private static Path pinModelPrices(Path input, String model, String added) throws IOException {
        String prices = Files.readString(FIXTURES.resolve("job-prices.csv"))
                + "openai/" + model + ",input,standard,standard,2.5,2025-01-01,\n"
                + "openai/" + model + ",output,standard,standard,10,2025-01-01,\n";
        if (added.isEmpty()) {
            return Files.writeString(input.resolveSibling("prices.csv"), prices);
        }
        String[] typeAndFrom = added.split(",");
        return Files.writeString(
                input.resolveSibling("back-dated-prices.csv"),
                prices + "openai/" + model + "," + typeAndFrom[0] + ",standard,standard,2.0," + typeAndFrom[1] + ",\n");
    }

    /** The kinds and messages of a run's findings. */
    private Map<String, String> findingsOf(JobExecution execution) throws IOException {
        Map<String, String> found = new HashMap<>();
        report(execution)
                .get("findings")
                .forEach(finding -> found.put(
                        finding.get("kind").asString(), finding.get("message").asString()));
        return found;
    }

    @Test
    void aRunPlansWhatGoesToStripeOnlyAfterAnotherRunHasFinishedPlanningIt() throws Exception {
        // given: a day of usage of an open period, and another run planning its outbox (the lock held here, as its
        // steps hold it)
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(3);
        Path input = folder("outbox-turns");
        write(input.resolve("gateway.csv"), rows("outbox-turns", day, 40, 12));
        ExecutorService launcher = Executors.newSingleThreadExecutor();
        Future<JobExecution> execution;
        long queuedBefore;
        try (StepLock.Held otherRunPlanning = outboxStepLock.hold("another run's buildOutboxStep")) {
            // when
            execution = launcher.submit(() -> run(day.toString(), input));

            // then: this run waits for its turn to record its closing positions, before it rates or plans anything
            // (hunt EI: two runs planning one customer's period at once failed the second on the outbox's or
            // closed_period's key)
            awaitWaitingForOutboxTurn(execution);
            queuedBefore = meterEventsOf(day);
        } finally {
            launcher.shutdown();
            assertThat(launcher.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        // and: it plans once the other run's steps have ended
        assertThat(execution.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(meterEventsOf(day)).isGreaterThan(queuedBefore);
    }

    @Test
    void aRunBuildsItsOutboxOnlyAfterAnotherRunHasFinishedPlanningWhatGoesToStripe() throws Exception {
        // given: a day of usage of an open period, and a run of it let past its closing positions, kept at its rate
        // step, while another run takes the outbox's lock
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(3);
        Path input = folder("outbox-build-turns");
        write(input.resolve("gateway.csv"), rows("outbox-build-turns", day, 40, 13));
        ExecutorService launcher = Executors.newSingleThreadExecutor();
        Future<JobExecution> execution;
        long queuedBefore;
        try (StepLock.Held otherRunRating = rateStepLock.hold(RatingStepConfiguration.RATE_STEP)) {
            execution = launcher.submit(() -> run(day.toString(), input));
            awaitWaitingToRate(execution);
            queuedBefore = meterEventsOf(day);
            try (StepLock.Held otherRunPlanning = outboxStepLock.hold("another run's buildOutboxStep")) {
                // when: the rate lock is given back
                otherRunRating.close();

                // then: the run rates and waits at buildOutboxStep with none of its meter events queued (hunt EI: two
                // runs planning one customer's period at once failed the second on the outbox's revision key)
                awaitWaitingForOutboxTurn(execution);
                assertThat(meterEventsOf(day)).isEqualTo(queuedBefore);
            }
        } finally {
            launcher.shutdown();
            assertThat(launcher.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        // and: it builds its outbox once the other run's step has ended
        assertThat(execution.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(meterEventsOf(day)).isGreaterThan(queuedBefore);
    }

    /** The meter events queued for the hours of a UTC day. */
    private long meterEventsOf(LocalDate day) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'METER_EVENT' AND window_start >= ? AND window_start < ?",
                Long.class,
                SqlTime.utc(day.atStartOfDay(ZoneOffset.UTC).toInstant()),
                SqlTime.utc(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
    }

    @Test
    void aRunRatesOnlyAfterAnotherRunHasFinishedRating() throws Exception {
        // given: a day of usage, and another run's rate step going (its lock held here, as that step holds it)
        Path input = folder("rate-turns");
        write(input.resolve("gateway.csv"), "turn1,2026-10-27T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok");
        ExecutorService launcher = Executors.newSingleThreadExecutor();
        Future<JobExecution> execution;
        try (StepLock.Held otherRunRating = rateStepLock.hold(RatingStepConfiguration.RATE_STEP)) {
            // when
            execution = launcher.submit(() -> run("2026-10-27", input));

            // then: this run reaches its rate step and waits for its turn, with nothing rated
            awaitWaitingToRate(execution);
            assertThat(aggregatesOfHour("2026-10-27T10:00:00Z")).isZero();
        } finally {
            launcher.shutdown();
            assertThat(launcher.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        // and: it rates once the other run's step has ended
        JobExecution done = execution.get();
        assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        // 1,000 input tokens x 2.50 / 1M = 0.0025, x 1.3 = 0.00325
        assertThat(totals(report(done))).containsEntry("alice|openai/gpt-4o|input", "1000|0.0025|0.00325");
    }

    @Test
    void aRunAddsItsPricesToTheCatalogOnlyAfterAnotherRunOrSyncHasAddedTheirs() throws Exception {
        // given: a day of a model of this test's own, priced by the run's prices file, and another run's (or a price
        // sync's) additions to the catalog going (its lock held here, as that step holds it)
        Path input = folder("price-turns");
        write(input.resolve("gateway.csv"), "pt1,2026-10-26T10:00:00Z,alice,openai,turn-model,1000,0,0,0,0,0,,ok");
        Path prices = pinModelPrices(input, "turn-model", "");
        ExecutorService launcher = Executors.newSingleThreadExecutor();
        Future<JobExecution> execution;
        try (StepLock.Held otherRunLoading = priceCatalogLock.hold(LoadPricesStepConfiguration.LOAD_PRICES_STEP)) {
            // when
            execution = launcher.submit(() -> run("2026-10-26", input, prices));

            // then: the run waits for its turn to load its prices, with none of them added
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (priceCatalogLock.waiting() == 0) {
                assertThat(execution)
                        .as("the run ended before it loaded its prices")
                        .isNotDone();
                assertThat(System.nanoTime()).as("the run waits within 60 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(pricesOf("openai/turn-model")).isZero();
        } finally {
            launcher.shutdown();
            assertThat(launcher.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        // and: it loads them and bills the day once the other has ended (1,000 x 2.50 / 1M x 1.3)
        assertThat(execution.get().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(pricesOf("openai/turn-model")).isPositive();
        assertThat(totals(report(execution.get())))
                .containsEntry("alice|openai/turn-model|input", "1000|0.0025|0.00325");
    }

    private long pricesOf(String model) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM price WHERE model = ?", Long.class, model);
    }

    @Test
    void aRunAskedToStopWhileWaitingToRateStopsAndItsRestartRatesTheDay() throws Exception {
        // given: a run waiting to rate while another run's rate step goes on
        Path input = folder("rate-turn-stopped");
        write(input.resolve("gateway.csv"), "turn2,2026-10-28T10:00:00Z,alice,openai,gpt-4o,1000,0,0,0,100,0,,ok");
        ExecutorService launcher = Executors.newSingleThreadExecutor();
        JobExecution stopped;
        try (StepLock.Held otherRunRating = rateStepLock.hold(RatingStepConfiguration.RATE_STEP)) {
            Future<JobExecution> execution = launcher.submit(() -> run("2026-10-28", input));
            awaitWaitingToRate(execution);

            // when
            jobOperator.stop(
                    jobRepository.findRunningJobExecutions(NightlyBillingJobConfiguration.NIGHTLY_BILLING_JOB).stream()
                            .filter(running -> running.getJobParameters()
                                    .getString(BillingJobParameters.DATE)
                                    .equals("2026-10-28"))
                            .findFirst()
                            .orElseThrow());

            // then: it ends STOPPED while the other run still rates, with nothing rated
            stopped = execution.get(60, TimeUnit.SECONDS);
        } finally {
            launcher.shutdown();
            assertThat(launcher.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(stopped.getStepExecutions())
                .filteredOn(step -> step.getStepName().equals(RatingStepConfiguration.RATE_STEP))
                .singleElement()
                .satisfies(step -> {
                    assertThat(step.getStatus()).isEqualTo(BatchStatus.STOPPED);
                    assertThat(step.getWriteCount()).isZero();
                });
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM batch_step_execution WHERE job_execution_id = ? AND step_name = ?",
                        String.class,
                        stopped.getId(),
                        RatingStepConfiguration.RATE_STEP))
                .isEqualTo("STOPPED");
        assertThat(aggregatesOfHour("2026-10-28T10:00:00Z")).isZero();

        // and: running the date again restarts it, and it rates the day
        JobExecution restarted = run("2026-10-28", input);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(restarted.getJobInstance().getInstanceId())
                .isEqualTo(stopped.getJobInstance().getInstanceId());
        assertThat(totals(report(restarted))).containsEntry("alice|openai/gpt-4o|input", "1000|0.0025|0.00325");
    }

    private long aggregatesOfHour(String hour) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM rated_aggregate WHERE hour_start = ?",
                Long.class,
                SqlTime.utc(Instant.parse(hour)));
    }

    /** Waits until a run of this process queues for the outbox's lock. */
    private void awaitWaitingForOutboxTurn(Future<JobExecution> execution) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outboxStepLock.waiting() == 0) {
            assertThat(execution)
                    .as("the run ended before it reached a step that plans")
                    .isNotDone();
            assertThat(System.nanoTime()).as("the run waits within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Waits until a run of this process queues for the rate step's lock. */
    private void awaitWaitingToRate(Future<JobExecution> execution) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rateStepLock.waiting() == 0) {
            assertThat(execution)
                    .as("the run ended before it reached its rate step")
                    .isNotDone();
            assertThat(System.nanoTime()).as("the run waits within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    JobExecution run(String date, Path input, Path prices) throws Exception {
        return runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                prices));
    }

    // --- helpers

    JobExecution run(String date, Path input, Path customers, Path plans) throws Exception {
        return runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                plans,
                FIXTURES.resolve("job-prices.csv")));
    }

    JobExecution run(String date, Path input) throws Exception {
        return runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));
    }

    Path folder(String name) throws IOException {
        return Files.createDirectories(
                workDir().resolve("input-" + System.nanoTime()).resolve(name));
    }

    static void write(Path file, String... rows) throws IOException {
        UsageFixtures.write(file, rows);
    }

    static byte[] gzip(String[] rows) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write((HEADER + "\n" + String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static String[] rows(String prefix, LocalDate day, int count, long seed) {
        return UsageFixtures.rows(prefix, day, count, seed, "alice", "bob", "bob", "dave");
    }

    /** Runs {@code date} while no usage can be stored, as when the database goes away in the middle of ingest. */
    JobExecution runWhileUsageCannotBeStored(String date, Path input) throws Exception {
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "usage_hourly")) {
            return run(date, input);
        }
    }

    /** Runs {@code date} while no rated aggregate can be stored: the run fails in its rate step, its files read. */
    JobExecution runWhileRatingsCannotBeStored(String date, Path input) throws Exception {
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "rated_aggregate")) {
            return run(date, input);
        }
    }

    static String[] shiftDays(String[] rows, int days) {
        String[] shifted = new String[rows.length];
        for (int i = 0; i < rows.length; i++) {
            String[] fields = rows[i].split(",", -1);
            fields[1] = Instant.parse(fields[1]).plusSeconds(86_400L * days).toString();
            shifted[i] = String.join(",", fields);
        }
        return shifted;
    }

    Path runFolder(JobExecution execution) {
        return RunFolders.of(
                properties.runsDir(),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    JsonNode report(JobExecution execution) {
        return RunReportListener.JSON.readTree(
                runFolder(execution).resolve("report.json").toFile());
    }

    /** customer|model|token type → tokens|cost|billed, in report order. */
    static Map<String, String> totals(JsonNode report) {
        Map<String, String> totals = new LinkedHashMap<>();
        for (JsonNode total : report.get("totals")) {
            totals.put(
                    total.get("customer_id").asString() + "|"
                            + total.get("model").asString() + "|"
                            + total.get("token_type").asString(),
                    total.get("tokens").asLong() + "|" + total.get("cost_usd").asString() + "|"
                            + total.get("billed_usd").asString());
        }
        return totals;
    }

    /** One line per stored aggregate of a day: hour|customer|model|type|tokens|cost|billed|revision|rated run. */
    List<String> aggregates(String date) {
        Instant from =
                LocalDate.parse(date).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        return jdbc.query(
                "SELECT customer_id, model, token_type, hour_start, tokens, cost_usd, billed_usd, revision, rated_run"
                        + " FROM rated_aggregate WHERE hour_start >= ? AND hour_start < ?"
                        + " ORDER BY hour_start, customer_id, model, token_type, service_tier",
                (rs, rowNum) -> String.join(
                        "|",
                        io.tokentally.shared.SqlTime.read(rs, "hour_start").toString(),
                        rs.getString("customer_id"),
                        rs.getString("model"),
                        rs.getString("token_type"),
                        Long.toString(rs.getLong("tokens")),
                        rs.getBigDecimal("cost_usd").stripTrailingZeros().toPlainString(),
                        rs.getBigDecimal("billed_usd").stripTrailingZeros().toPlainString(),
                        Long.toString(rs.getLong("revision")),
                        Long.toString(rs.getLong("rated_run"))),
                io.tokentally.shared.SqlTime.utc(from),
                io.tokentally.shared.SqlTime.utc(from.plusSeconds(86_400)));
    }

    /** hour (two digits)|customer|token type → revision, for one day's aggregates. */
    Map<String, Long> revisions(String date) {
        Map<String, Long> revisions = new LinkedHashMap<>();
        for (String row : aggregates(date)) {
            String[] f = row.split("\\|");
            revisions.put(f[0].substring(11, 13) + "|" + f[1] + "|" + f[3], Long.parseLong(f[7]));
        }
        return revisions;
    }
}
