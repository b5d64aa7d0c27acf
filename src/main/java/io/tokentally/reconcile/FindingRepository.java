package io.tokentally.reconcile;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Stores findings by their stable key: a finding seen again is updated, not duplicated. */
@Repository
public class FindingRepository {

    private static final String STORED_COLUMNS =
            "finding_key, kind, severity, status, message, first_seen, last_seen, evidence, resolved_at, resolved_by_run";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String insertIfAbsent;

    public FindingRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.insertIfAbsent = SqlDialect.of(jdbc.getDataSource())
                .insertIfAbsent(
                        "finding",
                        List.of(
                                "finding_key",
                                "kind",
                                "severity",
                                "status",
                                "message",
                                "evidence",
                                "first_run",
                                "last_run",
                                "first_seen",
                                "last_seen"),
                        List.of("finding_key"));
    }

    /** Records a finding, or a new sighting of one; a resolved finding opens again, its resolution cleared. */
    public void record(Finding finding, long run) {
        Instant now = Instant.now(clock);
        // inserted first: two runs finding the same new problem at once both record it (on PostgreSQL the second
        // waits for the first's insert, then sees the finding again), where an update first found no row in either
        // and one insert failed its run's step
        boolean inserted = SqlDialect.inserted(
                jdbc,
                insertIfAbsent,
                finding.key(),
                finding.kind(),
                finding.severity().name(),
                "OPEN",
                limit(finding.message()),
                finding.evidence(),
                run,
                run,
                SqlTime.utc(now),
                SqlTime.utc(now));
        if (!inserted
                && jdbc.update(
                                "UPDATE finding SET message = ?, severity = ?, evidence = ?, last_run = ?,"
                                        + " last_seen = ?, status = CASE WHEN status = 'RESOLVED' THEN 'OPEN'"
                                        + " ELSE status END, resolved_at = NULL, resolved_by_run = NULL"
                                        + " WHERE finding_key = ?",
                                limit(finding.message()),
                                finding.severity().name(),
                                finding.evidence(),
                                run,
                                SqlTime.utc(now),
                                finding.key())
                        == 0) {
            throw new IllegalStateException("finding " + finding.key() + " was neither inserted nor found to update");
        }
    }

    /** The findings a run recorded or saw again. */
    public List<Finding> ofRun(long run) {
        return jdbc.query(
                "SELECT finding_key, kind, severity, message, evidence FROM finding WHERE last_run = ?"
                        + " ORDER BY finding_key",
                (rs, rowNum) -> new Finding(
                        rs.getString(1),
                        rs.getString(2),
                        Finding.Severity.valueOf(rs.getString(3)),
                        rs.getString(4),
                        rs.getString(5)),
                run);
    }

    /** The findings a run recorded or saw again, with their state now (an acknowledged one stays acknowledged). */
    public List<Stored> storedOfRun(long run) {
        return jdbc.query(
                "SELECT " + STORED_COLUMNS + " FROM finding WHERE last_run = ? ORDER BY finding_key",
                FindingRepository::stored,
                run);
    }

    /**
     * A stored finding with its state and the evidence of its latest sighting (null when it has none).
     *
     * @param resolvedAt when it was resolved; null unless it is RESOLVED
     * @param resolvedByRun the run that resolved it; null unless a run did (resolved by hand, or not resolved)
     */
    public record Stored(
            String key,
            String kind,
            Finding.Severity severity,
            String status,
            String message,
            Instant firstSeen,
            Instant lastSeen,
            Map<String, Object> evidence,
            Instant resolvedAt,
            Long resolvedByRun) {}

    /** Findings with the given status (all when null), most recently seen first. */
    public List<Stored> list(String status) {
        return jdbc.query(
                "SELECT " + STORED_COLUMNS + " FROM finding" + (status == null ? "" : " WHERE status = ?")
                        + " ORDER BY last_seen DESC, finding_key",
                FindingRepository::stored,
                status == null ? new Object[0] : new Object[] {status});
    }

    /** Whether no finding of any status is stored (one row read at most). */
    public boolean none() {
        return jdbc.queryForList("SELECT 1 FROM finding FETCH FIRST 1 ROWS ONLY", Integer.class)
                .isEmpty();
    }

    /**
     * The day a run was of (its {@code date} parameter), by the run's id as findings hold it (its job instance id,
     * which its restarts keep); empty for a run without one.
     */
    public Optional<String> dateOfRun(long run) {
        return jdbc
                .queryForList(
                        "SELECT MIN(p.PARAMETER_VALUE) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_EXECUTION_PARAMS p"
                                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE e.JOB_INSTANCE_ID = ?"
                                + " AND p.PARAMETER_NAME = 'date'",
                        String.class,
                        run)
                .stream()
                .filter(date -> date != null)
                .findFirst();
    }

    /** The findings of a kind that are not resolved (open or acknowledged), most recently seen first. */
    public List<Stored> unresolvedOfKind(String kind) {
        return jdbc.query(
                "SELECT " + STORED_COLUMNS + " FROM finding"
                        + " WHERE kind = ? AND status <> 'RESOLVED' ORDER BY last_seen DESC, finding_key",
                FindingRepository::stored,
                kind);
    }

    /** The keys of every finding of a kind, whatever its status. */
    public List<String> keysOfKind(String kind) {
        return jdbc.queryForList("SELECT finding_key FROM finding WHERE kind = ?", String.class, kind);
    }

    /**
     * Moves a finding to ACKNOWLEDGED or RESOLVED by hand (or back to OPEN); false when there is no such finding.
     * Resolving records when, and no run; a finding already resolved keeps its resolution. Any other status
     * clears it. A resolved finding that is found again opens again.
     */
    public boolean setStatus(String key, String status) {
        if (!status.equals("ACKNOWLEDGED") && !status.equals("RESOLVED") && !status.equals("OPEN")) {
            throw new IllegalArgumentException("a finding's status is OPEN, ACKNOWLEDGED or RESOLVED, not " + status);
        }
        if (status.equals("RESOLVED")) {
            return jdbc.update(
                            "UPDATE finding SET resolved_at = CASE WHEN status = 'RESOLVED' THEN resolved_at ELSE ? END,"
                                    + " resolved_by_run = CASE WHEN status = 'RESOLVED' THEN resolved_by_run END,"
                                    + " status = 'RESOLVED' WHERE finding_key = ?",
                            SqlTime.utc(Instant.now(clock)),
                            key)
                    == 1;
        }
        return jdbc.update(
                        "UPDATE finding SET status = ?, resolved_at = NULL, resolved_by_run = NULL WHERE finding_key = ?",
                        status,
                        key)
                == 1;
    }

    /** Resolves, as done by {@code run}, a finding that is not resolved yet; false when there is none such. */
    public boolean resolve(String key, long run) {
        return jdbc.update(
                        "UPDATE finding SET status = 'RESOLVED', resolved_at = ?, resolved_by_run = ? WHERE finding_key = ?"
                                + " AND status <> 'RESOLVED'",
                        SqlTime.utc(Instant.now(clock)),
                        run,
                        key)
                == 1;
    }

    /** The open findings a run recorded or saw again. */
    public List<Finding> openOfRun(long run) {
        return jdbc.query(
                "SELECT finding_key, kind, severity, message FROM finding WHERE last_run = ? AND status = 'OPEN'"
                        + " ORDER BY finding_key",
                (rs, rowNum) -> new Finding(
                        rs.getString(1), rs.getString(2), Finding.Severity.valueOf(rs.getString(3)), rs.getString(4)),
                run);
    }

    private static Stored stored(ResultSet rs, int rowNum) throws SQLException {
        return new Stored(
                rs.getString("finding_key"),
                rs.getString("kind"),
                Finding.Severity.valueOf(rs.getString("severity")),
                rs.getString("status"),
                rs.getString("message"),
                SqlTime.read(rs, "first_seen"),
                SqlTime.read(rs, "last_seen"),
                Evidence.parse(rs.getString("evidence")),
                SqlTime.read(rs, "resolved_at"),
                rs.getObject("resolved_by_run", Long.class));
    }

    private static String limit(String message) {
        return StorableText.cut(message, 4000);
    }
}
