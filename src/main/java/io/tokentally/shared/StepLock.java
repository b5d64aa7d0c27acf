package io.tokentally.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

/**
 * Lets one run at a time execute a step, across every process that shares the database. {@link #around} wraps
 * the step, so the lock is taken before any of its listeners run and given back however it ends. In this
 * process a fair semaphore queues the runs, so a process ties up at most one pooled connection waiting; on
 * PostgreSQL the holder also takes a session-level advisory lock on a pooled connection of its own, kept as long
 * as the lock (the database frees it if the process dies). The embedded H2 is opened by one process, so the
 * semaphore is the whole lock there. One instance per key and process.
 */
public class StepLock {

    private static final Logger log = LoggerFactory.getLogger(StepLock.class);

    /** The lock while it is held; closing it gives the lock back (again: nothing). */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final long advisoryKey;
    private final Semaphore permit = new Semaphore(1, true);

    public StepLock(DataSource dataSource, SqlDialect dialect, long advisoryKey) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.advisoryKey = advisoryKey;
    }

    /** The step, executed under this lock. A run waiting for it shows the step as STARTING. */
    public Step around(Step step) {
        return new Step() {
            @Override
            public String getName() {
                return step.getName();
            }

            @Override
            public boolean isAllowStartIfComplete() {
                return step.isAllowStartIfComplete();
            }

            @Override
            public int getStartLimit() {
                return step.getStartLimit();
            }

            @Override
            public void execute(StepExecution stepExecution) throws JobInterruptedException {
                try (Held held = hold(step.getName())) {
                    step.execute(stepExecution);
                }
            }
        };
    }

    /** Takes the lock, waiting as long as another run's {@code step} holds it. */
    public Held hold(String step) {
        if (!permit.tryAcquire()) {
            log.info("{} waits for another run's {} to end", step, step);
            permit.acquireUninterruptibly();
        }
        try {
            return dialect == SqlDialect.POSTGRESQL ? holdAdvisoryLock(step) : once(permit::release);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    /** How many runs of this process wait for the lock. */
    public int waiting() {
        return permit.getQueueLength();
    }

    private Held holdAdvisoryLock(String step) {
        try {
            Connection connection = dataSource.getConnection();
            try {
                if (!lock(connection, "pg_try_advisory_lock")) {
                    log.info("{} waits for a run of another process to end its {}", step, step);
                    lock(connection, "pg_advisory_lock");
                }
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return once(() -> {
                try {
                    release(connection, step);
                } finally {
                    permit.release();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the lock of " + step, e);
        }
    }

    /**
     * Unlocks and returns the connection to the pool. A connection that cannot unlock is aborted instead,
     * so that its session, and the lock with it, ends rather than waiting in the pool still holding it.
     */
    private void release(Connection connection, String step) {
        try {
            if (lock(connection, "pg_advisory_unlock")) {
                connection.close();
                return;
            }
            log.warn("the lock of {} was not held by its connection at release; ending that session", step);
        } catch (SQLException | RuntimeException e) {
            log.warn("could not give back the lock of {}; ending its session instead", step, e);
        }
        try {
            connection.abort(Runnable::run);
            connection.close();
        } catch (SQLException e) {
            log.warn(
                    "could not end the session holding the lock of {}; it stays taken until that session ends",
                    step,
                    e);
        }
    }

    /** Calls a lock function of the advisory key; true unless the function returned false. */
    private boolean lock(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)::text")) {
            statement.setLong(1, advisoryKey);
            try (ResultSet result = statement.executeQuery()) {
                return !(result.next() && "false".equals(result.getString(1)));
            }
        }
    }

    private static Held once(Runnable release) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        };
    }
}
