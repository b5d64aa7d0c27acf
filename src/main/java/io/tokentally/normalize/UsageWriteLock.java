package io.tokentally.normalize;

import io.tokentally.shared.SqlDialect;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * On H2, serializes the write-and-commit part of ingest chunks across partitions, so that two files
 * holding the same request id cannot race past the insert-if-absent check. PostgreSQL's
 * {@code ON CONFLICT DO NOTHING} settles such races itself, so there it does nothing.
 */
class UsageWriteLock {

    private final ReentrantLock lock = new ReentrantLock();
    private final boolean enabled;

    UsageWriteLock(SqlDialect dialect) {
        this.enabled = dialect == SqlDialect.H2;
    }

    /** Takes the lock and releases it when the current transaction commits or rolls back. */
    void holdUntilTransactionEnds() {
        if (!enabled || lock.isHeldByCurrentThread()) {
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
