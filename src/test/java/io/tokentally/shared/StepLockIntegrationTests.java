package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.TestPostgres;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.springframework.batch.core.step.Step;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The step lock on PostgreSQL, between two instances standing for two processes. */
class StepLockIntegrationTests {

    private final SimpleDriverDataSource dataSource =
            new SimpleDriverDataSource(new Driver(), TestPostgres.url("public"), TestPostgres.USER, "");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    /** A key of this test's own: advisory locks are the database's, shared with every other test. */
    private final long key = ThreadLocalRandom.current().nextLong();

    // no step here waits while the lock is free, or ends while waiting, so no job repository is asked
    private final StepLock oneProcess = new StepLock(dataSource, SqlDialect.POSTGRESQL, key, null);
    private final StepLock anotherProcess = new StepLock(dataSource, SqlDialect.POSTGRESQL, key, null);
    private final ExecutorService runs = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopRuns() throws InterruptedException {
        runs.shutdownNow();
        runs.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void aStepWaitsWhileARunOfAnotherProcessHoldsItsLock() throws Exception {
        // given
        Future<?> waiting;
        try (StepLock.Held held = oneProcess.hold("rateStep")) {
            // when
            waiting = runs.submit(() -> anotherProcess.hold("rateStep").close());

            // then: the other process waits for the lock
            awaitWaitingIn(anotherProcess, waiting);
            assertThat(waiting).isNotDone();
        }

        // and: it gets the lock once the holder gives it back
        waiting.get(30, TimeUnit.SECONDS);
        assertThat(grantedLocks()).isZero();
    }

    @Test
    void aStepThatFailsGivesTheLockBack() throws Exception {
        // given
        Step failing = execution -> {
            throw new IllegalStateException("the step failed");
        };

        // when
        assertThatThrownBy(() -> oneProcess.around(failing).execute(null)).hasMessage("the step failed");

        // then
        assertThat(grantedLocks()).isZero();
        runs.submit(() -> anotherProcess.hold("rateStep").close()).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRunAskedToStopGivesUpWaitingAndLeavesTheLockToItsHolder() throws Exception {
        // given: a run of another process waiting for the lock
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> waiting;
        try (StepLock.Held held = oneProcess.hold("rateStep")) {
            waiting =
                    runs.submit(() -> anotherProcess.hold("rateStep", stop::get).close());
            awaitWaitingIn(anotherProcess, waiting);

            // when
            stop.set(true);

            // then: it gives up without the lock, which its holder keeps
            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(StepLock.StoppedWaiting.class);
            assertThat(anotherProcess.waiting()).isZero();
            assertThat(grantedLocks()).isOne();
        }

        // and: once the holder gives it back, that process takes it at once
        assertThat(grantedLocks()).isZero();
        runs.submit(() -> anotherProcess.hold("rateStep").close()).get(30, TimeUnit.SECONDS);
    }

    private static void awaitWaitingIn(StepLock process, Future<?> run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (process.waiting() == 0) {
            assertThat(run).as("the run took a held lock").isNotDone();
            assertThat(System.nanoTime()).as("the run waits within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private long grantedLocks() {
        return locks(true);
    }

    /** Advisory locks of the key: a bigint key is stored as its high half in classid and its low half in objid. */
    private long locks(boolean granted) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = ? AND classid::bigint = ?"
                        + " AND objid::bigint = ? AND objsubid = 1",
                Long.class,
                granted,
                key >>> 32,
                key & 0xffffffffL);
    }
}
