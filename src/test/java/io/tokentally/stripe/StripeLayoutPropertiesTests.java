package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The upload's meter layout settings fail at start-up, naming the property, when they are wrong. */
class StripeLayoutPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(StripeProperties.class)
    static class Properties {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Properties.class);

    @Test
    void theAmountLayoutIsTheDefault() {
        context.run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(started.getBean(StripeProperties.class).tokensLayout()).isFalse();
        });
    }

    @Test
    void theTokensLayoutTakesTheListedModels() {
        context.withPropertyValues(
                        "tokentally.stripe.layout=tokens",
                        "tokentally.stripe.token-models=openai/gpt-4o,anthropic/claude-sonnet-4-5")
                .run(started -> {
                    StripeProperties properties = started.getBean(StripeProperties.class);
                    assertThat(properties.tokensLayout()).isTrue();
                    assertThat(properties.tokenModels())
                            .containsExactly("openai/gpt-4o", "anthropic/claude-sonnet-4-5");
                });
    }

    @Test
    void theTokensLayoutWithoutModelsFailsNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.layout=tokens")
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("tokentally.stripe.token-models must list the models"));
    }

    @Test
    void anUnknownLayoutFailsNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.layout=stripe-token-billing")
                .run(started -> assertThat(started.getStartupFailure())
                        .hasStackTraceContaining("'tokentally.stripe' on field 'layout'")
                        .hasStackTraceContaining("is amount or tokens"));
    }

    @Test
    void aModelThatIsNotProviderSlashModelFailsNamingTheProperty() {
        context.withPropertyValues("tokentally.stripe.layout=tokens", "tokentally.stripe.token-models=gpt-4o")
                .run(started -> assertThat(started.getStartupFailure())
                        .hasStackTraceContaining("on field 'tokenModels[0]'")
                        .hasStackTraceContaining("is a canonical provider/model"));
    }
}
