package io.tokentally.shared;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses a blank {@code tokentally.home} ({@code TOKENTALLY_HOME=} or {@code TOKENTALLY_HOME=" "}) before the
 * database is opened: the data and runs folders are built as {@code <home>/data} and {@code <home>/runs}, so an empty
 * home put the database in the file system's root ({@code /data}) and a space in a folder named by that space.
 */
@Component
class HomeSettingCheck extends EarlySettingCheck {

    static final String PROPERTY = "tokentally.home";

    @Override
    protected void check(Environment environment) {
        String value = environment.getProperty(PROPERTY);
        if (value != null && value.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(
                    PROPERTY,
                    value,
                    "must name a folder (TOKENTALLY_HOME is set but empty?); leave it unset for the working folder");
        }
    }
}
