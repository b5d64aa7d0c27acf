package io.tokentally.reconcile;

import io.tokentally.shared.StorableText;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Provider reconciliation lines, per run ({@code reconciliation_line}); the reconcile step replaces
 * its run's lines, so a restarted step writes them once.
 */
@Repository
class ReconciliationLineRepository {

    private static final String COLUMNS = "check_kind, usage_day, provider, model, token_type, provider_tokens,"
            + " billable_tokens, provider_usd, other_usd, difference_usd, difference_tokens, tolerance, verdict,"
            + " finding_key, files, evidence";

    private final JdbcTemplate jdbc;

    ReconciliationLineRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void replace(long run, List<ReconciliationLine> lines) {
        jdbc.update("DELETE FROM reconciliation_line WHERE ingest_run = ?", run);
        jdbc.batchUpdate(
                "INSERT INTO reconciliation_line (ingest_run, line_key, " + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                lines,
                500,
                (ps, line) -> {
                    ps.setLong(1, run);
                    ps.setString(2, line.lineKey());
                    ps.setString(3, line.check());
                    ps.setObject(4, line.day());
                    ps.setString(5, line.provider());
                    ps.setString(6, line.model());
                    ps.setString(7, line.tokenType());
                    ps.setObject(8, line.providerTokens());
                    ps.setObject(9, line.billableTokens());
                    ps.setBigDecimal(10, line.providerUsd());
                    ps.setBigDecimal(11, line.otherUsd());
                    ps.setBigDecimal(12, line.differenceUsd());
                    ps.setObject(13, line.differenceTokens());
                    ps.setString(14, line.tolerance());
                    ps.setString(15, line.verdict());
                    ps.setString(16, line.findingKey());
                    ps.setString(17, limit(line.files()));
                    ps.setString(18, line.evidence());
                });
    }

    List<ReconciliationLine> ofRun(long run) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM reconciliation_line WHERE ingest_run = ? ORDER BY line_key",
                (rs, rowNum) -> new ReconciliationLine(
                        rs.getString(1),
                        rs.getObject(2, LocalDate.class),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        (Long) rs.getObject(6, Long.class),
                        (Long) rs.getObject(7, Long.class),
                        rs.getBigDecimal(8),
                        rs.getBigDecimal(9),
                        rs.getBigDecimal(10),
                        (Long) rs.getObject(11, Long.class),
                        rs.getString(12),
                        rs.getString(13),
                        rs.getString(14),
                        rs.getString(15),
                        rs.getString(16)),
                run);
    }

    private static String limit(String files) {
        return files.length() <= 4000 ? files : StorableText.cut(files, 3996) + " ...";
    }
}
