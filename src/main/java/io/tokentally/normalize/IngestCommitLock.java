package io.tokentally.normalize;

import io.tokentally.shared.SqlDialect;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Serializes the commit of ingested files, so that the request keys one file stores are visible to
 * the next file's duplicate check: a transaction-scoped advisory lock on PostgreSQL (it holds across
 * processes, for remote partitions), a lock in this JVM on the embedded H2. The rate step settles held
 * usage under it too, so no file commits held rows of an hour while that hour is being settled.
 */
public class IngestCommitLock {

    private static final long ADVISORY_KEY = 0x746f6b656e74616cL; // "tokental"

    private final ReentrantLock lock = new ReentrantLock();
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    IngestCommitLock(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /** Takes the lock until the current transaction commits or rolls back. */
    public void holdUntilTransactionEnds() {
        if (dialect == SqlDialect.POSTGRESQL) {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", ADVISORY_KEY);
            return;
        }
        if (lock.isHeldByCurrentThread()) {
            return;
        }
        lock.lock();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                lock.unlock();
            }
        });
    }
}
