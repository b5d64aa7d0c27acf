package io.tokentally.ingest;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.StorableText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The rejects table; inserting the same (file, line) twice keeps one row. */
@Repository
public class RejectRepository {

    static final int MAX_RAW_LENGTH = 100_000;
    private static final int STREAMED_BATCH = 1_000;
    private static final String REJECTS_OF_RUN = "SELECT f.path, r.line_no, r.reason_code, r.message, r.raw_line"
            + " FROM reject r JOIN ingested_file f ON f.file_id = r.file_id"
            + " WHERE f.ingest_run = ? AND r.repeated = FALSE ORDER BY f.path, r.line_no";

    private final JdbcTemplate jdbc;
    private final JdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final String insert;

    public RejectRepository(JdbcTemplate jdbc, DataSource dataSource, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(dataSource);
        // PostgreSQL fetches a result in batches only inside a transaction and with a fetch size
        this.streaming.setFetchSize(STREAMED_BATCH);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        SqlDialect dialect = SqlDialect.of(dataSource);
        this.insert = dialect.insertIfAbsent(
                "reject",
                List.of("file_id", "line_no", "reason_code", "message", "raw_line", "repeated"),
                List.of("file_id", "line_no"));
    }

    public void insertAll(List<Reject> rejects) {
        if (rejects.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(insert, rejects, rejects.size(), this::bind);
    }

    /** Removes the rejects of these lines of a file (a held bucket that another file stored). */
    public void deleteLines(long fileId, List<Long> lines) {
        if (lines.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(
                "DELETE FROM reject WHERE file_id = ? AND line_no = ?",
                lines.stream().map(line -> new Object[] {fileId, line}).toList());
    }

    /** Removes the rejects of a file whose ingest has not committed: those of a pass that is read again. */
    public void deleteFile(long fileId) {
        jdbc.update("DELETE FROM reject WHERE file_id = ?", fileId);
    }

    private void bind(PreparedStatement ps, Reject reject) throws SQLException {
        ps.setLong(1, reject.fileId());
        ps.setLong(2, reject.lineNo());
        ps.setString(3, reject.code().name());
        ps.setString(4, StorableText.cut(reject.message(), 2000));
        ps.setString(5, stored(reject.raw()));
        ps.setBoolean(6, reject.repeated());
    }

    /**
     * Hands each reject of the files a run registered to {@code each}, in file and line order, under their
     * registered path or URI (not the repeats of an earlier version's), as it is read: a run of millions of bad
     * rows is never held in memory. Returns how many have each reason and the first {@link RunRejects#KEPT}.
     */
    public RunRejects ofRun(long run, Consumer<RejectedLine> each) {
        Map<String, Long> counts = new HashMap<>();
        List<RejectedLine> first = new ArrayList<>();
        readOnly.executeWithoutResult(status -> streaming.query(
                REJECTS_OF_RUN,
                rs -> {
                    RejectedLine line = rejectedLine(rs);
                    each.accept(line);
                    counts.merge(line.reasonCode(), 1L, Long::sum);
                    if (first.size() < RunRejects.KEPT) {
                        first.add(line);
                    }
                },
                run));
        Map<String, Long> byReason = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(count -> byReason.put(count.getKey(), count.getValue()));
        return new RunRejects(byReason, first);
    }

    private static RejectedLine rejectedLine(ResultSet rs) throws SQLException {
        return new RejectedLine(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }

    /** How many bad lines the version a changed file changed from has now (0 for a new file). */
    public int earlierRejectCount(Long changedFrom) {
        return changedFrom == null
                ? 0
                : jdbc.queryForObject("SELECT COUNT(*) FROM reject WHERE file_id = ?", Integer.class, changedFrom);
    }

    /**
     * The bad lines of the version a changed file changed from ({@code changedFrom}; none when null): all of them,
     * repeats included, so each version holds the whole set its next version is compared with.
     */
    public EarlierRejects earlierRejects(Long changedFrom) {
        if (changedFrom == null) {
            return new EarlierRejects(List.of());
        }
        return new EarlierRejects(jdbc.query(
                "SELECT line_no, reason_code, message, raw_line FROM reject WHERE file_id = ? ORDER BY line_no",
                (rs, i) -> new Reject(
                        changedFrom,
                        rs.getLong("line_no"),
                        storedCode(rs.getString("reason_code")),
                        rs.getString("message"),
                        rs.getString("raw_line")),
                changedFrom));
    }

    /** A stored reason code; one this version no longer has (a line is matched by its text only) as malformed. */
    private static RejectCode storedCode(String code) {
        return Arrays.stream(RejectCode.values())
                .filter(known -> known.name().equals(code))
                .findFirst()
                .orElse(RejectCode.MALFORMED_ROW);
    }

    /** A raw line as the table keeps it. */
    static String stored(String raw) {
        return StorableText.cut(raw, MAX_RAW_LENGTH);
    }

    /**
     * How many of a run's rejected lines have each reason code, most frequent first, and the first {@link #KEPT} of
     * them in file and line order (report.html's list; rejects.csv has them all).
     */
    public record RunRejects(Map<String, Long> byReason, List<RejectedLine> first) {

        public static final int KEPT = 100;
    }

    /** A rejected line as the run folder's {@code rejects.csv} lists it. */
    public record RejectedLine(String file, long lineNo, String reasonCode, String message, String raw) {}
}
