package io.tokentally.schedule;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Reads {@code tokentally.schedules.enabled} as true or false wherever the engine starts: any other value stops
 * start-up naming the setting, where the scheduler's condition took it for off and a server ran no schedules.
 */
@Component
class SchedulesEnabledCheck {

    static final String PROPERTY = "tokentally.schedules.enabled";

    SchedulesEnabledCheck(Environment environment) {
        Binder.get(environment).bind(PROPERTY, Boolean.class);
    }
}
