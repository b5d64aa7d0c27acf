package io.tokentally.job;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Fails start-up when the connection pool is too small for the runs this process executes at once. An ingest
 * thread holds a connection for its whole file, and a file that must wait for an earlier one of its source
 * waits with it; if the earlier file's thread then finds the pool empty, both wait until the pool gives up
 * and the run fails. The rate step holds two (its chunk's and, on PostgreSQL, the rate lock's), and so do the
 * build-outbox and statement steps (their own and the sum of rated days'). One more is left for the job
 * repository's and the API's short queries.
 */
final class ConnectionPoolCheck {

    static final String POOL_PROPERTY = "spring.datasource.hikari.maximum-pool-size";

    /** The most connections one run's steps hold at once, ingest aside. */
    private static final int STEP_CONNECTIONS = 2;

    private ConnectionPoolCheck() {}

    /** The smallest pool for {@code runs} runs at once that read {@code ingestThreads} files each in parallel. */
    static int required(int runs, int ingestThreads) {
        return runs * Math.max(ingestThreads, STEP_CONNECTIONS) + 1;
    }

    /**
     * @param runs how many runs the process executes at once
     * @param runsSetting where that number comes from, named in the failure
     * @throws InvalidConfigurationPropertyValueException naming the pool's property when it is too small
     */
    static void check(DataSource dataSource, int runs, String runsSetting, int ingestThreads) {
        HikariDataSource pool = hikari(dataSource);
        if (pool == null) {
            return;
        }
        int required = required(runs, ingestThreads);
        if (pool.getMaximumPoolSize() < required) {
            throw new InvalidConfigurationPropertyValueException(
                    POOL_PROPERTY,
                    pool.getMaximumPoolSize(),
                    "at least " + required + " connections are needed for " + runsSetting + " with "
                            + "tokentally.ingest.threads=" + ingestThreads + " (each run holds one per ingest thread,"
                            + " at least " + STEP_CONNECTIONS + ", and one is left for the job repository); raise it or"
                            + " lower those");
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
