package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.TestH2;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A first start-up killed in the middle of a migration, on the embedded H2 database: the schema is migrated up to
 * V118 and V119's first statement is applied, as a process killed right after it leaves the database.
 */
class SchemaMigrationsTests {

    static final String V119_FIRST_STATEMENT =
            "ALTER TABLE usage_hourly ADD COLUMN held BOOLEAN DEFAULT FALSE NOT NULL";

    @TempDir
    Path dir;

    @Test
    void aDatabaseThatHasRunNoJobIsEmptiedAndMigratedAgain() {
        // given
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        Flyway flyway = TestH2.flyway(dataSource, "latest");
        killedInV119(dataSource);
        assertThatThrownBy(flyway::migrate).isInstanceOf(FlywayException.class);

        // when
        SchemaMigrations.migrate(flyway, dataSource);

        // then every migration succeeded, V119 included
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '119' AND \"success\"",
                        Long.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM held_model_hour", Long.class))
                .isZero();
    }

    @Test
    void aDatabaseThatHasRunAJobKeepsItsDataAndTheError() {
        // given a database whose job repository holds a job instance
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        killedInV119(dataSource);
        new JdbcTemplate(dataSource)
                .update("INSERT INTO BATCH_JOB_INSTANCE (JOB_INSTANCE_ID, VERSION, JOB_NAME, JOB_KEY)"
                        + " VALUES (1, 0, 'nightlyBillingJob', 'key')");

        // when, then
        assertThatThrownBy(() -> SchemaMigrations.migrate(TestH2.flyway(dataSource, "latest"), dataSource))
                .isInstanceOf(FlywayException.class);
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE", Long.class))
                .isEqualTo(1);
    }

    private static void killedInV119(JdbcDataSource dataSource) {
        TestH2.flyway(dataSource, "118").migrate();
        new JdbcTemplate(dataSource).execute(V119_FIRST_STATEMENT);
    }
}
