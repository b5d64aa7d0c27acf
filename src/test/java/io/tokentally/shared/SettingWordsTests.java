package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.S3Properties;
import io.tokentally.reconcile.ReconcileProperties;
import io.tokentally.stripe.StripeProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A setting that takes one of a few words takes it in any letter case, as Spring Boot binds its own enumerations
 * ({@code fail-on=warning} was refused, naming the upper-case words).
 */
class SettingWordsTests {

    private static final String TOKENS_LAYOUT = "tokentally.stripe.layout=tokens";
    private static final String TOKEN_MODELS = "tokentally.stripe.token-models=openai/gpt-4o";

    private static final Map<String, Function<ApplicationContext, Object>> READ = Map.of(
            "tokentally.reconcile.fail-on",
                    started -> started.getBean(ReconcileProperties.class).failOn(),
            "tokentally.stripe.layout",
                    started -> started.getBean(StripeProperties.class).layout(),
            "tokentally.stripe.token-tiers",
                    started -> started.getBean(StripeProperties.class).tokenTiers(),
            "tokentally.s3.mark", started -> started.getBean(S3Properties.class).mark());

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ReconcileProperties.class, StripeProperties.class, S3Properties.class})
    static class Settings {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            tokentally.reconcile.fail-on  | warning    | WARNING       | false | false
            tokentally.stripe.layout      | Tokens     | tokens        | false | true
            tokentally.stripe.token-tiers | BATCH,Long | [batch, long] | true  | true
            tokentally.s3.mark            | TAG        | tag           | false | false
            """)
    void takesTheWordOfASettingInAnyLetterCase(
            String property, String written, String read, boolean tokensLayout, boolean tokenModels) {
        // given the setting written in another letter case, beside the tokens layout's settings where it needs them
        List<String> settings = new ArrayList<>(List.of(property + "=" + written));
        if (tokensLayout) {
            settings.add(TOKENS_LAYOUT);
        }
        if (tokenModels) {
            settings.add(TOKEN_MODELS);
        }

        // when, then: it starts, holding the word in the case it compares in
        context.withPropertyValues(settings.toArray(String[]::new)).run(started -> {
            assertThat(started).hasNotFailed();
            assertThat(String.valueOf(READ.get(property).apply(started))).isEqualTo(read);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tokentally.stripe.token-tiers=batch,BATCH | tokentally.stripe.token-tiers lists batch twice; list each once
            tokentally.reconcile.fail-on=warn         | must be INFO, WARNING, ERROR or NONE
            """)
    void refusesAWordGivenTwiceInTwoCasesOrOneThatIsNoneOfTheWords(String setting, String message) {
        // when, then
        context.withPropertyValues(setting, TOKENS_LAYOUT, TOKEN_MODELS)
                .run(started -> assertThat(started.getStartupFailure()).hasStackTraceContaining(message));
    }
}
