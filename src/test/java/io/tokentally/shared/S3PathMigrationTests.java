package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import java.nio.file.Path;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** V123 on files registered before V122: an S3 object's own file takes its URI, and its staging file is kept. */
class S3PathMigrationTests {

    @TempDir
    Path dir;

    @Test
    void aFileStagedFromAnObjectTakesTheObjectsUriAndOthersKeepTheirPath() {
        // given, before V123: file 1 staged from an object, file 2 a local file whose content a second object
        // shared (already ingested), file 3 a plain local file
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "122").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        file(jdbc, 1, "/data/s3-staging/abc123", 7);
        file(jdbc, 2, "/logs/a.csv", 7);
        file(jdbc, 3, "/logs/b.csv", 8);
        runFile(jdbc, 7, "s3://bucket/drop/x.csv", 1, "NEW");
        runFile(jdbc, 7, "/logs/a.csv", 2, "NEW");
        runFile(jdbc, 7, "s3://bucket/drop/copy-of-a.csv", 2, "ALREADY_INGESTED");
        runFile(jdbc, 8, "/logs/b.csv", 3, "NEW");
        object(jdbc, "s3://bucket/drop/x.csv", 7, 1);
        object(jdbc, "s3://bucket/drop/copy-of-a.csv", 7, 2);

        // when
        TestH2.flyway(dataSource, "latest").migrate();

        // then
        assertThat(jdbc.queryForList(
                        "SELECT file_id || ' ' || path || ' ' || COALESCE(staged_path, '-')"
                                + " FROM ingested_file ORDER BY file_id",
                        String.class))
                .isEqualTo(List.of(
                        "1 s3://bucket/drop/x.csv /data/s3-staging/abc123", "2 /logs/a.csv -", "3 /logs/b.csv -"));
    }

    private static void file(JdbcTemplate jdbc, long id, String path, long run) {
        jdbc.update(
                "INSERT INTO ingested_file (file_id, source, path, checksum, size_bytes, status, ingest_run,"
                        + " registered_at) VALUES (?, 'drop', ?, ?, 10, 'INGESTED', ?, CURRENT_TIMESTAMP)",
                id,
                path,
                "sum" + id,
                run);
    }

    private static void runFile(JdbcTemplate jdbc, long run, String path, long fileId, String outcome) {
        jdbc.update(
                "INSERT INTO run_file (ingest_run, source, path, file_id, outcome) VALUES (?, 'drop', ?, ?, ?)",
                run,
                path,
                fileId,
                outcome);
    }

    private static void object(JdbcTemplate jdbc, String uri, long run, long fileId) {
        jdbc.update(
                "INSERT INTO s3_object (object_uri, etag, source, size_bytes, claimed_run, claimed_at, file_id,"
                        + " status) VALUES (?, 'e1', 'drop', 10, ?, CURRENT_TIMESTAMP, ?, 'PROCESSED')",
                uri,
                run,
                fileId);
    }
}
