package io.tokentally.shared;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.stereotype.Component;

/**
 * Refuses two settings that Spring's binding takes without a word. An empty amount or duration
 * ({@code TOKENTALLY_BALANCES_FLOOR_USD=}, say) is read as no value and so takes the default, where an empty number
 * of another type stops start-up: an operator who meant to set a floor or a timeout and left it blank would never
 * know. A duration without a unit ({@code tokentally.schedules.grace=15}) is read as milliseconds, which no setting
 * here is meant in. The failure names the property, as for every other setting that cannot be read.
 */
@Component
public class MisreadSettingsRefused implements ConfigurationPropertiesBindHandlerAdvisor {

    static final String EMPTY = "is empty: give it a value, or leave the setting out to take its default";
    static final String NO_UNIT = "has no unit: give one, such as 30s, 15m or 2h";

    private static final Set<Class<?>> EMPTY_IS_NOT_DEFAULT = Set.of(BigDecimal.class, Duration.class);

    /** A number of milliseconds by Spring's reading; zero is zero in any unit. */
    private static final Pattern UNIT_LESS = Pattern.compile("[+-]?0*[1-9][0-9]*");

    @Override
    public BindHandler apply(BindHandler bindHandler) {
        return new AbstractBindHandler(bindHandler) {
            @Override
            public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result)
                    throws Exception {
                Class<?> type = target.getType().resolve(Object.class);
                String written = EMPTY_IS_NOT_DEFAULT.contains(type) ? written(name, context) : null;
                if (written != null && result == null && written.isBlank()) {
                    throw new IllegalArgumentException(EMPTY);
                }
                if (written != null
                        && type == Duration.class
                        && UNIT_LESS.matcher(written.strip()).matches()) {
                    throw new IllegalArgumentException(NO_UNIT);
                }
                super.onFinish(name, target, context, result);
            }
        };
    }

    /** The setting's text as written in the first source that has it; null when none has, or it is no text. */
    private static String written(ConfigurationPropertyName name, BindContext context) {
        for (ConfigurationPropertySource source : context.getSources()) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return property.getValue() instanceof CharSequence text ? text.toString() : null;
            }
        }
        return null;
    }
}
