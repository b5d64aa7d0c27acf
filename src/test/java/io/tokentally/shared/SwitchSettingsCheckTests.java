package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SwitchSettingsCheckTests {

    @Test
    void aSwitchGivenAPlaceholderIsReadAsTheEnvironmentResolvesIt() {
        // given (review 86: the raw ${...} of a property source was refused)
        StandardEnvironment environment = environment(Map.of("tokentally.s3.watch", "${TT_NO_SUCH_SETTING:false}"));

        // when / then
        assertThatCode(() -> new SwitchSettingsCheck().check(environment)).doesNotThrowAnyException();
    }

    @Test
    void aSwitchHiddenUnderACommandsOwnValueIsStillRefused() {
        // given the operator's yes below the false a command sets first
        StandardEnvironment environment = environment(Map.of("tokentally.s3.watch", "yes"));
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource("command", Map.of("tokentally.s3.watch", false)));

        // when / then
        assertThatThrownBy(() -> new SwitchSettingsCheck().check(environment))
                .hasMessage("Property tokentally.s3.watch with value 'yes' is invalid: must be true or false");
    }

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("operator", settings));
        return environment;
    }
}
