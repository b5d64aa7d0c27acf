package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The reconciliation tolerances are checked at start-up, and a bad one names its property. */
class ProviderReconcilePropertiesTests {

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Tolerances.class);

    @Test
    void defaultsToExactTokensAndOneCent() {
        context.run(started -> {
            ProviderReconcileProperties properties = started.getBean(ProviderReconcileProperties.class);
            assertThat(properties.usageTokens()).isZero();
            assertThat(properties.usageUsd()).isEqualByComparingTo("0.01");
            assertThat(properties.usagePercent()).isEqualByComparingTo("0");
            assertThat(properties.chargeUsd()).isEqualByComparingTo("0.01");
        });
    }

    @Test
    void refusesAPercentOverAHundredNamingTheProperty() {
        context.withPropertyValues("tokentally.reconcile.providers.usage-percent=150")
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("tokentally.reconcile.providers");
                    assertThat(started.getStartupFailure()).hasStackTraceContaining("usagePercent");
                });
    }

    @Test
    void refusesANegativeToleranceNamingTheProperty() {
        context.withPropertyValues("tokentally.reconcile.providers.charge-usd=-1")
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure()).hasStackTraceContaining("chargeUsd");
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ProviderReconcileProperties.class)
    static class Tolerances {}
}
