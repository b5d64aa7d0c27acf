package io.tokentally.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Lets one run at a time execute a step, across every process that shares the database: the step's listener
 * takes the lock before the step and gives it back after it, however the step ends. A session-level advisory
 * lock on PostgreSQL, on a pooled connection held as long as the lock (the database frees it if the process
 * dies); a semaphore in this JVM on the embedded H2, which one process opens. One instance per key and process.
 */
public class StepLock implements StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(StepLock.class);

    /** The lock while it is held; closing it gives the lock back. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final long advisoryKey;
    private final Semaphore permit = new Semaphore(1, true);
    /** By step execution id: the lock each running step holds. */
    private final Map<Long, Held> heldBySteps = new ConcurrentHashMap<>();

    public StepLock(DataSource dataSource, SqlDialect dialect, long advisoryKey) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.advisoryKey = advisoryKey;
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        heldBySteps.put(stepExecution.getId(), hold(stepExecution.getStepName()));
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        Held held = heldBySteps.remove(stepExecution.getId());
        if (held != null) {
            held.close();
        }
        return stepExecution.getExitStatus();
    }

    /** Takes the lock, waiting as long as another run's {@code step} holds it. */
    public Held hold(String step) {
        return dialect == SqlDialect.POSTGRESQL ? holdAdvisoryLock(step) : holdPermit(step);
    }

    private Held holdPermit(String step) {
        if (!permit.tryAcquire()) {
            log.info("{} waits for another run's {} to end", step, step);
            try {
                permit.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(step + " was interrupted waiting for another run's " + step, e);
            }
        }
        return permit::release;
    }

    private Held holdAdvisoryLock(String step) {
        try {
            Connection connection = dataSource.getConnection();
            try {
                if (!tryLock(connection)) {
                    log.info("{} waits for another run's {} to end", step, step);
                    call(connection, "pg_advisory_lock");
                }
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return () -> release(connection, step);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the lock of " + step, e);
        }
    }

    private void release(Connection connection, String step) {
        try (connection) {
            call(connection, "pg_advisory_unlock");
        } catch (SQLException e) {
            log.warn(
                    "could not give back the lock of {}: it stays taken until the database ends that session", step, e);
        }
    }

    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, advisoryKey);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private void call(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, advisoryKey);
            statement.executeQuery().close();
        }
    }
}
