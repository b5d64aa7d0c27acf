package io.tokentally.ingest;

import io.tokentally.shared.StorableText;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The file registry: each distinct content is ingested once, whatever its path or how often it is seen. */
@Repository
public class FileRegistry {

    /** The characters a file's detail (why it was refused, what changed) keeps. */
    private static final int DETAIL_LENGTH = 4000;

    /** How many paths {@link #pathsSeenByRunsAfter} asks for in one statement. */
    static final int PATHS_PER_QUERY = 1_000;

    private static final String COLUMNS = "file_id, source, path, staged_path, checksum, size_bytes, format, status,"
            + " detail, changed_from_file_id, ingest_run";

    /** {@link #COLUMNS} of the registry's table named {@code f}. */
    private static final String F_COLUMNS =
            Arrays.stream(COLUMNS.split(", ")).map(column -> "f." + column).collect(Collectors.joining(", "));

    private static final RowMapper<RegisteredFile> MAPPER = (rs, rowNum) -> new RegisteredFile(
            rs.getLong("file_id"),
            rs.getString("source"),
            rs.getString("path"),
            rs.getString("staged_path"),
            rs.getString("checksum"),
            rs.getLong("size_bytes"),
            rs.getString("format"),
            FileStatus.valueOf(rs.getString("status")),
            rs.getString("detail"),
            (Long) rs.getObject("changed_from_file_id", Long.class),
            rs.getLong("ingest_run"));

    private final JdbcClient jdbc;
    private final Clock clock;

    public FileRegistry(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<RegisteredFile> findByChecksum(String checksum) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ingested_file WHERE checksum = ?")
                .param(checksum)
                .query(MAPPER)
                .optional();
    }

    /**
     * The latest content a run saw at a path that was read or is being read: the one a changed file is compared with.
     * That content may have been registered under another path (the path then held a copy, skipped as already
     * ingested: a log rotated to a numbered name). A content that could not be read at all (a gzip upload cut short)
     * had no rows to compare with.
     */
    public Optional<RegisteredFile> findLatestReadByPath(String source, String path) {
        return jdbc
                .sql("SELECT " + F_COLUMNS + " FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " WHERE r.source = ? AND r.path = ? AND f.status IN (?, ?)"
                        + " ORDER BY r.ingest_run DESC, f.file_id DESC")
                .param(source)
                .param(path)
                .param(FileStatus.PENDING.name())
                .param(FileStatus.INGESTED.name())
                .query(MAPPER)
                .list()
                .stream()
                .findFirst();
    }

    public Optional<RegisteredFile> find(long fileId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ingested_file WHERE file_id = ?")
                .param(fileId)
                .query(MAPPER)
                .optional();
    }

    /**
     * Registers new content under {@code path} (what reports name) and returns its id; {@code stagedPath} is
     * the local copy of an S3 object, null for a local file.
     */
    public long register(
            String source,
            String path,
            String stagedPath,
            String checksum,
            long size,
            String format,
            FileStatus status,
            String detail,
            Long changedFrom,
            long run) {
        jdbc.sql("INSERT INTO ingested_file (source, path, staged_path, checksum, size_bytes, format, status, detail,"
                        + " changed_from_file_id, ingest_run, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        source,
                        path,
                        stagedPath,
                        checksum,
                        size,
                        format,
                        status.name(),
                        StorableText.cut(detail, DETAIL_LENGTH),
                        changedFrom,
                        run,
                        now())
                .update();
        return findByChecksum(checksum).orElseThrow().fileId();
    }

    /**
     * Records the role of the files {@code run} registered for a source: a file keeps the role of the
     * source that registered it (ADR 0010).
     */
    public void assignRole(long run, String source, SourceRole role) {
        jdbc.sql("UPDATE ingested_file SET source_role = ? WHERE ingest_run = ? AND source = ?")
                .params(role.code(), run, source)
                .update();
    }

    public void recordSeen(long run, String source, String path, long fileId, RunFileOutcome outcome) {
        jdbc.sql("DELETE FROM run_file WHERE ingest_run = ? AND source = ? AND path = ?")
                .params(run, source, path)
                .update();
        jdbc.sql("INSERT INTO run_file (ingest_run, source, path, file_id, outcome) VALUES (?, ?, ?, ?, ?)")
                .params(run, source, path, fileId, outcome.name())
                .update();
    }

