package io.tokentally.job;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses two of tokentally's settings that Spring's binding takes without a word. An empty amount, duration or path
 * ({@code TOKENTALLY_BALANCES_FLOOR_USD=}, say) is read as no value and so takes the default, where an empty number
 * of another type stops start-up: an operator who meant to set a floor, a timeout or a file and left it blank would
 * never know (hunt EF: an empty {@code TOKENTALLY_ATTRIBUTION_MAPPING_FILE=} read no mapping, and the night's
 * provider usage went unattributed). A duration without a unit ({@code tokentally.schedules.grace=15}) is read as
 * milliseconds, which no setting here is meant in. An empty number of another type, which stops start-up anyway, is
 * said to be empty too, not in the words of the conversion that failed ("A null value cannot be assigned to a
 * primitive type"). The failure names the property, as for every other setting that cannot be read. Spring's own
 * settings are left as Spring reads them (some of its durations have a unit of their own).
 */
@Component
class MisreadSettingsChecks implements ConfigurationPropertiesBindHandlerAdvisor {

    static final String EMPTY = "is empty: give it a value, or leave the setting out to take its default";
    static final String NO_UNIT = "has no unit: give one, such as 30s, 15m or 2h";

    private static final ConfigurationPropertyName OURS = ConfigurationPropertyName.of("tokentally");
    private static final Set<Class<?>> EMPTY_IS_NOT_DEFAULT = Set.of(BigDecimal.class, Duration.class, Path.class);
    /** A number of milliseconds by Spring's reading of a duration without a unit of its own; zero is zero in any. */
    private static final Pattern UNIT_LESS = Pattern.compile("[+-]?0*[1-9][0-9]*");

    private final Environment environment;

    MisreadSettingsChecks(Environment environment) {
        this.environment = environment;
    }

    @Override
    public BindHandler apply(BindHandler bindHandler) {
        return new AbstractBindHandler(bindHandler) {
            @Override
            public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result)
                    throws Exception {
                check(name, target, context, result);
                super.onFinish(name, target, context, result);
            }

            @Override
            public Object onFailure(
                    ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
                    throws Exception {
                // a BindException is a failure of a property inside this one, which says it in its own words
                String written =
                        OURS.isAncestorOf(name) && !(error instanceof BindException) ? written(name, context) : null;
                if (written != null && written.isBlank()) {
                    throw new IllegalArgumentException(EMPTY);
                }
                return super.onFailure(name, target, context, error);
            }
        };
    }

    private void check(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
        Class<?> type = target.getType().resolve(Object.class);
        if (!OURS.isAncestorOf(name) || !EMPTY_IS_NOT_DEFAULT.contains(type)) {
            return;
        }
        String written = written(name, context);
        if (written == null) {
            return;
        }
        if (result == null && written.isBlank()) {
            throw new IllegalArgumentException(EMPTY);
        }
        if (type == Duration.class
                && target.getAnnotation(DurationUnit.class) == null
                && UNIT_LESS.matcher(written.strip()).matches()) {
            throw new IllegalArgumentException(NO_UNIT);
        }
    }

    /**
     * The setting as written in the first source that has it, placeholders resolved (a YAML number as its text);
     * null when no source has it, or it is a list or mapping.
     */
    private String written(ConfigurationPropertyName name, BindContext context) {
        for (ConfigurationPropertySource source : context.getSources()) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                Object value = property.getValue();
                return value instanceof CharSequence || value instanceof Number
                        ? environment.resolvePlaceholders(value.toString())
                        : null;
            }
        }
        return null;
    }
}
