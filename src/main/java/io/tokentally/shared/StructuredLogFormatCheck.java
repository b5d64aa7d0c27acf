package io.tokentally.shared;

import java.util.List;
import java.util.Locale;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Refuses a structured log format Spring Boot cannot make, naming its setting ({@code
 * logging.structured.format.console} or {@code .file}), before the logging system starts. Spring's own refusal
 * ("Unknown format 'xml'") came from the logging system's start, before any log could carry the setting's name, and
 * did not say which setting it was. Accepted as Spring Boot takes them: one of its common formats in any case,
 * without spaces around it, or the name of a class on the class path (Spring then checks that it formats log events).
 */
public class StructuredLogFormatCheck implements EnvironmentPostProcessor {

    static final List<String> PROPERTIES =
            List.of("logging.structured.format.console", "logging.structured.format.file");

    /** Spring Boot's common structured log formats. */
    static final List<String> COMMON_FORMATS = List.of("ecs", "gelf", "logstash");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        for (String property : PROPERTIES) {
            String format = environment.getProperty(property);
            if (format != null && !format.isBlank() && !makeable(format, application.getClassLoader())) {
                throw new InvalidConfigurationPropertyValueException(
                        property,
                        format,
                        "not one of the formats " + String.join(", ", COMMON_FORMATS)
                                + " nor the name of a class on the class path");
            }
        }
    }

    private static boolean makeable(String format, ClassLoader classLoader) {
        return COMMON_FORMATS.contains(format.toLowerCase(Locale.ROOT)) || ClassUtils.isPresent(format, classLoader);
    }
}
