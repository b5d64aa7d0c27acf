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
        // a formatter of one's own, by its class name (Spring checks what it formats)
        "logging.structured.format.file, java.lang.String",
        "logging.structured.format.console, ''",
    })
    void aFormatSpringCanMakeIsLeftToSpring(String property, String format) {
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
