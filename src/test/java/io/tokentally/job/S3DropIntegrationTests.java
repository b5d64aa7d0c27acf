package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.S3MockServer;
import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.ingest.S3ObjectMarker;
import io.tokentally.ingest.S3Source;
import io.tokentally.ingest.S3Stager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/** The S3 drop folder against a real S3-compatible server (S3Mock): the watcher, the claim, the marks. */
@SpringBootTest
class S3DropIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-s3-");
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final String BUCKET = "tt-drop-" + UUID.randomUUID().toString().substring(0, 8);
    static S3Client s3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        S3MockServer.addEngineSettings(registry);
        registry.add("tokentally.s3.watch", () -> "true");
        registry.add("tokentally.s3.drop", () -> "drop=s3://" + BUCKET + "/incoming/");
        registry.add("tokentally.s3.poll-interval", () -> "1h");
        registry.add("tokentally.balances.export-s3-uri", () -> "s3://" + BUCKET + "/published/balances.json");
        registry.add(
                "tokentally.customers-file",
                () -> FIXTURES.resolve("job-customers.csv").toString());
        registry.add(
                "tokentally.plans-file",
                () -> FIXTURES.resolve("job-plans.yaml").toString());
        registry.add(
                "tokentally.prices-file",
                () -> FIXTURES.resolve("job-prices.csv").toString());
    }

    @Autowired
    S3DropWatcher watcher;

    @Autowired
    S3Stager stager;

    @Autowired
    S3ObjectMarker marker;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Clock clock;

    @Autowired
    BillingRuns runs;

    @Autowired
    org.springframework.batch.core.launch.JobOperator jobOperator;

    @Autowired
    org.springframework.batch.core.repository.JobRepository jobRepository;

    @BeforeAll
    static void bucket() {
        s3 = S3MockServer.client();
        s3.createBucket(request -> request.bucket(BUCKET));
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    @Test
    void aNewObjectIsIngestedOnceAndMovedToProcessed() throws Exception {
        // given
        put("incoming/day one.csv", rows("new", 20));

        // when
        JobExecution execution = watcher.poll().orElseThrow();
        Optional<JobExecution> again = watcher.poll();

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fileCounts(execution, "day one.csv")).isEqualTo(Map.of("read", 20L, "accepted", 20L));
        assertThat(keys()).doesNotContain("incoming/day one.csv").contains("processed/incoming/day one.csv");
        assertThat(tags("processed/incoming/day one.csv")).containsEntry("tokentally-status", "processed");
        assertThat(again).as("nothing new to read").isEmpty();
    }

    @Test
    void anObjectsRejectsAndFindingsNameItsUriAndItsStagingFileIsDeletedOnceItIsMarked() throws Exception {
        // given an object whose fifth line has no request id and whose sixth is for a customer not in the file
        put(
                "incoming/with-reject.csv",
                rows("reject", 3) + "," + yesterday() + "T10:00:00Z,alice,openai,gpt-4o,100,0,0,0,10,0,,ok\n"
                        + "reject-zed," + yesterday() + "T10:00:00Z,zed,openai,gpt-4o,100,0,0,0,10,0,,ok\n");

        // when
        JobExecution execution = watcher.poll().orElseThrow();

        // then
        Path runFolder = io.tokentally.shared.RunFolders.of(
                WORK.resolve("runs"), RunReportListener.JOB_NAME, yesterday().toString(), execution.getId());
        assertThat(Files.readAllLines(runFolder.resolve("rejects.csv")))
                .hasSize(2)
                .element(1)
                .asString()
                .startsWith("s3://" + BUCKET + "/incoming/with-reject.csv,5,MISSING_FIELD,");
        assertThat(jdbc.queryForObject(
                        "SELECT evidence FROM finding WHERE finding_key = ?",
                        String.class,
                        "unattributed-usage:zed:" + yesterday()))
                .contains("s3://" + BUCKET + "/incoming/with-reject.csv")
                .doesNotContain("s3-staging");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void anObjectDroppedAgainIsMovedAgainAndItsContentUnderAnotherKeyIsNotCountedTwice() throws Exception {
        // given: an object ingested and moved
        String content = rows("again", 10);
        put("incoming/again.csv", content);
        watcher.poll().orElseThrow();

        // when: the same object is dropped again, and its content under another name
        put("incoming/again.csv", content);
        Optional<JobExecution> sameObject = watcher.poll();
        put("incoming/again-copy.csv", content);
        JobExecution copy = watcher.poll().orElseThrow();

        // then
        assertThat(sameObject).as("the same object version starts no run").isEmpty();
        assertThat(copy.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(outcome(copy, "again-copy.csv")).isEqualTo("ALREADY_INGESTED");
        assertThat(stagingFiles()).as("the copy's staging file too").isEmpty();
        assertThat(keys())
                .doesNotContain("incoming/again.csv", "incoming/again-copy.csv")
                .contains("processed/incoming/again.csv", "processed/incoming/again-copy.csv");
    }

    @Test
    void twoObjectsWithTheSameContentInOnePollAreReadOnceAndLeaveNoStagingFile() throws Exception {
        // given
        String content = rows("twin", 6);
        put("incoming/twin-a.csv", content);
        put("incoming/twin-b.csv", content);

        // when
        JobExecution execution = watcher.poll().orElseThrow();

        // then
        assertThat(List.of(outcome(execution, "twin-a.csv"), outcome(execution, "twin-b.csv")))
                .containsExactly("NEW", "ALREADY_INGESTED");
        assertThat(keys()).contains("processed/incoming/twin-a.csv", "processed/incoming/twin-b.csv");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void aChangedObjectCountsOnlyItsNewRequests() throws Exception {
        // given
        String[] rows = UsageFixtures.rows("changed", yesterday(), 15, 5, "alice", "bob");
        put("incoming/changing.csv", csv(List.of(rows).subList(0, 10)));
        watcher.poll().orElseThrow();

        // when: the object is replaced by a version with five more rows
        put("incoming/changing.csv", csv(List.of(rows)));
        JobExecution changed = watcher.poll().orElseThrow();

        // then
        assertThat(outcome(changed, "changing.csv")).isEqualTo("CHANGED");
        assertThat(jdbc.queryForMap(
                        "SELECT f.rows_read, f.rows_accepted, f.rows_duplicate FROM run_file r JOIN ingested_file f"
                                + " ON f.file_id = r.file_id WHERE r.ingest_run = ? AND r.path LIKE ?",
                        run(changed),
                        "%changing.csv"))
                .containsEntry("ROWS_READ", 15L)
                .containsEntry("ROWS_ACCEPTED", 5L)
                .containsEntry("ROWS_DUPLICATE", 10L);
    }

    @Test
    void aVersionPutUnderTheKeyBeforeTheReadVersionIsMarkedStaysThereAndTheNextPollReadsIt() throws Exception {
        // given a version read by a run, and the state its end leaves before marking: the claim not marked yet
        String[] rows = UsageFixtures.rows("overtaken", yesterday(), 15, 5, "alice", "bob");
        put("incoming/overtaken.csv", csv(List.of(rows).subList(0, 10)));
        watcher.poll().orElseThrow();
        s3.deleteObject(request -> request.bucket(BUCKET).key("processed/incoming/overtaken.csv"));
        jdbc.update("UPDATE s3_object SET status = 'CLAIMED' WHERE object_uri LIKE '%/incoming/overtaken.csv'");

        // when a new version lands under the key before the run marks the one it read
        put("incoming/overtaken.csv", csv(List.of(rows)));
        int marked = marker.markSettled();

        // then the new version is neither moved nor deleted, and the next poll reads its five new rows
        assertThat(marked).as("objects moved or tagged (the log's count)").isZero();
        assertThat(keys()).contains("incoming/overtaken.csv").doesNotContain("processed/incoming/overtaken.csv");
        JobExecution next = watcher.poll().orElseThrow();
        assertThat(outcome(next, "overtaken.csv")).isEqualTo("CHANGED");
        assertThat(fileCounts(next, "overtaken.csv")).containsEntry("read", 15L).containsEntry("accepted", 5L);
        assertThat(keys()).doesNotContain("incoming/overtaken.csv").contains("processed/incoming/overtaken.csv");
    }

    @Test
    void aRunOfYesterdayThatFailsForGoodIsRestartedOnceNotAtEveryPollAndTheDropIsReadOnceAPersonRestartsIt()
            throws Exception {
        // given yesterday's last run failed, and failed again when a poll restarted it
        put("incoming/failing.csv", rows("failing", 5));
        JobExecution failedAgain;
        Integer executions;
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "usage_hourly")) {
            JobExecution failed = watcher.poll().orElseThrow();
            assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
            put("incoming/waiting-too.csv", rows("waiting-too", 5));
            failedAgain = watcher.poll().orElseThrow();
            assertThat(failedAgain.getJobInstance().getInstanceId())
                    .isEqualTo(failed.getJobInstance().getInstanceId());
            assertThat(failedAgain.getStatus()).isEqualTo(BatchStatus.FAILED);
            executions = jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION", Integer.class);

            // when the watcher polls twice more
            Optional<JobExecution> first = watcher.poll();
            Optional<JobExecution> second = watcher.poll();

            // then it starts nothing, and the object put since the first failure waits
            assertThat(first).isEmpty();
            assertThat(second).isEmpty();
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION", Integer.class))
                .isEqualTo(executions);
        assertThat(stager.unclaimed(
                        S3Source.parse("drop=s3://" + BUCKET + "/incoming/").orElseThrow()))
                .containsExactly("incoming/waiting-too.csv");

        // and once a person restarts the failed run, the next poll reads it
        assertThat(runs.restart(failedAgain.getId()).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JobExecution next = watcher.poll().orElseThrow();
        assertThat(fileCounts(next, "waiting-too.csv")).isEqualTo(Map.of("read", 5L, "accepted", 5L));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void newObjectsWaitForARunOfYesterdayUnderWayAndTheWatcherSaysSoOnceNotAtEveryPoll(CapturedOutput output)
            throws Exception {
        // given: yesterday's run of the drop marked running by this process, as one started through the API is
        put("incoming/under-way.csv", rows("under-way", 5));
        JobExecution running = watcher.poll().orElseThrow();
        running.setStatus(BatchStatus.STARTED);
        jobRepository.update(running);
        running.getExecutionContext().putString(RunOwnerListener.HOST, RunOwnerListener.localHost());
        running.getExecutionContext()
                .putLong(RunOwnerListener.PID, ProcessHandle.current().pid());
        jobRepository.updateExecutionContext(running);
        put("incoming/after-it.csv", rows("after-it", 5));
        try {
            // when the watcher polls twice while it runs
            Optional<JobExecution> first = watcher.poll();
            Optional<JobExecution> second = watcher.poll();

            // then it starts nothing and says why once
            assertThat(first).isEmpty();
            assertThat(second).isEmpty();
            assertThat(output.getOut().split("is still being run by process", -1))
                    .as("said once")
                    .hasSize(2);
            assertThat(output.getOut().split("new object\\(s\\) in ", -1))
                    .as("a start said for the run started only")
                    .hasSize(2);
            assertThat(output.getOut()).contains(": started execution " + running.getId() + " of window ");
        } finally {
            running.setStatus(BatchStatus.COMPLETED);
            jobRepository.update(running);
        }

        // and the first poll after it ends reads the new object
        JobExecution next = watcher.poll().orElseThrow();
        assertThat(fileCounts(next, "after-it.csv")).isEqualTo(Map.of("read", 5L, "accepted", 5L));
    }

    @Test
    void aGzippedObjectCutShortIsMovedToFailedAndItsCompleteUploadIsReadAsANewObject() throws Exception {
        // given a gzipped log cut off in the middle, as an interrupted upload leaves it
        String[] rows = UsageFixtures.rows("cut", yesterday(), 15, 5, "alice", "bob");
        byte[] complete = NightlyBillingJobScenarios.gzip(rows);
        put("incoming/cut.csv.gz", java.util.Arrays.copyOf(complete, complete.length / 2));
        JobExecution cut = watcher.poll().orElseThrow();
        assertThat(cut.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(keys()).contains("failed/incoming/cut.csv.gz");

        // when the complete upload comes under the same key
        put("incoming/cut.csv.gz", complete);
        JobExecution whole = watcher.poll().orElseThrow();

        // then it is new, not a change of content that was never read, and every row counts
        assertThat(outcome(whole, "cut.csv.gz")).isEqualTo("NEW");
        assertThat(fileCounts(whole, "cut.csv.gz")).containsEntry("read", 15L).containsEntry("accepted", 15L);
    }

    @Test
    void aHiddenObjectIsNotReadLikeAHiddenLocalFile() throws Exception {
        // given: a copy tool's upload in flight beside a finished file (the hidden one was read, its rows counted)
        put("incoming/.hidden-upload.csv.part", rows("hidden", 7));
        put("incoming/shown.csv", rows("shown", 5));

        try {
            // when
            JobExecution execution = watcher.poll().orElseThrow();

            // then: only the finished file is read; the hidden one is left in place, unclaimed, for the next polls too
            assertThat(fileCounts(execution, "shown.csv")).isEqualTo(Map.of("read", 5L, "accepted", 5L));
            assertThat(jdbc.queryForObject(
                            "SELECT COUNT(*) FROM run_file WHERE ingest_run = ?", Long.class, run(execution)))
                    .isOne();
            assertThat(keys()).contains("incoming/.hidden-upload.csv.part");
            assertThat(watcher.poll()).isEmpty();
        } finally {
            s3.deleteObject(request -> request.bucket(BUCKET).key("incoming/.hidden-upload.csv.part"));
        }
    }

    @Test
    void anObjectNoReaderRecognizesIsMovedToFailedWithTheReason() throws Exception {
        // given
        put("incoming/notes.txt", "these are not usage rows\n");

        // when
        JobExecution execution = watcher.poll().orElseThrow();

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(keys()).doesNotContain("incoming/notes.txt").contains("failed/incoming/notes.txt");
        assertThat(tags("failed/incoming/notes.txt"))
                .containsEntry("tokentally-status", "failed")
                .hasEntrySatisfying(
                        "tokentally-reason", reason -> assertThat(reason).contains("no format reader recognizes"));
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM s3_object WHERE object_uri = ?",
                        String.class,
                        "s3://" + BUCKET + "/incoming/notes.txt"))
                .isEqualTo("FAILED");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void strangeKeysAreReadWithoutBecomingLocalPaths() throws Exception {
        // given: unicode, spaces, a parent-folder step and a key too long to move under a prefix
        String longKey = "incoming/" + "x".repeat(1_010) + ".csv";
        put("incoming/日本/ünïcode file.csv", rows("unicode", 3));
        put("incoming/../escape.csv", rows("escape", 3));
        put(longKey, rows("long", 3));

        // when
        JobExecution execution = watcher.poll().orElseThrow();

        // then: all read, none staged outside the staging folder; the long key is tagged in place
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(f.rows_accepted) FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id"
                                + " WHERE r.ingest_run = ?",
                        Long.class,
                        run(execution)))
                .isEqualTo(9);
        assertThat(stagingFiles()).isEmpty();
        assertThat(keys())
                .contains("processed/incoming/日本/ünïcode file.csv", "processed/incoming/../escape.csv", longKey);
        assertThat(tags(longKey)).containsEntry("tokentally-status", "processed");
        assertThat(Files.exists(WORK.resolve("data/escape.csv"))).isFalse();
    }

    @Test
    void aRunStoppedWhileItReadsAnObjectIsResumedAndCountsItOnce() throws Exception {
        // given: a large object, and the watcher's run stopped while it reads it
        put("incoming/large.csv", rows("large", 200_000));
        java.util.concurrent.ExecutorService background = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<Optional<JobExecution>> polled = background.submit(watcher::poll);
        long running = awaitIngestOfALargeFile();
        jobOperator.stop(jobRepository.getJobExecution(running));
        JobExecution stopped = polled.get().orElseThrow();
        background.shutdown();
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(keys()).contains("incoming/large.csv");
        assertThat(stagingFiles())
                .as("kept for the restart, named by a hash")
                .singleElement()
                .matches(path -> path.getFileName().toString().matches("[0-9a-f]{64}"));

        // when: the watcher polls again, no new object in the drop (the stopped run's object is claimed)
        JobExecution resumed = watcher.poll().orElseThrow();

        // then: it restarts the run, which finishes, and the object is read once and moved
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(stopped.getJobInstance().getInstanceId());
        assertThat(fileCounts(resumed, "large.csv")).isEqualTo(Map.of("read", 200_000L, "accepted", 200_000L));
        assertThat(keys()).doesNotContain("incoming/large.csv").contains("processed/incoming/large.csv");
        assertThat(stagingFiles()).isEmpty();
    }

    @Test
    void aResumedRunNamesTheObjectsPutUnderItsPrefixSinceItStartedAndTheNextRunOfTheDateResolvesIt() throws Exception {
        // given: a run over its own prefix and date that failed in ingest, then an object put under the prefix
        LocalDate date = LocalDate.of(2026, 10, 13);
        String input = "resumed=s3://" + BUCKET + "/resumed/";
        put("resumed/gateway.csv", csv(List.of(UsageFixtures.rows("s3-resumed", date, 200, 3, "alice", "bob"))));
        JobExecution failed;
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "usage_hourly")) {
            failed = run(date, input);
        }
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        put("resumed/late.csv", csv(List.of(UsageFixtures.rows("s3-resumed-late", date, 50, 4, "alice", "bob"))));
        // and a purchases feed, which every run reads again and the register step does not register
        put(
                "resumed/purchases-late.csv",
                "purchase_id,customer_id,amount,currency,time\n" + "resumed-pack-1,alice,5.00,USD," + date
                        + "T00:00:00Z\n");

        // when
        JobExecution resumed = run(date, input);

        // then: it reads the object it started with and names the one it leaves to the next run, by its URI
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(run(resumed)).isEqualTo(run(failed));
        assertThat(fileCounts(resumed, "resumed/gateway.csv")).isEqualTo(Map.of("read", 200L, "accepted", 200L));
        String key = "files-not-read-by-resumed-run:" + run(resumed);
        assertThat(jdbc.queryForList("SELECT message FROM finding WHERE finding_key = ?", String.class, key))
                .containsExactly(
                        "1 file(s) were added to the input folders or S3 prefixes after this run registered its files,"
                                + " and this resumed run does not read them: s3://" + BUCKET
                                + "/resumed/late.csv. The next"
                                + " run of 2026-10-13 with these inputs registers them (and reads those whose content"
                                + " was not ingested before)");
        assertThat(findingStatus(key)).isEqualTo("OPEN");
        assertThat(keys()).contains("resumed/late.csv", "processed/resumed/gateway.csv");

        // when: the date is run again
        JobExecution next = run(date, input);

        // then: that run registers and reads the object, and resolves the finding
        assertThat(next.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(run(next)).isNotEqualTo(run(resumed));
        assertThat(fileCounts(next, "resumed/late.csv")).isEqualTo(Map.of("read", 50L, "accepted", 50L));
        assertThat(findingStatus(key)).isEqualTo("RESOLVED");
        assertThat(jdbc.queryForObject("SELECT resolved_by_run FROM finding WHERE finding_key = ?", Long.class, key))
                .isEqualTo(run(next));
    }

    @Test
    void aPrefixThatCannotBeListedForAResumedRunIsAnIoExceptionWhichTheListenerLogs() {
        // given
        S3Source gone = new S3Source("gone", BUCKET + "-gone", "resumed/");

        // when / then: ResumedRunFilesListener logs it and lets the run resume
        assertThatThrownBy(() -> stager.notRegisteredBy(1L, gone))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot list gone=s3://" + BUCKET + "-gone/resumed/: ");
    }

    @Test
    void aRunOfABucketThatDoesNotExistIsRefusedBeforeItStartsNamingTheInputAndTheSettings() {
        // given
        String input = "gone=s3://" + BUCKET + "-gone/usage/";

        // when, then: no failed run of the day to be restarted with that input by the next run of it
        assertThatThrownBy(() -> run(LocalDate.parse("2026-10-02"), input))
                .isInstanceOf(ReferenceFiles.Invalid.class)
                .hasMessage("input " + input + ": bucket " + BUCKET + "-gone does not exist (tokentally.s3.endpoint)");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION_PARAMS WHERE PARAMETER_VALUE LIKE ?",
                        Long.class,
                        "%" + BUCKET + "-gone%"))
                .isZero();
    }

    @Test
    void purchasesFeedsInTheDropFolderAreLoadedLeftInPlaceAndTheBalancesExportIsPublished() throws Exception {
        // given a CSV and a JSON Lines purchases feed (one row of it bad) next to a usage object
        String day = yesterday().toString();
        put(
                "incoming/purchases-packs.csv",
                "purchase_id,customer_id,amount,currency,time\n" + "s3-pack-1,alice,25.00,USD," + day + "T00:00:00Z\n");
        put(
                "incoming/feeds/purchases-topups.jsonl",
                "{\"purchase_id\":\"s3-top-1\",\"customer_id\":\"bob\",\"amount\":\"10\",\"currency\":\"USD\","
                        + "\"time\":\"" + day + "T01:00:00Z\"}\n"
                        + "{\"purchase_id\":\"s3-top-2\",\"customer_id\":\"bob\",\"amount\":\"ten\","
                        + "\"currency\":\"USD\",\"time\":\"" + day + "T02:00:00Z\"}\n");
        put("incoming/usage-with-feeds.csv", rows("feeds", 10));

        // when
        JobExecution execution = watcher.poll().orElseThrow();

        // then the good rows are purchases named after their objects, the bad row is a finding with its line
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForList(
                        "SELECT purchase_id || ' ' || source_file FROM credit_purchase WHERE purchase_id LIKE 's3-%'"
                                + " ORDER BY purchase_id",
                        String.class))
                .containsExactly(
                        "s3-pack-1 s3://" + BUCKET + "/incoming/purchases-packs.csv",
                        "s3-top-1 s3://" + BUCKET + "/incoming/feeds/purchases-topups.jsonl");
        assertThat(jdbc.queryForList("SELECT message FROM finding WHERE kind = 'PURCHASE_REJECTED'", String.class))
                .singleElement()
                .asString()
                .contains("s3://" + BUCKET + "/incoming/feeds/purchases-topups.jsonl line 2");
        // the feeds are neither read as usage nor moved
        assertThat(keys()).contains("incoming/purchases-packs.csv", "incoming/feeds/purchases-topups.jsonl");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM s3_object WHERE object_uri LIKE '%purchases-%'", Integer.class))
                .isZero();

        // and the balances export in S3 is the run folder's balances.json, byte for byte
        Path runFolder = io.tokentally.shared.RunFolders.of(
                WORK.resolve("runs"), RunReportListener.JOB_NAME, day, execution.getId());
        byte[] published = s3.getObjectAsBytes(request -> request.bucket(BUCKET).key("published/balances.json"))
                .asByteArray();
        assertThat(published).isEqualTo(Files.readAllBytes(runFolder.resolve("balances.json")));
        tools.jackson.databind.JsonNode export =
                tools.jackson.databind.json.JsonMapper.builder().build().readTree(published);
        assertThat(export.get("balances")
                        .valueStream()
                        .map(b -> b.get("customer_id").asString()))
                .contains("alice", "bob");
        assertThat(export.get("currency").asString()).isEqualTo("USD");
    }

    private long awaitIngestOfALargeFile() throws InterruptedException {
        for (int i = 0; i < 1_500; i++) {
            List<Long> executions = jdbc.queryForList(
                    "SELECT e.JOB_EXECUTION_ID FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e"
                            + " ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID WHERE s.STEP_NAME LIKE 'ingestFileStep%'"
                            + " AND s.STATUS = 'STARTED' AND e.STATUS = 'STARTED'",
                    Long.class);
            if (!executions.isEmpty()) {
                return executions.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the watcher's run never started to ingest");
    }

    // --- helpers

    private LocalDate yesterday() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    }

    private String rows(String prefix, int count) {
        return csv(List.of(UsageFixtures.rows(prefix, yesterday(), count, 7, "alice", "bob")));
    }

    private static String csv(List<String> rows) {
        return UsageFixtures.HEADER + "\n" + String.join("\n", rows) + "\n";
    }

    /** The files in the staging folder (none if it was never made). */
    private static List<Path> stagingFiles() throws java.io.IOException {
        Path folder = WORK.resolve("data/s3-staging");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> staged = Files.list(folder)) {
            return staged.toList();
        }
    }

    private static void put(String key, String content) {
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    private static void put(String key, byte[] content) {
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }

    private static List<String> keys() {
        return s3.listObjectsV2Paginator(request -> request.bucket(BUCKET)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private static Map<String, String> tags(String key) {
        return s3.getObjectTagging(request -> request.bucket(BUCKET).key(key)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private static long run(JobExecution execution) {
        return execution.getJobInstance().getInstanceId();
    }

    private Map<String, Long> fileCounts(JobExecution execution, String name) {
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT f.rows_read, f.rows_accepted FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " WHERE r.ingest_run = ? AND r.path LIKE ?",
                run(execution),
                "%" + name);
        return Map.of("read", (Long) row.get("ROWS_READ"), "accepted", (Long) row.get("ROWS_ACCEPTED"));
    }

    private JobExecution run(LocalDate date, String input) throws Exception {
        return runs.run(new BillingJobParameters(
                date,
                0,
                List.of(input),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));
    }

    private String findingStatus(String key) {
        return jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, key);
    }

    private String outcome(JobExecution execution, String name) {
        return jdbc.queryForObject(
                "SELECT outcome FROM run_file WHERE ingest_run = ? AND path LIKE ?",
                String.class,
                run(execution),
                "%" + name);
    }
}
