package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.TestH2;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** The leases of the executions a process runs, on the embedded database. */
class RunLeasesTests {

    @Test
    void aLeaseIsTakenRenewedAndGivenBackAndLapsesTwoMinutesAfterItsLastRenewalByTheDatabasesClock() {
        // given
        DataSource dataSource = TestH2.fileDatabase(TempFolders.create("run-leases-"));
        TestH2.flyway(dataSource, "latest").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        RunLeases leases = new RunLeases(jdbc);
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
}
