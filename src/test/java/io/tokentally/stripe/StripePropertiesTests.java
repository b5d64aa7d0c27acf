package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/** The period close grace is checked at start-up, and a bad one names its property. */
class StripePropertiesTests {

    final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void theCloseGraceDefaultsToStripesHourBeforeFinalizing() {
        context.run(
                started -> assertThat(started.getBean(StripeProperties.class).periodCloseGrace())
                        .isEqualTo(Duration.ofHours(1)));
    }

    @Test
    void refusesANegativeCloseGraceNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.period-close-grace=-PT1H").run(started -> {
            assertThat(started).hasFailed();
            assertThat(started.getStartupFailure()).hasStackTraceContaining("tokentally.stripe.period-close-grace");
        });
    }

    @Test
    void takesStripesLongestFinalizationGraceAndRefusesALongerOneNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.period-close-grace=PT72H")
                .run(started -> assertThat(
                                started.getBean(StripeProperties.class).periodCloseGrace())
                        .isEqualTo(Duration.ofHours(72)));
        context.withPropertyValues("tokentally.stripe.period-close-grace=PT72H1S")
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure())
                            .hasStackTraceContaining("tokentally.stripe.period-close-grace")
                            .hasStackTraceContaining("PT72H");
                });
    }

    @Test
    void refusesACloseGraceThatIsNoDurationNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.period-close-grace=an hour")
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure())
                            .hasStackTraceContaining("tokentally.stripe.period-close-grace");
                });
    }

    @Test
    void takesAKeyAndSecretWithTheLineBreakOfAMountedSecretFileWithoutIt() {
        // given as a property source does (withPropertyValues would trim it)
        context.withInitializer(started -> started.getEnvironment()
                        .getPropertySources()
                        .addFirst(new MapPropertySource(
                                "mounted",
                                Map.of(
                                        "tokentally.stripe.api-key",
                                        "sk_test_mounted\n",
                                        "tokentally.stripe.webhook-secret",
                                        "whsec_mounted\n"))))
                .run(started -> {
                    StripeProperties properties = started.getBean(StripeProperties.class);
                    assertThat(properties.apiKey()).isEqualTo("sk_test_mounted");
                    assertThat(properties.webhookSecret()).isEqualTo("whsec_mounted");
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(StripeProperties.class)
    static class Settings {}
}
