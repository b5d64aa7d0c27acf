package io.tokentally.job;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The leases of the executions this process runs ({@code run_lease}): taken when one begins, renewed every
 * {@link #RENEW_EVERY} while it runs, given back when it ends. A process of another host cannot ask whether this one
 * is alive; a lease not renewed for {@link #LAPSES_AFTER}, by the database's clock (no two hosts' clocks are
 * compared), tells it that the process died (killed, out of memory, its node lost), so that the next run of the day
 * resumes the run rather than waiting for an operator.
 */
@Component
public class RunLeases implements DisposableBean {

    static final Duration RENEW_EVERY = Duration.ofSeconds(20);

    /** Six renewals missed: a process that cannot reach its database that long cannot run a step either. */
    static final Duration LAPSES_AFTER = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);

    private final JdbcTemplate jdbc;
    private final Duration renewEvery;
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Keeps a renewal from taking again a lease that {@link #release} is giving back. */
    private final Object releasing = new Object();

    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "run-lease-renewals");
        thread.setDaemon(true);
        return thread;
    });

    @Autowired
    RunLeases(DataSource dataSource) {
        this(dataSource, RENEW_EVERY);
    }

    RunLeases(DataSource dataSource, Duration renewEvery) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.renewEvery = renewEvery;
        // a renewal stuck on a connection that no longer answers would keep the next from running
        jdbc.setQueryTimeout((int) Math.max(1, renewEvery.toSeconds()));
        renewals.scheduleWithFixedDelay(
                this::renewAll, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease of an execution this process runs, or is about to: in {@code serve}, the thread that hands the
     * run to the pool and the pool's thread that begins it may take it at the same moment, so the second one's insert
     * finds the first one's row and renews it.
     */
    void take(long execution) {
        held.add(execution);
        if (renewWithin(execution) == 0) {
            try {
                jdbc.update(
                        "INSERT INTO run_lease (job_execution_id, host, pid, renewed_at) VALUES (?, ?, ?,"
                                + " CURRENT_TIMESTAMP)",
                        execution,
                        RunOwnerListener.localHost(),
                        ProcessHandle.current().pid());
            } catch (DuplicateKeyException e) {
                renewWithin(execution);
            }
        }
    }

    /**
     * Renews a lease on a connection that gives up after a renewal period without an answer (on PostgreSQL, plus the
     * driver's 10 s wait for its cancel): a query timeout is a cancel sent on another connection, which a connection
     * the network dropped never hears, and the one renewal thread would wait on it for good while every lease lapses.
     */
    private int renewWithin(long execution) {
        return jdbc.execute((ConnectionCallback<Integer>) connection -> {
            int before = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run, (int) renewEvery.toMillis());
            int renewed;
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE run_lease SET renewed_at = CURRENT_TIMESTAMP WHERE job_execution_id = ?")) {
                update.setLong(1, execution);
                renewed = update.executeUpdate();
            } catch (SQLException failure) {
                try {
                    connection.setNetworkTimeout(Runnable::run, before);
                } catch (SQLException closed) {
                    // the connection timed out and was closed (the pool drops it): the update's failure tells why
                    failure.addSuppressed(closed);
                }
                throw failure;
            }
            connection.setNetworkTimeout(Runnable::run, before);
            return renewed;
        });
    }

    /** Gives back the lease of an execution that has ended. */
    void release(long execution) {
        synchronized (releasing) {
            held.remove(execution);
            jdbc.update("DELETE FROM run_lease WHERE job_execution_id = ?", execution);
        }
    }

    /**
     * Renews every lease this process holds, each on its own; a failure is logged and the next renewal tries again.
     * Nothing it throws ends the renewals (an error thrown out of a scheduled task would cancel them for good).
     */
    void renewAll() {
        for (long execution : List.copyOf(held)) {
            try {
                if (renewWithin(execution) == 0) {
                    synchronized (releasing) {
                        if (held.contains(execution)) {
                            // gone from the table while held: taken again, so that its run is not taken for dead
                            take(execution);
                        }
                    }
                }
            } catch (Throwable e) {
                log.warn(
                        "The lease of execution {} could not be renewed; trying again in {} s: {}",
                        execution,
                        renewEvery.toSeconds(),
                        e.toString());
            }
        }
    }

    /**
     * An execution's lease: when it was last renewed, and whether it has lapsed since, not renewed for {@link
     * #LAPSES_AFTER} by the database's clock.
     */
    record Lease(Instant renewedAt, boolean lapsed) {}

    /**
     * The lease of an execution; empty for one without (it ended, or a version without leases ran it: judged as
     * before).
     */
    Optional<Lease> of(long execution) {
        return jdbc
                .query(
                        "SELECT renewed_at, CURRENT_TIMESTAMP FROM run_lease WHERE job_execution_id = ?",
                        (rs, rowNum) -> {
                            Instant renewed =
                                    rs.getObject(1, OffsetDateTime.class).toInstant();
                            Instant now = rs.getObject(2, OffsetDateTime.class).toInstant();
                            return new Lease(renewed, now.minus(LAPSES_AFTER).isAfter(renewed));
                        },
                        execution)
                .stream()
                .findFirst();
    }

    @Override
    public void destroy() {
        renewals.shutdownNow();
    }
}
