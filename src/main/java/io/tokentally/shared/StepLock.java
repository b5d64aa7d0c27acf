package io.tokentally.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StoppableStep;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Lets one run at a time execute a step, across every process that shares the database. {@link #around} wraps
 * the step, so the lock is taken before any of its listeners run and given back however it ends. In this
 * process a semaphore admits one run, so a process ties up at most one pooled connection waiting; on
 * PostgreSQL that run also takes a session-level advisory lock on a pooled connection of its own, kept as long
 * as the lock (the database frees it if the process dies). The embedded H2 is opened by one process, so the
 * semaphore is the whole lock there. Waiting runs look every half second whether the lock is free, in no
 * particular order, or whether their run was asked to stop. One instance per key and process. {@link #hold(String)}
 * serves what takes its turn outside {@link #around} (a command), {@link #holdWithin} a step that takes it inside
 * (the price sync's tasklet, which waits with its step's transaction open, tying up that connection too).
 */
public class StepLock {

    private static final Logger log = LoggerFactory.getLogger(StepLock.class);
    private static final Duration POLL = Duration.ofMillis(500);

    /** The lock while it is held; closing it gives the lock back (again: nothing). */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The run of a step waiting for the lock was asked to stop (or its thread interrupted). */
    static final class StoppedWaiting extends RuntimeException {
        StoppedWaiting(String message) {
            super(message);
        }
    }

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final long advisoryKey;
    private final JobRepository jobRepository;
    private final Semaphore permit = new Semaphore(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** @param jobRepository where a waiting run sees that it was asked to stop, and records how its step ended */
    public StepLock(DataSource dataSource, SqlDialect dialect, long advisoryKey, JobRepository jobRepository) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.dialect = dialect;
        this.advisoryKey = advisoryKey;
        this.jobRepository = jobRepository;
    }

    /**
     * The step, executed under this lock. A run waiting for it shows the step as STARTING. If the run is asked to
     * stop while it waits, the step ends STOPPED without having started (its restart executes it); if waiting
     * fails (the database is gone), it ends FAILED. A job operator's stop reaches the step it wraps.
     */
    public Step around(Step step) {
        return new StoppableStep() {
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
                executeLocked(step, stepExecution);
            }

            @Override
            public void stop(StepExecution stepExecution) {
                if (step instanceof StoppableStep stoppable) {
                    stoppable.stop(stepExecution);
                }
            }
        };
    }

    /** Executes {@code step} once the lock is held, recording the step as ended if waiting for the lock fails. */
    private void executeLocked(Step step, StepExecution stepExecution) throws JobInterruptedException {
        Held held;
        try {
            held = hold(step.getName(), () -> stopRequested(stepExecution));
        } catch (StoppedWaiting e) {
            end(stepExecution, BatchStatus.STOPPED, ExitStatus.STOPPED, e);
            throw new JobInterruptedException(e.getMessage());
        } catch (RuntimeException e) {
            end(stepExecution, BatchStatus.FAILED, ExitStatus.FAILED, e);
            throw e;
        }
        try (held) {
            step.execute(stepExecution);
        }
    }

    /** Takes the lock, waiting as long as another run's {@code step} holds it. */
    public Held hold(String step) {
        return hold(step, () -> false);
    }

    /**
     * Takes the lock from inside a step already executing (a tasklet that takes its turn in its transaction), waiting
     * as long as another run or command holds it. If the step's run was asked to stop before its turn (while it read
     * its input, say) or is asked while it waits, it gives up with a {@link JobInterruptedException}, which ends the
     * step STOPPED (its restart executes it again).
     */
    public Held holdWithin(StepExecution stepExecution) throws JobInterruptedException {
        if (stopAsked(stepExecution)) {
            throw new JobInterruptedException(stepExecution.getStepName() + " was stopped before its turn");
        }
        try {
            return hold(stepExecution.getStepName(), () -> stopAsked(stepExecution));
        } catch (StoppedWaiting e) {
            throw new JobInterruptedException(e.getMessage());
        }
    }

    /**
     * Whether the step's run was asked to stop, read with one small query and without writing the step: its
     * transaction is open, and a version written in it would be lost on rollback.
     */
    public boolean stopAsked(StepExecution stepExecution) {
        List<String> status = jdbc.queryForList(
                "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?",
                String.class,
                stepExecution.getJobExecutionId());
        return status.isEmpty()
                || status.get(0).equals(BatchStatus.STOPPING.name())
                || status.get(0).equals(BatchStatus.STOPPED.name());
    }

    /** How many runs of this process wait for the lock. */
    public int waiting() {
        return waiting.get();
    }

    /** Takes the lock, waiting until it is free or {@code stopping} says to give up ({@link StoppedWaiting}). */
    Held hold(String step, BooleanSupplier stopping) {
        if (!permit.tryAcquire()) {
            log.info("{} waits for its turn: another run or command of this process holds the lock it takes", step);
            waiting.incrementAndGet();
            try {
                while (!acquirePermitWithinPoll(step)) {
                    giveUpIf(stopping, step);
                }
            } finally {
                waiting.decrementAndGet();
            }
        }
        return lockedWithPermit(step, stopping);
    }

    /** With this process's permit taken: the lock, and the permit given back if taking the lock fails. */
    private Held lockedWithPermit(String step, BooleanSupplier stopping) {
        boolean locked = false;
        try {
            Held held = dialect == SqlDialect.POSTGRESQL ? holdAdvisoryLock(step, stopping) : () -> {};
            locked = true;
            return once(() -> {
                try {
                    held.close();
                } finally {
                    permit.release();
                }
            });
        } finally {
            if (!locked) {
                permit.release();
            }
        }
    }

    private Held holdAdvisoryLock(String step, BooleanSupplier stopping) {
        boolean locked = false;
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            if (!tryLock(connection)) {
                log.info("{} waits for its turn: a run or command of another process holds the lock it takes", step);
                waiting.incrementAndGet();
                try {
                    while (!tryLock(connection)) {
                        giveUpIf(stopping, step);
                        Thread.sleep(POLL.toMillis());
                    }
                } finally {
                    waiting.decrementAndGet();
                }
            }
            locked = true;
            Connection lockedBy = connection;
            return () -> release(lockedBy, step);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the lock of " + step, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedWaiting(
                    step + " was interrupted waiting for its turn (another run or command held the lock it takes)");
        } finally {
            if (!locked && connection != null) {
                closeQuietly(connection);
            }
        }
    }

    private boolean acquirePermitWithinPoll(String step) {
        try {
            return permit.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedWaiting(
                    step + " was interrupted waiting for its turn (another run or command held the lock it takes)");
        }
    }

    private static void giveUpIf(BooleanSupplier stopping, String step) {
        if (stopping.getAsBoolean()) {
            throw new StoppedWaiting(
                    step + " was stopped waiting for its turn (another run or command held the lock it takes)");
        }
    }

    /** Whether the step's run was asked to stop: the job repository's own check, done at every chunk boundary. */
    private boolean stopRequested(StepExecution stepExecution) {
        jobRepository.update(stepExecution);
        return stepExecution.isTerminateOnly();
    }

    /** Records a step that ended while it waited, as Batch records a step that ended (it has no start or end time). */
    private void end(StepExecution stepExecution, BatchStatus status, ExitStatus exitStatus, RuntimeException cause) {
        stepExecution.setStatus(status);
        stepExecution.setExitStatus(exitStatus.addExitDescription(cause));
        stepExecution.addFailureException(cause);
        try {
            jobRepository.update(stepExecution);
        } catch (RuntimeException e) {
            log.error("could not record that {} ended {} while it waited", stepExecution.getStepName(), status, e);
        }
    }

    /**
     * Unlocks and returns the connection to the pool. A connection that cannot unlock is aborted instead,
     * so that its session, and the lock with it, ends rather than waiting in the pool still holding it.
     */
    private void release(Connection connection, String step) {
        try {
            if (call(connection, "pg_advisory_unlock")) {
                connection.close();
                return;
            }
            log.warn("the lock of {} was not held by its connection at release; ending that session", step);
        } catch (SQLException | RuntimeException e) {
            log.warn("could not give back the lock of {}; ending its session instead", step, e);
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            log.warn(
                    "could not end the session holding the lock of {}; it stays taken until that session ends",
                    step,
                    e);
        }
        closeQuietly(connection);
    }

    private boolean tryLock(Connection connection) throws SQLException {
        return call(connection, "pg_try_advisory_lock");
    }

    private boolean call(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, advisoryKey);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("could not close a connection of the step lock", e);
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
