package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.S3MockServer;
import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.ingest.S3ObjectMarker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

/** The S3 drop folder marked by tags in place ({@code tokentally.s3.mark=tag}), against S3Mock. */
@SpringBootTest
class S3TagMarkIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-s3-tag-");
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final String BUCKET = "tt-tag-" + UUID.randomUUID().toString().substring(0, 8);
    /** A copy of the fixture's customers file, which a test breaks for a while. */
    static final Path CUSTOMERS = copy(FIXTURES.resolve("job-customers.csv"), WORK.resolve("customers.csv"));

    static S3Client s3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        S3MockServer.addEngineSettings(registry);
        registry.add("tokentally.s3.watch", () -> "true");
        registry.add("tokentally.s3.mark", () -> "tag");
        registry.add("tokentally.s3.drop", () -> "drop=s3://" + BUCKET + "/incoming/");
        registry.add("tokentally.s3.poll-interval", () -> "1h");
        registry.add("tokentally.customers-file", CUSTOMERS::toString);
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
    S3ObjectMarker marker;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Clock clock;

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
    void anObjectReadIsTaggedInPlaceAndAVersionPutBeforeTheMarkIsLeftUntaggedForTheNextPoll() throws Exception {
        // given a version read and tagged
        String[] rows = UsageFixtures.rows("tagged", yesterday(), 15, 5, "alice", "bob");
        put("incoming/tagged.csv", List.of(rows).subList(0, 10));
        JobExecution first = watcher.poll().orElseThrow();
        assertThat(tags()).containsEntry("tokentally-status", "processed");
        assertThat(watcher.poll()).as("a tagged version is not read again").isEmpty();

        // when a new version lands under the key before the run that read the first one marks it
        jdbc.update("UPDATE s3_object SET status = 'CLAIMED' WHERE object_uri LIKE '%/incoming/tagged.csv'");
        put("incoming/tagged.csv", List.of(rows));
        int marked = marker.markSettled();

        // then the new version does not take the old one's tags, and the next poll reads its five new rows
        assertThat(marked).as("objects moved or tagged (the log's count)").isZero();
        assertThat(tags()).isEmpty();
        JobExecution next = watcher.poll().orElseThrow();
        assertThat(readAndAccepted(next)).isEqualTo(Map.of("ROWS_READ", 15L, "ROWS_ACCEPTED", 5L));
        assertThat(tags()).containsEntry("tokentally-status", "processed");
        assertThat(readAndAccepted(first)).isEqualTo(Map.of("ROWS_READ", 10L, "ROWS_ACCEPTED", 10L));
    }

    @Test
    void aVersionPutAgainUnderItsKeyAfterItsMarkIsTaggedAgainWithoutBeingReadAndOnlyOnce() throws Exception {
        // given a version read and tagged
        String key = "incoming/again.csv";
        List<String> rows = List.of(UsageFixtures.rows("again", yesterday(), 6, 7, "alice"));
        put(key, rows);
        watcher.poll().orElseThrow();
        assertThat(tags(key)).containsEntry("tokentally-status", "processed");

        // when the same bytes are put again under the key, which drops the object's tags, a second later at least (S3
        // gives a put's time to the second)
        Thread.sleep(1_100);
        put(key, rows);
        assertThat(tags(key)).isEmpty();
        Optional<JobExecution> next = watcher.poll();

        // then no run reads it, and it is tagged again; tags taken off by hand stay off at the next poll (no new put)
        assertThat(next).isEmpty();
        assertThat(tags(key)).containsEntry("tokentally-status", "processed");
        s3.deleteObjectTagging(request -> request.bucket(BUCKET).key(key));
        assertThat(watcher.poll()).isEmpty();
        assertThat(tags(key)).isEmpty();
    }

    @Test
    void aRunTheWatcherCannotStartForAFaultyFileIsAnErrorFindingUntilTheFileIsMended() throws Exception {
        // given a new object, and a customers file with a short row
        String customers = Files.readString(CUSTOMERS);
        put("incoming/waiting.csv", List.of(UsageFixtures.rows("waiting", yesterday(), 4, 3, "alice")));
        Optional<JobExecution> first;
        Optional<JobExecution> second;
        Map<String, Object> refused;
        try {
            Files.writeString(CUSTOMERS, customers + "carol\n");

            // when two polls find the object
            first = watcher.poll();
            second = watcher.poll();
            refused = finding();
        } finally {
            Files.writeString(CUSTOMERS, customers);
        }
        JobExecution started = watcher.poll().orElseThrow();

        // then neither started a run, and one error finding names the file's fault; the run that starts once the
        // file is mended reads the object and resolves it
        assertThat(first).isEmpty();
        assertThat(second).isEmpty();
        assertThat(refused)
                .containsEntry("KIND", "DROP_NOT_STARTED")
                .containsEntry("SEVERITY", "ERROR")
                .containsEntry("STATUS", "OPEN");
        assertThat((String) refused.get("MESSAGE"))
                .startsWith("1 new object(s) in ")
                .contains(" wait: the run of window " + yesterday() + " cannot start: ", CUSTOMERS + " line 4")
                .endsWith("; mend the file and the next poll starts it");
        assertThat(finding()).containsEntry("STATUS", "RESOLVED");
        assertThat(readAndAccepted(started)).isEqualTo(Map.of("ROWS_READ", 4L, "ROWS_ACCEPTED", 4L));
    }

    private Map<String, Object> finding() {
        return jdbc.queryForMap(
                "SELECT kind, severity, status, message FROM finding WHERE finding_key LIKE 'drop-not-started:%'");
    }

    private static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LocalDate yesterday() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
    }

    private static void put(String key, List<String> rows) {
        String csv = UsageFixtures.HEADER + "\n" + String.join("\n", rows) + "\n";
        s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromString(csv));
    }

    private static Map<String, String> tags() {
        return tags("incoming/tagged.csv");
    }

    private static Map<String, String> tags(String key) {
        return s3.getObjectTagging(request -> request.bucket(BUCKET).key(key)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }

    private Map<String, Object> readAndAccepted(JobExecution execution) {
        return jdbc.queryForMap(
                "SELECT f.rows_read, f.rows_accepted FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " WHERE r.ingest_run = ?",
                execution.getJobInstance().getInstanceId());
    }
}
