package io.tokentally.shared;

import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A lock held until the current transaction commits or rolls back: a transaction-scoped advisory lock on
 * PostgreSQL (it holds across processes), a lock in this JVM on the embedded H2. One instance per key and
 * process.
 */
public class TransactionLock {

    private final ReentrantLock lock = new ReentrantLock();
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final long advisoryKey;

    public TransactionLock(JdbcTemplate jdbc, SqlDialect dialect, long advisoryKey) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.advisoryKey = advisoryKey;
    }

    /** Takes the lock until the current transaction commits or rolls back. */
    public void holdUntilTransactionEnds() {
        if (dialect == SqlDialect.POSTGRESQL) {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", advisoryKey);
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
