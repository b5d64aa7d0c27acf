package io.tokentally.normalize;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.TransactionLock;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Serializes the commit of ingested files, so that the request keys one file stores are visible to
 * the next file's duplicate check: a transaction-scoped advisory lock on PostgreSQL (it holds across
 * processes, for remote partitions), a lock in this JVM on the embedded H2. The rate step settles held
 * usage under it too, so no file commits held rows of an hour while that hour is being settled.
 */
public class IngestCommitLock extends TransactionLock {

    private static final long ADVISORY_KEY = 0x746f6b656e74616cL; // "tokental"

    IngestCommitLock(JdbcTemplate jdbc, SqlDialect dialect) {
        super(jdbc, dialect, ADVISORY_KEY);
    }
}
