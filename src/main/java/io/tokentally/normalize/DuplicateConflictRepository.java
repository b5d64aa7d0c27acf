package io.tokentally.normalize;

import io.tokentally.shared.SqlDialect;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The rows counted as duplicates although their request id's earlier copy counted other numbers
 * ({@code duplicate_conflict}); inserting the same (file, line) twice keeps one row.
 */
@Repository
public class DuplicateConflictRepository {

    private final JdbcTemplate jdbc;
    private final String insert;

    DuplicateConflictRepository(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.insert = SqlDialect.of(dataSource)
                .insertIfAbsent(
                        "duplicate_conflict",
                        List.of("file_id", "line_no", "request_id"),
                        List.of("file_id", "line_no"));
    }

    void insertAll(long fileId, List<Conflict> conflicts) {
        if (conflicts.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(insert, conflicts, conflicts.size(), (ps, conflict) -> {
            ps.setLong(1, fileId);
            ps.setLong(2, conflict.lineNo());
            ps.setString(3, conflict.requestId());
        });
    }

    /** Removes the conflicts of a file whose ingest has not committed: those of a pass that is read again. */
    void deleteFile(long fileId) {
        jdbc.update("DELETE FROM duplicate_conflict WHERE file_id = ?", fileId);
    }

    /** The conflicting rows of the files a run registered, in file and line order. */
    public List<ConflictLine> ofRun(long run) {
        return jdbc.query(
                "SELECT f.path, c.line_no, c.request_id FROM duplicate_conflict c"
                        + " JOIN ingested_file f ON f.file_id = c.file_id WHERE f.ingest_run = ?"
                        + " ORDER BY f.path, c.line_no",
                (rs, rowNum) -> new ConflictLine(rs.getString(1), rs.getLong(2), rs.getString(3)),
                run);
    }

    /** A row of a file being ingested whose request id an earlier row holds with other numbers. */
    record Conflict(long lineNo, String requestId) {}

    /** A conflicting row as the finding lists it. */
    public record ConflictLine(String file, long lineNo, String requestId) {}
}