    public List<RegisteredFile> pendingFiles(long run) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM ingested_file WHERE ingest_run = ? AND status = 'PENDING'"
                        + " ORDER BY file_id")
                .param(run)
                .query(MAPPER)
                .list();
    }

    /**
     * The files {@code run} registered for {@code source} before {@code fileId} (lower ids: registered
     * earlier) that are still pending, in registration order.
     */
    public List<Long> pendingBefore(long run, String source, long fileId) {
        return jdbc.sql("SELECT file_id FROM ingested_file WHERE ingest_run = ? AND source = ? AND file_id < ?"
                        + " AND status = 'PENDING' ORDER BY file_id")
                .params(run, source, fileId)
                .query(Long.class)
                .list();
    }

    /**
     * Keys {@code file} by the bytes it was read as, which are not those it was registered with: its path held
     * other bytes by the time a run read it (a log rotated between a killed run and its resume). Its rows come from
     * what was read; the content it was registered with, wherever it is now, is new to the next run that finds it.
     * When another file was registered with the bytes read (a numbered rotation moved a registered log to this path,
     * or the path holds an empty file seen before), the file gets a key no content has, {@code read-as-file-<id>}:
     * its rows are repeats of that other file's, and the content it was registered with is free all the same.
     */
    public void rekey(RegisteredFile file, ContentReading.Content read) {
        String key = findByChecksum(read.checksum()).isPresent() ? "read-as-file-" + file.fileId() : read.checksum();
        jdbc.sql("UPDATE ingested_file SET checksum = ?, size_bytes = ? WHERE file_id = ?")
                .params(key, read.sizeBytes(), file.fileId())
                .update();
    }

    /** Marks a file read to its end, with a note on how it was read (its lookalike columns, say), or null. */
    public void markIngested(long fileId, String detail) {
        jdbc.sql("UPDATE ingested_file SET status = 'INGESTED', detail = ?, finished_at = ? WHERE file_id = ?")
                .params(StorableText.cut(detail, DETAIL_LENGTH), now(), fileId)
                .update();
    }

    /**
     * Records whether the request of the file's last record counts in billing (V150), which a later version of the
     * file that goes on inside that row judges the rest of it by.
     */
    public void markLastRowCounted(long fileId, boolean counted) {
        jdbc.sql("UPDATE ingested_file SET last_row_counted = ? WHERE file_id = ?")
                .params(counted, fileId)
                .update();
    }

    /** Whether the request of the file's last record counts; empty when it had none, or was read before V150. */
    public Optional<Boolean> lastRowCounted(long fileId) {
        return jdbc.sql("SELECT last_row_counted FROM ingested_file WHERE file_id = ?")
                .param(fileId)
                .query((rs, i) -> (Boolean) rs.getObject("last_row_counted", Boolean.class))
                .optional();
    }

    public void markFailed(long fileId, String reason) {
        jdbc.sql("UPDATE ingested_file SET status = 'FAILED', detail = ?, finished_at = ? WHERE file_id = ?")
                .params(StorableText.cut(StorableText.of(reason), DETAIL_LENGTH), now(), fileId)
                .update();
    }

    public void addCounts(long fileId, FileCounts counts) {
        jdbc.sql("UPDATE ingested_file SET rows_read = rows_read + ?, rows_accepted = rows_accepted + ?,"
                        + " rows_rejected = rows_rejected + ?, rows_duplicate = rows_duplicate + ?,"
                        + " rows_unattributed = rows_unattributed + ?, rows_error = rows_error + ? WHERE file_id = ?")
                .params(
                        counts.read(),
                        counts.accepted(),
                        counts.rejected(),
                        counts.duplicate(),
                        counts.unattributed(),
                        counts.error(),
                        fileId)
                .update();
    }

    /**
     * Those of {@code paths} (absolute paths, {@code s3://} URIs) that a run started after {@code run} registered or
     * found registered already: files that run saw. Only a later run counts: an earlier one saw what the path held
     * before (a file read and archived, and new content dropped under its name since). Asked {@value
     * #PATHS_PER_QUERY} paths at a time, so that a folder of many files stays within a statement's parameters.
     */
    public Set<String> pathsSeenByRunsAfter(long run, Collection<String> paths) {
        List<String> asked = List.copyOf(paths);
        Set<String> seen = new HashSet<>();
        for (int from = 0; from < asked.size(); from += PATHS_PER_QUERY) {
            List<String> slice = asked.subList(from, Math.min(asked.size(), from + PATHS_PER_QUERY));
            List<Object> params = new ArrayList<>(List.of(run));
            params.addAll(slice);
            seen.addAll(jdbc.sql("SELECT DISTINCT path FROM run_file WHERE ingest_run > ? AND path IN ("
                            + slice.stream().map(path -> "?").collect(Collectors.joining(", ")) + ")")
                    .params(params)
                    .query(String.class)
                    .list());
        }
        return seen;
    }

    public List<RunFile> filesOfRun(long run) {
        return jdbc.sql("SELECT r.source, f.source_role, r.path, r.outcome, f.file_id, f.format, f.status, f.detail,"
                        + " f.rows_read,"
                        + " f.rows_accepted, f.rows_rejected, f.rows_duplicate, f.rows_unattributed, f.rows_error"
                        + " FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id WHERE r.ingest_run = ?"
                        + " ORDER BY r.source, r.path")
                .param(run)
                .query((rs, rowNum) -> new RunFile(
                        rs.getString("source"),
                        SourceRole.parse(rs.getString("source_role")),
                        rs.getString("path"),
                        RunFileOutcome.valueOf(rs.getString("outcome")),
                        rs.getLong("file_id"),
                        rs.getString("format"),
                        FileStatus.valueOf(rs.getString("status")),
                        rs.getString("detail"),
                        rs.getLong("rows_read"),
                        rs.getLong("rows_accepted"),
                        rs.getLong("rows_rejected"),
                        rs.getLong("rows_duplicate"),
                        rs.getLong("rows_unattributed"),
                        rs.getLong("rows_error")))
                .list();
    }

    /**
     * The contents that were never read ({@link FileStatus#unread()}) which a path this run saw held in an earlier
     * run, where the path now holds other content and the run saw the old content at no path: replaced, mended
     * or completed, and not left anywhere in the input.
     */
    public List<Long> unreadContentsReplacedIn(long run) {
        // driven by the few unread contents: their paths by ix_run_file_file, each looked up in this run by the
        // primary key
        return jdbc.sql("SELECT old.file_id FROM ingested_file old WHERE old.status IN (?, ?)"
                        + " AND EXISTS (SELECT 1 FROM run_file prev JOIN run_file cur ON cur.ingest_run = ?"
                        + " AND cur.source = prev.source AND cur.path = prev.path AND cur.file_id <> prev.file_id"
                        + " WHERE prev.file_id = old.file_id)"
                        + " AND NOT EXISTS (SELECT 1 FROM run_file seen WHERE seen.ingest_run = ?"
                        + " AND seen.file_id = old.file_id)"
                        + " ORDER BY old.file_id")
                .param(FileStatus.UNRECOGNIZED.name())
                .param(FileStatus.FAILED.name())
                .param(run)
                .param(run)
                .query(Long.class)
                .list();
    }

    /**
     * A file a run saw whose content another run registered and has not read to the end.
     *
     * @param date the registering run's date; null if the job repository no longer holds it
     * @param lastExecution that run's last execution; null if the job repository no longer holds it
     * @param lastStatus that execution's batch status, as stored; null with it
     */
    public record PendingElsewhere(
            String path, long fileId, long registeredBy, String date, Long lastExecution, String lastStatus) {}

    /**
     * The files {@code run} saw as already ingested whose content another run registered and has not read to
     * the end: that run was stopped or killed (or is still reading it), and only it reads the content.
     */
    public List<PendingElsewhere> pendingElsewhere(long run) {
        return jdbc.sql("SELECT r.path, f.file_id, f.ingest_run, (SELECT MIN(p.PARAMETER_VALUE) FROM"
                        + " BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID ="
                        + " e.JOB_EXECUTION_ID WHERE e.JOB_INSTANCE_ID = f.ingest_run AND p.PARAMETER_NAME = 'date')"
                        + " AS run_date, x.JOB_EXECUTION_ID AS last_execution, x.STATUS AS last_status"
                        + " FROM run_file r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " LEFT JOIN BATCH_JOB_EXECUTION x ON x.JOB_EXECUTION_ID = (SELECT MAX(e.JOB_EXECUTION_ID)"
                        + " FROM BATCH_JOB_EXECUTION e WHERE e.JOB_INSTANCE_ID = f.ingest_run)"
                        + " WHERE r.ingest_run = ? AND f.status = ? AND f.ingest_run <> r.ingest_run ORDER BY r.path")
                .param(run)
                .param(FileStatus.PENDING.name())
                .query((rs, rowNum) -> new PendingElsewhere(
                        rs.getString("path"),
                        rs.getLong("file_id"),
                        rs.getLong("ingest_run"),
                        rs.getString("run_date"),
                        rs.getObject("last_execution", Long.class),
                        rs.getString("last_status")))
                .list();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
