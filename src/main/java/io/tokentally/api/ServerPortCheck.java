package io.tokentally.api;

import io.tokentally.shared.EarlySettingCheck;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Profile;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Reads {@code server.port} however it is set ({@code SERVER_PORT}, a system property): Spring Boot starts no HTTP
 * server for a negative port, which would leave {@code serve} with no API and no health for the probes, and fails on
 * a port above 65535 with a trace naming no setting. {@code worker} keeps -1, which turns its health off (README).
 * The commands' {@code --port} is checked before, as a usage error.
 */
@Component
@Profile({"serve", "worker"})
class ServerPortCheck extends EarlySettingCheck {

    static final String PROPERTY = "server.port";

    @Override
    protected void check(Environment environment) {
        String value = environment.getProperty(PROPERTY);
        Integer port = number(environment);
        boolean worker = environment.matchesProfiles("worker");
        int lowest = worker ? -1 : 0;
        if (port != null && (port < lowest || port > 65_535)) {
            throw new InvalidConfigurationPropertyValueException(
                    PROPERTY,
                    value,
                    worker
                            ? "a worker's port must be -1 to 65535 (0 takes any free port, -1 serves none)"
                            : "serve's port must be 0 to 65535 (0 takes any free port; a negative one started no"
                                    + " HTTP server: no API, no health for the probes)");
        }
    }

    /**
     * The port as Spring Boot reads it ({@code 0x1F90} too), or null when there is none or it is not a whole number
     * (Spring Boot's binder names it then).
     */
    private static Integer number(Environment environment) {
        try {
            return environment.getProperty(PROPERTY, Integer.class);
        } catch (ConversionException notANumber) {
            return null;
        }
    }
}
