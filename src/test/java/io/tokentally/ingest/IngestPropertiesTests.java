package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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

    @Test
    void refusesADedupWindowOfNoDaysNamingTheProperty() {
        context.withPropertyValues("tokentally.ingest.dedup-days=0").run(started -> {
            assertThat(started).hasFailed();
            assertThat(messages(started.getStartupFailure()))
                    .contains("tokentally.ingest")
                    .contains("dedupDays");
        });
    }

    @Test
    void refusesADedupWindowOverAMonthNamingTheProperty() {
        context.withPropertyValues("tokentally.ingest.dedup-days=32").run(started -> {
            assertThat(started).hasFailed();
            assertThat(messages(started.getStartupFailure()))
                    .contains("tokentally.ingest")
                    .contains("dedupDays");
        });
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(IngestProperties.class)
    static class Ingest {}
}
