package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class StructuredLogFormatCheckTests {

    @ParameterizedTest
    @CsvSource({
        "logging.structured.format.console, ecs",
        "logging.structured.format.console, LOGSTASH",
        "logging.structured.format.file, gelf",
        // a class name: a formatter of one's own, which Spring then checks formats log events (this one does not,
        // and Spring refuses it in its own words)
        "logging.structured.format.file, java.lang.String",
        "logging.structured.format.console, ''",
    })
    void aCommonFormatOrAClassNameIsLeftToSpring(String property, String format) {
        assertThatNoException().isThrownBy(() -> check(property, format));
    }

    @ParameterizedTest
    @CsvSource({
        "logging.structured.format.console, xml",
        "logging.structured.format.file, json",
        // Spring reads the value as it is written
        "logging.structured.format.file, ' gelf'",
        "logging.structured.format.file, io.tokentally.NoSuchFormatter",
    })
    void anUnknownFormatIsRefusedNamingItsSetting(String property, String format) {
        assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
                .isThrownBy(() -> check(property, format))
                .withMessage("Property " + property + " with value '" + format + "' is invalid: not one of the formats"
                        + " ecs, gelf, logstash nor the name of a class on the class path");
    }

    private static void check(String property, String format) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(property, format)));
        new StructuredLogFormatCheck().postProcessEnvironment(environment, new SpringApplication());
    }
}
