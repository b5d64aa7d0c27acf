package io.tokentally.job;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Fails start-up when the connection pool is too small for the runs this process executes at once. What counts is
 * what a run holds while it waits for more. An ingest thread holds a connection for its whole file, and a file
 * that must wait for an earlier one of its source waits with it; if the earlier file's thread then finds the pool
 * empty, both wait until the pool gives up and the run fails. The rate step holds two at most (its chunk's and, on
 * PostgreSQL, the rate lock's), and so does the statement step (its own and the sum of rated days'); the steps that
 * plan what goes to Stripe hold those two and, on PostgreSQL, the outbox lock's, which one run of the process holds at
 * a time: one more for the process. The upload threads' transactions are brief and shared by the process, so they
 * only wait their turn. One more is left for the job repository's and the API's short queries.
 */
final class ConnectionPoolCheck {

    static final String POOL_PROPERTY = "spring.datasource.hikari.maximum-pool-size";

    /** The most connections a run's step holds while it waits for another, ingest aside. */
    private static final int STEP_CONNECTIONS = 2;

    private ConnectionPoolCheck() {}

    /**
     * The smallest pool for {@code runs} runs at once that read {@code ingestThreads} files each in parallel, on
     * PostgreSQL or not.
     */
    static int required(int runs, int ingestThreads, boolean postgres) {
        return runs * Math.max(ingestThreads, STEP_CONNECTIONS) + 1 + (postgres ? 1 : 0);
    }

    /**
     * @param runs how many runs the process executes at once
     * @param runsProperty the setting that says so, or null for a process that runs one at a time
     * @throws InvalidConfigurationPropertyValueException naming the pool's property when it is too small
     */
    static void check(DataSource dataSource, int runs, String runsProperty, int ingestThreads) {
        HikariDataSource pool = hikari(dataSource);
        if (pool == null) {
            return;
        }
        boolean postgres = pool.getJdbcUrl() != null && pool.getJdbcUrl().startsWith("jdbc:postgresql:");
        int required = required(runs, ingestThreads, postgres);
        if (pool.getMaximumPoolSize() < required) {
            String runsSaid = runsProperty == null ? "one run at a time" : runsProperty + "=" + runs;
            throw new InvalidConfigurationPropertyValueException(
                    POOL_PROPERTY,
                    pool.getMaximumPoolSize(),
                    "at least " + required + " connections are needed for " + runsSaid
                            + " with tokentally.ingest.threads=" + ingestThreads + " (each run holds one per ingest"
                            + " thread, at least " + STEP_CONNECTIONS + ", one is left for the job repository"
                            + (postgres ? " and one for the outbox lock" : "") + ");"
                            + " raise it, or lower " + (runsProperty == null ? "" : runsProperty + " or ")
                            + "tokentally.ingest.threads");
        }
    }

    private static HikariDataSource hikari(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
