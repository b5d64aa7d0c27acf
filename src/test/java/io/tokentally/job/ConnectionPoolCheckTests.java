package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.tokentally.ingest.IngestProperties;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class ConnectionPoolCheckTests {

    @Test
    void eachRunNeedsAConnectionPerIngestThreadButAtLeastTwoAndOneIsLeftOver() {
        assertThat(ConnectionPoolCheck.required(1, 2, false)).isEqualTo(3);
        assertThat(ConnectionPoolCheck.required(1, 1, false)).isEqualTo(3);
        assertThat(ConnectionPoolCheck.required(2, 2, false)).isEqualTo(5);
        assertThat(ConnectionPoolCheck.required(2, 4, false)).isEqualTo(9);
    }

    @Test
    void onPostgresqlTheRunPlanningWhatGoesToStripeHoldsOneMoreForTheOutboxLock() {
        // review 87: its lock's, its transaction's and the sum of rated days' took the one left over
        assertThat(ConnectionPoolCheck.required(1, 2, true)).isEqualTo(4);
        assertThat(ConnectionPoolCheck.required(2, 2, true)).isEqualTo(6);
        try (HikariDataSource pool = pool(3)) {
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test");
            assertThatThrownBy(() -> ConnectionPoolCheck.check(pool, 1, null, 2))
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("at least 4 connections")
                    .hasMessageContaining("one for the outbox lock");
        }
    }

    @Test
    void theShippedDefaultsFitTheShippedPool() throws IOException {
        Binder defaults = new Binder(new MapConfigurationPropertySource(
                PropertiesLoaderUtils.loadProperties(new ClassPathResource("application.properties"))));
        int poolSize =
                defaults.bind(ConnectionPoolCheck.POOL_PROPERTY, Integer.class).get();
        int runs = defaults.bindOrCreate("tokentally.serve", AsyncRunsConfiguration.ServeProperties.class)
                .maxConcurrentRuns();
        int ingestThreads = defaults.bindOrCreate("tokentally.ingest", IngestProperties.class)
                .threads();
        try (HikariDataSource pool = pool(poolSize)) {
            assertThatCode(() -> ConnectionPoolCheck.check(
                            pool, runs, "tokentally.serve.max-concurrent-runs", ingestThreads))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aPoolTooSmallForTheRunsFailsNamingItsPropertyAndTheSettingsThatNeedMore() {
        try (HikariDataSource pool = pool(8)) {
            assertThatThrownBy(() -> ConnectionPoolCheck.check(pool, 2, "tokentally.serve.max-concurrent-runs", 4))
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("spring.datasource.hikari.maximum-pool-size")
                    .hasMessageContaining("'8'")
                    .hasMessageContaining("at least 9 connections")
                    .hasMessageContaining("tokentally.serve.max-concurrent-runs=2")
                    .hasMessageContaining("tokentally.ingest.threads=4")
                    .hasMessageEndingWith(
                            "raise it, or lower tokentally.serve.max-concurrent-runs or tokentally.ingest.threads");
        }
    }

    @Test
    void aDataSourceThatIsNoHikariPoolIsNotChecked() {
        assertThatCode(() -> ConnectionPoolCheck.check(
                        new DriverManagerDataSource(), 100, "tokentally.serve.max-concurrent-runs", 64))
                .doesNotThrowAnyException();
    }

    private static HikariDataSource pool(int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setMaximumPoolSize(size);
        return pool;
    }
}
