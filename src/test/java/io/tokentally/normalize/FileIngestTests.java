package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageFormats;
import io.tokentally.pricing.PriceCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/** A file's pass on the embedded database: duplicates within a file, across runs, and across files read at once. */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class FileIngestTests {

    static final Path WORK = TempFolders.create("tokentally-file-ingest-");
    static final PriceCatalog CATALOG = UsageNormalizerTests.CATALOG;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    FileRegistry registry;

    @Autowired
    UsageFormats formats;

    @Autowired
    UsageStore store;

    @Autowired
    SnapshotStore snapshots;

    @Autowired
    RejectRepository rejects;

    @Autowired
    DuplicateConflictRepository conflicts;

    @Autowired
    IngestCommitLock lock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    /** The committed keys the files of a test share, as the passes of a run do; null: one per file. */
    private CommittedKeys runKeys;

    @Test
    void filesReadOneAfterAnotherWithTheRunsCommittedKeysSeeEveryFileCommittedBeforeThem() throws Exception {
        // given: the committed keys of a run, which a first file's pass looked at before anything of the source
        // was committed
        String source = "thread-" + UUID.randomUUID();
        CommittedKeys.Pool pool = new CommittedKeys.Pool(store::loadKeys);
        runKeys = pool.take(1);
        FileIngest first = ingest(source, "a.csv", row("r1", 100), row("r2", 200));
        first.readAll(record -> {});
        commit(first, 1);
        pool.giveBack(1, runKeys);

        // when: two more files are read in turn, each by a next pass of the run after the one before committed
        runKeys = pool.take(1);
        FileIngest second = ingest(source, "b.csv", row("r2", 200), row("r3", 300));
        second.readAll(record -> {});
        commit(second, 1);
        pool.giveBack(1, runKeys);
        runKeys = pool.take(1);
        FileIngest third = ingest(source, "c.csv", row("r1", 100), row("r3", 300), row("r4", 400));
        third.readAll(record -> {});
        commit(third, 1);

        // then: each file's repeats of the files before it are duplicates, so every token is counted once
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(third.counts()).isEqualTo(new FileCounts(3, 1, 0, 2, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(100 + 200 + 300 + 400);
    }

    @Test
    void rowsTwoFilesReadAtOnceBothHoldAreCountedOnceByTheFileCommittedFirst() throws Exception {
        // given: two files with three request ids in common, read before either is committed
        String source = "race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100), row("r2", 200), row("r3", 300), row("r4", 400));
        FileIngest second = ingest(source, "b.csv", row("r2", 200), row("r3", 300), row("r4", 400), row("r5", 500));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when: the first commits, then the second settles under the lock and commits
        commit(first, 1);
        commit(second, 1);

        // then: r2..r4 are duplicates in the second file, and every token is counted once
        assertThat(first.counts()).isEqualTo(new FileCounts(4, 4, 0, 0, 0, 0));
        assertThat(second.counts()).isEqualTo(new FileCounts(4, 1, 0, 3, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(100 + 200 + 300 + 400 + 500);
    }

    @Test
    void aFileReadAgainNamesTheFileThatCommittedItsIdsAndPassesOnEveryRecordOfTheSecondPass(CapturedOutput output)
            throws Exception {
        // given: two files with r2 in common, read before either is committed; the first commits
        String source = "again-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100), row("r2", 200));
        FileIngest second = ingest(source, "b.csv", row("r2", 200), row("r3", 300), row("r4", 400));
        first.readAll(record -> {});
        second.readAll(record -> {});
        List<Long> firstReadAgain = new ArrayList<>();
        commit(first, 1, record -> firstReadAgain.add(record.lineNo()));

        // when: the second settles under the lock and commits
        List<Long> secondReadAgain = new ArrayList<>();
        commit(second, 1, record -> secondReadAgain.add(record.lineNo()));

        // then: only the second is read again, every line of it, and the log names both files
        assertThat(firstReadAgain).isEmpty();
        assertThat(secondReadAgain).containsExactly(2L, 3L, 4L);
        assertThat(output)
                .contains(path(source, "b.csv") + " (file " + fileId(source, "b.csv") + ") is read again: "
                        + path(source, "a.csv") + " (file " + fileId(source, "a.csv") + "), a file of source " + source
                        + " committed since it was read, holds request ids");
        assertThat(second.counts()).isEqualTo(new FileCounts(3, 2, 0, 1, 0, 0));
    }

    @Test
    void aRowCommittedByAnEarlierRunIsADuplicateAndARepeatWithinTheFileToo() throws Exception {
        // given: an earlier run committed r1
        String source = "late-" + UUID.randomUUID();
        FileIngest earlier = ingest(source, "day.csv", row("r1", 100));
        earlier.readAll(record -> {});
        commit(earlier, 1);

        // when: a late file repeats r1, and holds r2 twice
        FileIngest late = ingest(source, "late.csv", row("r1", 100), row("r2", 200), row("r2", 200));
        late.readAll(record -> {});
        commit(late, 2);

        // then
        assertThat(late.counts()).isEqualTo(new FileCounts(3, 1, 0, 2, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(300);
    }

    @Test
    void aRepeatWhoseTimestampCrossesMidnightIsADuplicateOnBothSidesOfIt() throws Exception {
        // given: an earlier run committed r1 at 23:59:58 and r2 at 00:00:01 of the next day
        String source = "midnight-" + UUID.randomUUID();
        FileIngest earlier = ingest(
                source, "day.csv", row("r1", 100, "2026-10-05T23:59:58Z"), row("r2", 200, "2026-10-06T00:00:01Z"));
        earlier.readAll(record -> {});
        commit(earlier, 1);

        // when: a late file repeats r1 just after midnight and r2 just before it, and holds r3 on
        // both sides of midnight
        FileIngest late = ingest(
                source,
                "late.csv",
                row("r1", 100, "2026-10-06T00:00:02Z"),
                row("r2", 200, "2026-10-05T23:59:59Z"),
                row("r3", 300, "2026-10-05T23:59:59Z"),
                row("r3", 300, "2026-10-06T00:00:03Z"));
        late.readAll(record -> {});
        commit(late, 2);

        // then: each request counts once, on the day of its first copy
        assertThat(late.counts()).isEqualTo(new FileCounts(4, 1, 0, 3, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(600);
    }

    @Test
    void twoFilesReadAtOnceWithOneRequestOnEitherSideOfMidnightCountItOnce() throws Exception {
        // given: both files hold r1, stamped on different UTC days, read before either is committed
        String source = "midnight-race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100, "2026-10-05T23:59:59Z"));
        FileIngest second =
                ingest(source, "b.csv", row("r1", 100, "2026-10-06T00:00:01Z"), row("r2", 200, "2026-10-06T00:00:02Z"));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when
        commit(first, 1);
        commit(second, 1);

        // then: the second file gives r1 back
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(300);
    }

    @Test
    void aFileReadAtOnceGivesBackEachOfItsCopiesThatTheOtherFilesCopyIsWithinADayOf() throws Exception {
        // given: b.csv holds r1 two days apart, so both copies count; a.csv holds r1 between them, within a day of
        // each; both files are read before either commits
        String source = "between-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100, "2026-10-06T12:00:00Z"));
        FileIngest second =
                ingest(source, "b.csv", row("r1", 100, "2026-10-05T12:00:00Z"), row("r1", 100, "2026-10-07T12:00:00Z"));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when
        commit(first, 1);
        commit(second, 1);

        // then: as if a.csv had committed before b.csv was read, both of b.csv's copies repeat a.csv's
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 0, 0, 2, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(100);
    }

    @Test
    void aRepeatInTheSameFileWithoutTheContextTierItsFirstCopyStatedIsAConflict() throws Exception {
        // given: one file with r1 stating the long context tier, then r1 again without one (standard, derived)
        String source = "stated-tier-" + UUID.randomUUID();
        Path file = WORK.resolve(source).resolve("day.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(
                file,
                "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens,context_tier\n"
                        + "r1,2026-10-05T10:15:00Z,alice,anthropic,claude-sonnet-4-5,1000,10,long\n"
                        + "r1,2026-10-05T10:15:00Z,alice,anthropic,claude-sonnet-4-5,1000,10,\n");
        FileIngest ingest = register(source, file, "usage-csv");

        // when
        ingest.readAll(record -> {});
        commit(ingest, 1);

        // then: read with the same prices, the copies bill differently, so the repeat is kept as a conflict
        assertThat(ingest.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(conflicts(source, "day.csv")).containsExactly("3 r1");
    }

    @Test
    void aRepeatWithOtherNumbersIsADuplicateKeptAsAConflictAndAPlainRepeatIsNot() throws Exception {
        // given: an earlier run committed r1 with 100 input tokens
        String source = "conflict-" + UUID.randomUUID();
        FileIngest earlier = ingest(source, "day.csv", row("r1", 100));
        earlier.readAll(record -> {});
        commit(earlier, 1);

        // when: a late file repeats r1 with 150 (line 2) and with 100 an hour later (line 3), holds r2 with
        // 200 then 250 (lines 4 and 5), r3 twice alike (lines 6 and 7) and r4 once as an error row and once
        // as ok (lines 8 and 9)
        FileIngest late = ingest(
                source,
                "late.csv",
                row("r1", 150),
                row("r1", 100, "2026-10-05T11:15:00Z"),
                row("r2", 200),
                row("r2", 250),
                row("r3", 300),
                row("r3", 300),
                row("r4", 400).replace(",ok", ",error"),
                row("r4", 400));
        late.readAll(record -> {});
        commit(late, 2);

        // then: the first copies count; the repeats with other numbers or another status are conflicts
        assertThat(late.counts()).isEqualTo(new FileCounts(8, 3, 0, 5, 0, 1));
        assertThat(inputTokens(source)).isEqualTo(100 + 200 + 300 + 400);
        assertThat(conflicts(source, "late.csv")).containsExactly("2 r1", "5 r2", "9 r4");
    }

    @Test
    void aRowAFileReadAtOnceCommittedFirstWithOtherNumbersIsAConflictWhenGivenBack() throws Exception {
        // given: both files hold r1 with other numbers, and r2 alike, read before either is committed
        String source = "conflict-race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100), row("r2", 200));
        FileIngest second = ingest(source, "b.csv", row("r2", 200), row("r1", 120));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when
        commit(first, 1);
        commit(second, 1);

        // then
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 0, 0, 2, 0, 0));
        assertThat(conflicts(source, "b.csv")).containsExactly("3 r1");
        assertThat(conflicts(source, "a.csv")).isEmpty();
    }

    @Test
    void givenBackRowsAreComparedWithTheCopyOfTheFileCommittedFirstNotWithTheirOwnFirstCopy() throws Exception {
        // given: b.csv holds r1 as 120 then 100, and r2 as 120 twice; a.csv holds both as 100 and commits first
        String source = "conflict-again-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100), row("r2", 100));
        FileIngest second = ingest(source, "b.csv", row("r1", 120), row("r1", 100), row("r2", 120), row("r2", 120));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when
        commit(first, 1);
        commit(second, 1);

        // then: line 3 matches the billed copy, line 5 does not (though it matched its own first copy)
        assertThat(second.counts()).isEqualTo(new FileCounts(4, 0, 0, 4, 0, 0));
        assertThat(conflicts(source, "b.csv")).containsExactly("2 r1", "4 r2", "5 r2");
    }

    @Test
    void aGivenBackRowsLaterCopyAcrossMidnightIsComparedWithTheCopyOfTheFileCommittedFirstToo() throws Exception {
        // given: b.csv holds r1 as 120 just before midnight and as 100 just after; a.csv holds it as 100
        String source = "conflict-midnight-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100, "2026-10-05T23:59:59Z"));
        FileIngest second =
                ingest(source, "b.csv", row("r1", 120, "2026-10-05T23:59:58Z"), row("r1", 100, "2026-10-06T00:00:01Z"));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when
        commit(first, 1);
        commit(second, 1);

        // then: line 3 matches the billed copy
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 0, 0, 2, 0, 0));
        assertThat(conflicts(source, "b.csv")).containsExactly("2 r1");
    }

    @Test
    void aRepeatOfAKeyStoredWithoutItsFingerprintIsAPlainDuplicate() throws Exception {
        // given: r1 committed before fingerprints were kept
        String source = "unprinted-" + UUID.randomUUID();
        FileIngest earlier = ingest(source, "day.csv", row("r1", 100));
        earlier.readAll(record -> {});
        commit(earlier, 1);
        jdbc.update(
                "UPDATE usage_key_block SET request_fingerprints = NULL WHERE file_id IN"
                        + " (SELECT file_id FROM ingested_file WHERE source = ?)",
                source);

        // when
        FileIngest late = ingest(source, "late.csv", row("r1", 150));
        late.readAll(record -> {});
        commit(late, 2);

        // then: its numbers cannot be compared, so the repeat is a duplicate and nothing more
        assertThat(late.counts()).isEqualTo(new FileCounts(1, 0, 0, 1, 0, 0));
        assertThat(conflicts(source, "late.csv")).isEmpty();
    }

    @ParameterizedTest(name = "dedup-days={0}")
    @CsvSource({"1, 1, 0, 200", "2, 0, 1, 100"})
    void aRepeatTwoDaysApartIsCountedAgainUnlessDedupLooksTwoDaysEitherSide(
            int dedupDays, long accepted, long duplicates, long tokens) throws Exception {
        // given: r1 committed on 2026-10-05; dedup looks dedupDays UTC days either side, not at all history
        String source = "far-" + dedupDays + "-" + UUID.randomUUID();
        FileIngest earlier = ingest(source, "day.csv", row("r1", 100, "2026-10-05T12:00:00Z"));
        earlier.readAll(record -> {});
        commit(earlier, 1);
        Path file = WORK.resolve(source).resolve("late.csv");
        UsageFixtures.write(file, row("r1", 100, "2026-10-07T12:00:00Z"));

        // when
        FileIngest late = register(source, file, "usage-csv", dedupDays);
        late.readAll(record -> {});
        commit(late, 2);

        // then
        assertThat(late.counts()).isEqualTo(new FileCounts(1, accepted, 0, duplicates, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(tokens);
    }

    @Test
    void anOlderExportCommittedAfterANewerOneOfTheSameBucketsChangesNothing() throws Exception {
        // given: two exports of one bucket, registered older first, both read before either commits
        String source = "snapshots-" + UUID.randomUUID();
        FileIngest older = export(source, "older.json", vercelDay(1_000, 100));
        FileIngest newer = export(source, "newer.json", vercelDay(1_500, 100));
        older.readAll(record -> {});
        newer.readAll(record -> {});

        // when: the newer commits first, then the older
        commit(newer, 1);
        commit(older, 1);

        // then: the newer numbers stand; the older file's bucket is a duplicate
        assertThat(newer.counts()).isEqualTo(new FileCounts(1, 1, 0, 0, 0, 0));
        assertThat(older.counts()).isEqualTo(new FileCounts(1, 0, 0, 1, 0, 0));
        assertThat(older.replacedBuckets()).isZero();
        assertThat(inputTokens(source)).isEqualTo(1_500);
    }

    @Test
    void unattributedCountsTheBillableRowsOfUnknownCustomersAndErrorRowsCountAsErrorsOnly() throws Exception {
        // given: zed is in no customers file; one of zed's rows and one of alice's are error rows
        String source = "unattributed-" + UUID.randomUUID();
        FileIngest ingest = ingest(
                source,
                "gateway.csv",
                "z1,2026-10-05T10:00:00Z,zed,openai,gpt-4o-mini,100,0,0,0,10,0,,ok",
                "z2,2026-10-05T10:05:00Z,zed,openai,gpt-4o-mini,100,0,0,0,10,0,,error",
                "a1,2026-10-05T10:10:00Z,alice,openai,gpt-4o-mini,100,0,0,0,10,0,,error");

        // when
        ingest.readAll(record -> {});
        commit(ingest, 1);

        // then: read, accepted, rejected, duplicates, unattributed (billable only), error rows
        assertThat(ingest.counts()).isEqualTo(new FileCounts(3, 3, 0, 0, 1, 2));
    }

    @Test
    void aRowThatWouldTakeItsHoursTotalPastWhatOneRowMayHoldIsRejectedAndTheOthersCount() throws Exception {
        // given: alice's gpt-4o-mini rows of one hour at 6 x 10^14 input tokens each, and one in the next hour;
        // 9,300 such rows would take a sum past a long's range and fail the file on every run
        String source = "too-large-" + UUID.randomUUID();
        FileIngest ingest = ingest(
                source,
                "huge.csv",
                row("r1", 600_000_000_000_000L),
                row("r2", 400_000_000_000_000L),
                row("r3", 1L),
                row("r4", 600_000_000_000_000L, "2026-10-05T11:00:00Z"));

        // when
        ingest.readAll(record -> {});
        commit(ingest, 1);

        // then: r3 would take the hour's input past 10^15 and is rejected; r4's hour is another total
        assertThat(ingest.counts()).isEqualTo(new FileCounts(4, 3, 1, 0, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(1_600_000_000_000_000L);
        assertThat(jdbc.queryForObject(
                        "SELECT CONCAT(r.line_no, ' ', r.reason_code, ' ', r.message) FROM reject r"
                                + " JOIN ingested_file f ON f.file_id = r.file_id WHERE f.source = ?",
                        String.class,
                        source))
                .isEqualTo("4 NUMBER_TOO_LARGE with this row, the input of customer alice on openai/gpt-4o-mini in"
                        + " the hour from 2026-10-05T10:00:00Z would add up to more than 1000000000000000 in this"
                        + " file: a file's total of a customer, model and hour is kept within what one row may hold");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // minutes apart, so their price epochs differ
        "held for its tier (gpt-4o-mini has no priority price), gpt-4o-mini, priority, 600000000000000, 1",
        // each row's input kept to find its tier once priced: rows of other inputs are one total still
        "held for want of any price (two inputs), gpt-9-ultra, standard, 500000000000000, 0",
    })
    void theHoursLimitHoldsForHeldUsage(String held, String model, String tier, long secondInput, int accepted)
            throws Exception {
        // given: two rows of one hour, the first of 6 x 10^14 input tokens, both held
        String source = "too-large-held-" + UUID.randomUUID();
        FileIngest ingest = ingest(
                source,
                "huge-held.csv",
                "p1,2026-10-05T10:10:00Z,alice,openai," + model + ",600000000000000,0,0,0,0,0," + tier + ",ok",
                "p2,2026-10-05T10:20:00Z,alice,openai," + model + "," + secondInput + ",0,0,0,0,0," + tier + ",ok");

        // when
        ingest.readAll(record -> {});
        commit(ingest, 1);

        // then: the second would take the hour's input past 10^15 and is rejected (held rows of an unpriced model
        // count as rejected NO_PRICE, and are kept)
        assertThat(ingest.counts()).isEqualTo(new FileCounts(2, accepted, 2 - accepted, 0, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(600_000_000_000_000L);
        assertThat(rejectsOf(source)).contains("huge-held.csv NUMBER_TOO_LARGE");
    }

    @Test
    void aRowRejectedForItsHoursTotalWhileReadAtOnceIsARepeatOfTheCopyOfTheFileCommittedFirst() throws Exception {
        // given: b.csv holds r0, then r1 at 10:20 (past the 10:00 hour's limit with r0), then r1 again at 11:00,
        // which counts; a.csv holds r1 too, and both are read before either commits
        String source = "too-large-race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100, "2026-10-05T11:00:00Z"));
        FileIngest second = ingest(
                source,
                "b.csv",
                row("r0", 600_000_000_000_000L),
                row("r1", 600_000_000_000_000L, "2026-10-05T10:20:00Z"),
                row("r1", 100, "2026-10-05T11:00:00Z"));
        first.readAll(record -> {});
        second.readAll(record -> {});

        // when a.csv commits first
        commit(first, 1);
        commit(second, 1);

        // then b.csv is as if read after a.csv committed: both its copies of r1 repeat a.csv's, none is rejected
        assertThat(inputTokens(source)).isEqualTo(600_000_000_000_100L);
        assertThat(second.counts()).isEqualTo(new FileCounts(3, 1, 0, 2, 0, 0));
        assertThat(rejectsOf(source)).isEmpty();
        assertThat(conflicts(source, "b.csv")).containsExactly("3 r1");
    }

    @Test
    void aCopyTwoDaysFromTheCopyOfTheFileCommittedFirstCountsThoughItRepeatedACopyOfItsOwnFileThatDidNot()
            throws Exception {
        // given: a.csv holds r1 on 10-04; b.csv holds r1 on 10-05 (a repeat of a.csv's) and on 10-06 (two days from
        // it, so not one), and counted its 10-05 copy, with the 10-06 one its repeat, having been read first
        String source = "chain-race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row("r1", 100, "2026-10-04T10:00:00Z"));
        FileIngest second =
                ingest(source, "b.csv", row("r1", 100, "2026-10-05T10:00:00Z"), row("r1", 300, "2026-10-06T10:00:00Z"));
        second.readAll(record -> {});
        first.readAll(record -> {});

        // when a.csv commits first
        commit(first, 1);
        commit(second, 1);

        // then as with one file read after the other: the 10-06 copy counts
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(100 + 300);
        assertThat(conflicts(source, "b.csv")).isEmpty();
    }

    @ParameterizedTest(name = "a.csv holds {0}")
    @ValueSource(strings = {"r8", "r9"})
    void aFileReadAtOnceWithARowPastItsHoursLimitIsJudgedAsIfTheFileCommittedFirstHadBeenReadBeforeIt(String shared)
            throws Exception {
        // given: b.csv holds r8, then r9 past the hour's limit with it (6 x 10^14 input tokens each); a.csv holds
        // one of them alike (r8: b.csv counted its copy; r9: b.csv counted no row a.csv holds); read at once
        String source = "limit-race-" + UUID.randomUUID();
        FileIngest first = ingest(source, "a.csv", row(shared, 600_000_000_000_000L, "2026-10-05T10:20:00Z"));
        FileIngest second = ingest(
                source,
                "b.csv",
                row("r8", 600_000_000_000_000L, "2026-10-05T10:20:00Z"),
                row("r9", 600_000_000_000_000L, "2026-10-05T10:20:00Z"));
        second.readAll(record -> {});
        first.readAll(record -> {});

        // when a.csv commits first
        commit(first, 1);
        commit(second, 1);

        // then the shared row is a repeat in b.csv and the other counts: no row is rejected
        assertThat(second.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(1_200_000_000_000_000L);
        assertThat(rejectsOf(source)).isEmpty();
    }

    @Test
    void aRowRejectedForItsHoursTotalIsARepeatInTheChangedFileWhoseTotalNoLongerHoldsTheRowsBeforeIt()
            throws Exception {
        // given: big.csv with big (10^15 input tokens) and over (1 more, past the hour's limit: rejected), read
        String source = "too-large-changed-" + UUID.randomUUID();
        FileIngest first = ingest(source, "big.csv", row("big", 1_000_000_000_000_000L), row("over", 1L));
        first.readAll(record -> {});
        commit(first, 1);
        Path file = WORK.resolve(source).resolve("big.csv");

        // when a row is added to the file, and its new content is read (big is a duplicate there)
        UsageFixtures.write(
                file, row("big", 1_000_000_000_000_000L), row("over", 1L), row("new", 5L, "2026-10-05T11:00:00Z"));
        long firstId =
                jdbc.queryForObject("SELECT file_id FROM ingested_file WHERE path = ?", Long.class, file.toString());
        FileIngest changed = register(source, file, "usage-csv", 1, firstId);
        changed.readAll(record -> {});
        List<Long> readAgain = new ArrayList<>();
        commit(changed, 2, record -> readAgain.add(record.lineNo()));

        // then the version it changed from committed long before, so it is read once; over is a repeat of the
        // line the first version rejected, not billed: only new counts
        assertThat(readAgain).isEmpty();
        assertThat(changed.counts()).isEqualTo(new FileCounts(3, 1, 0, 2, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(1_000_000_000_000_005L);
        assertThat(rejectsOf(source)).containsExactly("big.csv NUMBER_TOO_LARGE", "big.csv NUMBER_TOO_LARGE");
    }

    @Test
    void aChangedFileReadWhileTheVersionItChangedFromCommitsRepeatsThatVersionsBadLines(CapturedOutput output)
            throws Exception {
        // given: a file's first version, registered but not read, holding a bad line only
        String source = "earlier-version-" + UUID.randomUUID();
        FileIngest first = ingest(source, "day.csv", row("bad", -1));
        Path file = WORK.resolve(source).resolve("day.csv");
        long firstId =
                jdbc.queryForObject("SELECT file_id FROM ingested_file WHERE path = ?", Long.class, file.toString());

        // when: its next version (the bad line and a new row; where the file is read from does not matter here) is
        // read before the first commits (another run's)
        Path next = WORK.resolve(source).resolve("day-next.csv");
        UsageFixtures.write(next, row("bad", -1), row("new", 5L));
        FileIngest changed = register(source, next, "usage-csv", 1, firstId);
        changed.readAll(record -> {});
        first.readAll(record -> {});
        commit(first, 1);
        commit(changed, 2);

        // then: the next version is read again, and its bad line is a repeat of the first version's reject
        assertThat(first.counts()).isEqualTo(new FileCounts(1, 0, 1, 0, 0, 0));
        assertThat(changed.counts()).isEqualTo(new FileCounts(2, 1, 0, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(5L);
        assertThat(output)
                .contains(next + " (file " + fileId(source, "day-next.csv") + ") is read again: the version it"
                        + " changed from (file " + firstId
                        + ") was committed since it was read");
    }

    @Test
    void aBucketRepeatedInOneFileWithOtherNumbersIsRejectedAndTheFirstKept() throws Exception {
        // given: one file holding the same bucket three times: twice alike, once with other numbers
        String source = "snapshots-" + UUID.randomUUID();
        FileIngest ingest =
                export(source, "pages.json", vercelDay(1_000, 100) + vercelDay(1_000, 100) + vercelDay(2_000, 100));

        // when
        ingest.readAll(record -> {});
        commit(ingest, 1);

        // then
        assertThat(ingest.counts()).isEqualTo(new FileCounts(3, 1, 1, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(1_000);
        assertThat(rejectsOf(source)).containsExactly("pages.json CONFLICTING_BUCKET");
    }

    @Test
    void aBucketOfAModelWithoutAPriceIsRejectedAsNoPriceAsARequestRowIsAndItsRepeatIsADuplicate() throws Exception {
        // given: a bucket of a model the catalog does not price, exported twice alike
        String source = "snapshots-" + UUID.randomUUID();
        FileIngest first = export(source, "first.json", vercelDay("openai/gpt-9-ultra", 1_000, 100));
        FileIngest again = export(source, "again.json", vercelDay("openai/gpt-9-ultra", 1_000, 100));

        // when
        first.readAll(record -> {});
        commit(first, 1);
        again.readAll(record -> {});
        commit(again, 2);

        // then: the first is held and listed as NO_PRICE, counted as rejected (not accepted, not unattributed);
        // the repeat is a duplicate with no reject line of its own
        assertThat(first.counts()).isEqualTo(new FileCounts(1, 0, 1, 0, 0, 0));
        assertThat(again.counts()).isEqualTo(new FileCounts(1, 0, 0, 1, 0, 0));
        assertThat(inputTokens(source)).isEqualTo(1_000);
        assertThat(rejectsOf(source)).containsExactly("first.json NO_PRICE");
    }

    /** A page of Vercel's report with one bucket: a day of alice's gpt-4o-mini. */
    private static String vercelDay(long input, long output) {
        return vercelDay("openai/gpt-4o-mini", input, output);
    }

    /** A page of Vercel's report with one bucket: a day of alice's {@code model}. */
    private static String vercelDay(String model, long input, long output) {
        return "{\"results\": [{\"day\": \"2026-10-05\", \"model\": \"" + model + "\", \"user\": \"alice\","
                + " \"input_tokens\": " + input + ", \"output_tokens\": " + output
                + ", \"cached_input_tokens\": 0, \"request_count\": 3}]}\n";
    }

    private FileIngest export(String source, String name, String content) throws IOException {
        Path file = WORK.resolve(source).resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return register(source, file, "vercel-ai-gateway-report");
    }

    private void commit(FileIngest ingest, long run) {
        commit(ingest, run, record -> {});
    }

    private void commit(FileIngest ingest, long run, Consumer<RawRecord> onRecordReadAgain) {
        transactions.executeWithoutResult(status -> {
            lock.holdUntilTransactionEnds();
            try {
                ingest.readAgainIfOthersCommitted(onRecordReadAgain);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ingest.store(run);
        });
    }

    private long fileId(String source, String name) {
        return jdbc.queryForObject("SELECT file_id FROM ingested_file WHERE path = ?", Long.class, path(source, name));
    }

    private static String path(String source, String name) {
        return WORK.resolve(source).resolve(name).toString();
    }

    private FileIngest ingest(String source, String name, String... rows) throws IOException {
        Path file = WORK.resolve(source).resolve(name);
        Files.createDirectories(file.getParent());
        UsageFixtures.write(file, rows);
        return register(source, file, "usage-csv");
    }

    private FileIngest register(String source, Path file, String format) throws IOException {
        return register(source, file, format, 1);
    }

    private FileIngest register(String source, Path file, String format, int dedupDays) throws IOException {
        return register(source, file, format, dedupDays, null);
    }

    /** @param changedFrom the file id of the content the file had before, or null for a new file */
    private FileIngest register(String source, Path file, String format, int dedupDays, Long changedFrom)
            throws IOException {
        long id = registry.register(
                source,
                file.toString(),
                null,
                UUID.randomUUID().toString(),
                Files.size(file),
                format,
                FileStatus.PENDING,
                null,
                changedFrom,
                1);
        RegisteredFile registered = registry.find(id).orElseThrow();
        UsageFormat usageFormat = formats.named(format);
        return new FileIngest(
                registered,
                registry,
                usageFormat,
                // as the ingest step builds it: export buckets replace each other, request rows settle when priced
                new UsageNormalizer(
                        source, CATALOG, CATALOG, Set.of("alice"), PriceHolders.NONE, !usageFormat.snapshots()),
                store,
                runKeys != null ? runKeys : new CommittedKeys.Pool(store::loadKeys).take(1),
                snapshots,
                rejects,
                conflicts,
                100,
                dedupDays);
    }

    private List<String> conflicts(String source, String name) {
        return jdbc.queryForList(
                "SELECT CONCAT(c.line_no, ' ', c.request_id) FROM duplicate_conflict c"
                        + " JOIN ingested_file f ON f.file_id = c.file_id WHERE f.path = ? ORDER BY c.line_no",
                String.class,
                path(source, name));
    }

    /** The source's rejects as "file-name reason-code". */
    private List<String> rejectsOf(String source) {
        return jdbc.query(
                "SELECT f.path, r.reason_code FROM reject r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " WHERE f.source = ? ORDER BY f.file_id, r.line_no",
                (rs, n) -> Path.of(rs.getString(1)).getFileName() + " " + rs.getString(2),
                source);
    }

    private long inputTokens(String source) {
        return jdbc.queryForObject(
                "SELECT SUM(u.input_tokens) FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
                        + " WHERE f.source = ?",
                Long.class,
                source);
    }

    private static String row(String requestId, long input) {
        return row(requestId, input, "2026-10-05T10:15:00Z");
    }

    private static String row(String requestId, long input, String timestamp) {
        return requestId + "," + timestamp + ",alice,openai,gpt-4o-mini," + input + ",0,0,0,0,0,,ok";
    }
}
