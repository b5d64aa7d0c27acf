package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The dedup window is checked at start-up, and a bad one names its property. */
class IngestPropertiesTests {

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Ingest.class);

    @Test
    void dedupLooksOneDayEitherSideByDefault() {
        context.run(started ->
                assertThat(started.getBean(IngestProperties.class).dedupDays()).isEqualTo(1));
    }

    @ParameterizedTest(name = "dedup-days={0}")
    @ValueSource(ints = {0, 32})
    void refusesADedupWindowOutsideOneToThirtyOneDaysNamingTheProperty(int days) {
        context.withPropertyValues("tokentally.ingest.dedup-days=" + days).run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure())
                    .hasStackTraceContaining("tokentally.ingest")
                    .hasStackTraceContaining("dedupDays");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(IngestProperties.class)
    static class Ingest {}
}
