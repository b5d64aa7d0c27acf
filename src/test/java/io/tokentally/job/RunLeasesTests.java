package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TcpProxy;
import io.tokentally.TempFolders;
import io.tokentally.TestH2;
import io.tokentally.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** The leases of the executions a process runs, on the embedded database and on PostgreSQL. */
class RunLeasesTests {

    static final String SCHEMA = "run_leases_" + Long.toString(System.nanoTime(), 36);

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLeaseIsTakenRenewedAndGivenBackAndLapsesTwoMinutesAfterItsLastRenewalByTheDatabasesClock(String database) {
        // given
        DataSource dataSource = database.equals("h2") ? h2() : postgres();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        RunLeases leases = new RunLeases(dataSource);
        try {
            // when: a run takes its lease
            leases.take(7);

            // then: it is renewed, in this process's name
            assertThat(leases.of(7))
                    .hasValueSatisfying(lease -> assertThat(lease.lapsed()).isFalse());
            assertThat(jdbc.queryForObject("SELECT host FROM run_lease WHERE job_execution_id = 7", String.class))
                    .isEqualTo(RunOwnerListener.localHost());

            // when: its last renewal was three minutes ago
            OffsetDateTime now = jdbc.queryForObject("SELECT CURRENT_TIMESTAMP", OffsetDateTime.class);
            jdbc.update("UPDATE run_lease SET renewed_at = ? WHERE job_execution_id = 7", now.minusMinutes(3));

            // then: it has lapsed, since then
            assertThat(leases.of(7)).hasValueSatisfying(lease -> {
                assertThat(lease.lapsed()).isTrue();
                assertThat(lease.renewedAt()).isEqualTo(now.minusMinutes(3).toInstant());
            });

            // when: this process renews its leases, then it is renewed again
            leases.renewAll();
            assertThat(leases.of(7))
                    .hasValueSatisfying(lease -> assertThat(lease.lapsed()).isFalse());

            // when: the run ends, then its lease is gone, and one never taken is none
            leases.release(7);
            assertThat(leases.of(7)).isEmpty();
            assertThat(leases.of(8)).isEmpty();
        } finally {
            leases.destroy();
        }
    }

    @Test
    void twoThreadsTakingOneLeaseAtOnceBothHoldIt() throws Exception {
        // given: in serve, the thread that hands a run to the pool and the pool's thread that begins it take its lease
        DataSource dataSource = h2();
        RunLeases leases = new RunLeases(dataSource);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // kept open, so that the embedded database is not opened again for every statement
        try (Connection keptOpen = dataSource.getConnection()) {
            for (long execution = 1; execution <= 200; execution++) {
                long taken = execution;
                CyclicBarrier together = new CyclicBarrier(2);
                Callable<Void> take = () -> {
                    together.await(10, TimeUnit.SECONDS);
                    leases.take(taken);
                    return null;
                };

                // when
                List<Future<Void>> both = threads.invokeAll(List.of(take, take));

                // then: neither failed on the other's row
                for (Future<Void> one : both) {
                    one.get();
                }
                assertThat(leases.of(taken)).isPresent();
            }
        } finally {
            threads.shutdownNow();
            leases.destroy();
        }
    }

    @Test
    void aRenewalOnAConnectionTheNetworkDroppedGivesUpAfterTheRenewalPeriodInsteadOfWaitingForGood() throws Exception {
        // given: a lease renewed every 2 s, on one connection to PostgreSQL through a proxy
        TestPostgres.migrated(SCHEMA);
        try (TcpProxy proxy = new TcpProxy(TestPostgres.address());
                Connection connection =
                        DriverManager.getConnection(TestPostgres.url(SCHEMA, proxy), TestPostgres.USER, "")) {
            RunLeases leases = new RunLeases(new SingleConnectionDataSource(connection, true), Duration.ofSeconds(2));
            ExecutorService renewal = Executors.newSingleThreadExecutor();
            try {
                leases.take(11);

                // when: the network drops the connection's packets, and the lease is renewed
                proxy.freeze();
                long started = System.nanoTime();
                Future<?> renewed = renewal.submit(leases::renewAll);

                // then: the renewal gives up (and logs it) rather than waiting for an answer that never comes, after
                // the 2 s and the driver's wait for its cancel of the query (10 s), which never arrives either; it
                // waited for an answer (a renewal the freeze did not hold would end at once)
                renewed.get(30, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1500));
            } finally {
                proxy.thaw();
                renewal.shutdownNow();
                leases.destroy();
            }
        }
    }

    private static DataSource h2() {
        DataSource dataSource = TestH2.fileDatabase(TempFolders.create("run-leases-"));
        TestH2.flyway(dataSource, "latest").migrate();
        return dataSource;
    }

    private static DataSource postgres() {
        return TestPostgres.migrated(SCHEMA);
    }
}
