package io.tokentally.ingest;

import io.tokentally.shared.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The rejects table; inserting the same (file, line) twice keeps one row. */
@Repository
public class RejectRepository {

    static final int MAX_RAW_LENGTH = 100_000;
    private static final String REJECTS_OF_RUN = "SELECT f.path, r.line_no, r.reason_code, r.message, r.raw_line"
            + " FROM reject r JOIN ingested_file f ON f.file_id = r.file_id"
            + " WHERE f.ingest_run = ? AND r.repeated = FALSE ORDER BY f.path, r.line_no";

    private final JdbcTemplate jdbc;
    private final String insert;

    public RejectRepository(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
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

    /** Removes the rejects of these lines of a file (a held line that turned out to be another file's duplicate). */
    public void deleteLines(long fileId, List<Long> lines) {
        if (lines.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(
                "DELETE FROM reject WHERE file_id = ? AND line_no = ?",
                lines.stream().map(line -> new Object[] {fileId, line}).toList());
    }

    private void bind(PreparedStatement ps, Reject reject) throws SQLException {
        ps.setLong(1, reject.fileId());
        ps.setLong(2, reject.lineNo());
        ps.setString(3, reject.code().name());
        ps.setString(4, limit(reject.message(), 2000));
        ps.setString(5, stored(reject.raw()));
        ps.setBoolean(6, reject.repeated());
    }

    /**
     * The rejects of the files a run registered, in file and line order, under their registered path or URI; not
     * the repeats of an earlier version's.
     */
    public List<RejectedLine> rejectsOfRun(long run) {
        return jdbc.query(REJECTS_OF_RUN, RejectRepository::rejectedLine, run);
    }

    /** The run's rejects ({@link #rejectsOfRun}) and how many have each reason ({@link #reasonCountsOfRun}). */
    public RunRejects ofRun(long run) {
        return new RunRejects(reasonCountsOfRun(run), rejectsOfRun(run));
    }

    private static RejectedLine rejectedLine(ResultSet rs, int rowNum) throws SQLException {
        return new RejectedLine(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5));
    }

    /** How many of the run's rejects (those in its rejects.csv) have each reason code, most frequent first. */
    public Map<String, Long> reasonCountsOfRun(long run) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query(
                "SELECT r.reason_code, COUNT(*) FROM reject r JOIN ingested_file f ON f.file_id = r.file_id"
                        + " WHERE f.ingest_run = ? AND r.repeated = FALSE GROUP BY r.reason_code"
                        + " ORDER BY COUNT(*) DESC, r.reason_code",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                },
                run);
        return counts;
    }

    /**
     * The bad lines of the version a changed file changed from ({@code changedFrom}; none when null): all of them,
     * repeats included, so each version holds the whole set its next version is compared with.
     */
    public EarlierRejects earlierRejects(Long changedFrom) {
        if (changedFrom == null) {
            return new EarlierRejects(List.of());
        }
        return new EarlierRejects(
                jdbc.queryForList("SELECT raw_line FROM reject WHERE file_id = ?", String.class, changedFrom));
    }

    /** A raw line as the table keeps it. */
    static String stored(String raw) {
        return limit(raw, MAX_RAW_LENGTH);
    }

    /** A run's rejected lines, in file and line order, and their count per reason code, most frequent first. */
    public record RunRejects(Map<String, Long> byReason, List<RejectedLine> lines) {}

    /** A rejected line as the run folder's {@code rejects.csv} lists it. */
    public record RejectedLine(String file, long lineNo, String reasonCode, String message, String raw) {}

    private static String limit(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
