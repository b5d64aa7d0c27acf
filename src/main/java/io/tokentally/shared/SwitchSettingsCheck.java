package io.tokentally.shared;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

/**
 * Reads the switches that turn a part of the engine on, {@code tokentally.schedules.enabled} and {@code
 * tokentally.s3.watch}, as true or false wherever the engine starts: any other value stops start-up naming the
 * setting, where the part's condition took it for off (a server ran no schedules, or watched no drop folder, without a
 * word). It looks before any bean is made, so before the settings are bound, whose binder would say less of {@code
 * maybe} and take {@code yes} for true.
 */
@Component
class SwitchSettingsCheck extends EarlySettingCheck {

    static final List<String> SWITCHES = List.of("tokentally.schedules.enabled", "tokentally.s3.watch");

    @Override
    protected void check(Environment environment) {
        for (String property : SWITCHES) {
            for (String value : valuesOf(environment, property)) {
                // the conditions take only true (any case) for on; a binder would also read yes, on and 1 as true
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new InvalidConfigurationPropertyValueException(property, value, "must be true or false");
                }
            }
        }
    }

    /**
     * Every value the setting is given, not only the one that wins: a command sets {@code tokentally.s3.watch=false}
     * over the operator's, which would hide a {@code yes} given to it.
     */
    private static List<String> valuesOf(Environment environment, String property) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            String value = environment.getProperty(property);
            return value == null ? List.of() : List.of(value);
        }
        List<String> values = new ArrayList<>();
        for (PropertySource<?> source : configurable.getPropertySources()) {
            Object value = source.getProperty(property);
            if (value != null) {
                // as the environment reads it: ${WATCH:false} is false
                values.add(configurable.resolvePlaceholders(String.valueOf(value)));
            }
        }
        return values;
    }
}
