package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.S3Properties;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.ReconcileProperties;
import io.tokentally.stripe.StripeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * A setting that takes one of a few words takes it in any letter case, as Spring Boot binds its own enumerations
 * ({@code fail-on=warning} was refused, naming the upper-case words); a word that is none of them still fails at
 * start-up naming its property.
 */
class SettingValuesInAnyLetterCaseTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ReconcileProperties.class, StripeProperties.class, S3Properties.class})
    static class Settings {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void takesTheWordsOfFailOnLayoutTiersAndMarkInAnyLetterCase() {
        context.withPropertyValues(
                        "tokentally.reconcile.fail-on=warning",
                        "tokentally.stripe.layout=Tokens",
                        "tokentally.stripe.token-models=openai/gpt-4o",
                        "tokentally.stripe.token-tiers=BATCH,Long",
                        "tokentally.s3.mark=TAG")
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    ReconcileProperties reconcile = started.getBean(ReconcileProperties.class);
                    assertThat(reconcile.fails(Finding.Severity.WARNING)).isTrue();
                    assertThat(reconcile.fails(Finding.Severity.INFO)).isFalse();
                    StripeProperties stripe = started.getBean(StripeProperties.class);
                    assertThat(stripe.tokensLayout()).isTrue();
                    assertThat(stripe.tokenTiers()).containsExactly("batch", "long");
                    assertThat(started.getBean(S3Properties.class).mark()).isEqualTo("tag");
                });
    }

    @Test
    void stillRefusesAWordThatIsNoneOfThemNamingTheProperty() {
        context.withPropertyValues("tokentally.reconcile.fail-on=warn")
                .run(started -> assertThat(started.getStartupFailure())
                        .hasStackTraceContaining("'tokentally.reconcile' on field 'failOn'")
                        .hasStackTraceContaining("must be INFO, WARNING, ERROR or NONE"));
    }
}
