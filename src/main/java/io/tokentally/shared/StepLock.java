package io.tokentally.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StoppableStep;

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
    /** How often a waiting run looks whether the lock is free, or its run was asked to stop. */
    private static final Duration POLL = Duration.ofMillis(500);

    /** The lock while it is held; closing it gives the lock back (again: nothing). */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final long advisoryKey;
    private final Semaphore permit = new Semaphore(1, true);
    /** Runs of this process that hold the permit and wait for a run of another process. */
    private final AtomicInteger waitingForOtherProcesses = new AtomicInteger();

    public StepLock(DataSource dataSource, SqlDialect dialect, long advisoryKey) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.advisoryKey = advisoryKey;
    }

    /** Whether the run of a step execution was asked to stop, as the job repository has it. */
    public static Predicate<StepExecution> stopRequestedIn(JobRepository jobRepository) {
        return stepExecution -> {
            JobExecution run = jobRepository.getJobExecution(stepExecution.getJobExecutionId());
            return run != null && (run.isStopping() || run.getStatus() == BatchStatus.STOPPED);
        };
    }

    /**
     * The step, executed under this lock. A run waiting for it shows the step as STARTING. A run asked to stop
     * while it waits ({@code stopRequested}) stops waiting and executes the step unlocked: the step sees the
     * stop as it starts and ends STOPPED before its first chunk, as a step stopped at a chunk boundary does.
     */
    public Step around(Step step, Predicate<StepExecution> stopRequested) {
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
                Optional<Held> held = hold(step.getName(), () -> stopRequested.test(stepExecution));
                try {
                    step.execute(stepExecution);
                } finally {
                    held.ifPresent(Held::close);
                }
            }

            /** What a job operator's stop does to the step it wraps (a running step's row says STOPPED at once). */
            @Override
            public void stop(StepExecution stepExecution) {
                if (step instanceof StoppableStep stoppable) {
                    stoppable.stop(stepExecution);
                } else {
                    StoppableStep.super.stop(stepExecution);
                }
            }
        };
    }

    /** Takes the lock, waiting as long as another run's {@code step} holds it. */
    public Held hold(String step) {
        return hold(step, () -> false).orElseThrow();
    }

    /** How many runs of this process wait for the lock. */
    public int waiting() {
        return permit.getQueueLength() + waitingForOtherProcesses.get();
    }

    /** Takes the lock, or gives up waiting for it, holding nothing, once {@code stopping} says so. */
    private Optional<Held> hold(String step, BooleanSupplier stopping) {
        if (!permit.tryAcquire()) {
            log.info("{} waits for another run's {} to end", step, step);
            while (!acquirePermitWithinPoll(step)) {
                if (stopping.getAsBoolean()) {
                    return Optional.empty();
                }
            }
        }
        try {
            if (dialect != SqlDialect.POSTGRESQL) {
                return Optional.of(once(permit::release));
            }
            Optional<Held> advisory = holdAdvisoryLock(step, stopping);
            if (advisory.isEmpty()) {
                permit.release();
            }
            return advisory.map(lock -> once(() -> {
                try {
                    lock.close();
                } finally {
                    permit.release();
                }
            }));
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
    }

    private boolean acquirePermitWithinPoll(String step) {
        try {
            return permit.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(step + " was interrupted waiting for another run's " + step, e);
        }
    }

    private Optional<Held> holdAdvisoryLock(String step, BooleanSupplier stopping) {
        try {
            Connection connection = dataSource.getConnection();
            try {
                if (!tryLock(connection)) {
                    log.info("{} waits for a run of another process to end its {}", step, step);
                    waitingForOtherProcesses.incrementAndGet();
                    try {
                        while (!tryLock(connection)) {
                            if (stopping.getAsBoolean()) {
                                connection.close();
                                return Optional.empty();
                            }
                            Thread.sleep(POLL.toMillis());
                        }
                    } finally {
                        waitingForOtherProcesses.decrementAndGet();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            } catch (InterruptedException e) {
                connection.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(step + " was interrupted waiting for another run's " + step, e);
            }
            return Optional.of(() -> release(connection, step));
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
            if (unlock(connection)) {
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

    private boolean tryLock(Connection connection) throws SQLException {
        return call(connection, "pg_try_advisory_lock");
    }

    private boolean unlock(Connection connection) throws SQLException {
        return call(connection, "pg_advisory_unlock");
    }

    private boolean call(Connection connection, String function) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
            statement.setLong(1, advisoryKey);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
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
