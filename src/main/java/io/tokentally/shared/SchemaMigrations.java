package io.tokentally.shared;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Migrates the schema at start-up. The embedded H2 database commits a migration's statements one by one, so a
 * process killed while its first start-up created the schema left part of a migration behind, and every later
 * start failed on it ("already exists") until someone deleted the data folder. Now, when migrating H2 fails and
 * the database has never run a job (no Spring Batch job instance), nothing in it is the operator's: it is emptied
 * and migrated again. A database that has run a job is never emptied; the error stands. PostgreSQL runs each
 * migration in a transaction, so a killed one leaves nothing behind.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaMigrations {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    @Bean
    FlywayMigrationStrategy flywayMigrationStrategy(DataSource dataSource) {
        return flyway -> migrate(flyway, dataSource);
    }

    static void migrate(Flyway flyway, DataSource dataSource) {
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            if (SqlDialect.of(dataSource) != SqlDialect.H2 || hasRunAJob(dataSource)) {
                throw e;
            }
            log.warn(
                    "Migrating the embedded database failed ({}); it has run no job yet, so it is emptied and"
                            + " migrated again",
                    e.getMessage());
            Flyway.configure()
                    .configuration(flyway.getConfiguration())
                    .cleanDisabled(false)
                    .load()
                    .clean();
            flyway.migrate();
        }
    }

    private static boolean hasRunAJob(DataSource dataSource) {
        try {
            Long instances =
                    new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE", Long.class);
            return instances != null && instances > 0;
        } catch (BadSqlGrammarException e) {
            return false; // the killed start-up had not created the job repository yet
        }
    }
}
