package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Whether any finding is stored, of whatever status: what {@code findings list} asks before it hints at the sample. */
class FindingRepositoryTests {

    @TempDir
    Path dir;

    private FindingRepository findings;

    @BeforeEach
    void start() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        findings = new FindingRepository(
                new JdbcTemplate(dataSource), Clock.fixed(Instant.parse("2026-11-28T02:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void anEmptyTableHasNone() {
        assertThat(findings.none()).isTrue();
    }

    @Test
    void aResolvedFindingStillCounts() {
        // given: the only finding is resolved, so an open listing shows nothing
        findings.record(new Finding("k", "KIND", Finding.Severity.WARNING, "m"), 1);
        findings.resolve("k", 2);

        // when
        boolean none = findings.none();

        // then
        assertThat(findings.list("OPEN")).isEmpty();
        assertThat(none).isFalse();
    }
}
