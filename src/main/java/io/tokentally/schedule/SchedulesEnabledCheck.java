package io.tokentally.schedule;

import io.tokentally.shared.EarlySettingCheck;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Reads {@code tokentally.schedules.enabled} as true or false wherever the engine starts: any other value stops
 * start-up naming the setting, where the scheduler's condition took it for off and a server ran no schedules. It
 * looks before any bean is made, so before the schedule settings are bound ({@link ScheduleSettingsConfiguration}),
 * whose binder would say less of {@code maybe} and take {@code yes} for true.
 */
@Component
class SchedulesEnabledCheck extends EarlySettingCheck {

    static final String PROPERTY = "tokentally.schedules.enabled";

    @Override
    protected void check(Environment environment) {
        String value = environment.getProperty(PROPERTY);
        // the condition takes only true (in any case) for on, where a binder would also read yes, on and 1 as true
        if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new InvalidConfigurationPropertyValueException(PROPERTY, value, "must be true or false");
        }
    }
}
