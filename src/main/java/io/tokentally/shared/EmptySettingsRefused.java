package io.tokentally.shared;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
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
 * Refuses an empty amount or duration setting ({@code TOKENTALLY_BALANCES_FLOOR_USD=}, say). Spring's binding
 * reads an empty value of those types as no value and so takes the default, where an empty number of another
 * type stops start-up: an operator who meant to set a floor or a timeout and left it blank would never know.
 * The failure names the property, as every other setting that cannot be read.
 */
@Component
public class EmptySettingsRefused implements ConfigurationPropertiesBindHandlerAdvisor {

    static final String EMPTY = "is empty: give it a value, or leave the setting out to take its default";

    private static final Set<Class<?>> EMPTY_IS_NOT_DEFAULT = Set.of(BigDecimal.class, Duration.class);

    @Override
    public BindHandler apply(BindHandler bindHandler) {
        return new AbstractBindHandler(bindHandler) {
            @Override
            public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result)
                    throws Exception {
                if (result == null
                        && EMPTY_IS_NOT_DEFAULT.contains(target.getType().resolve(Object.class))) {
                    for (ConfigurationPropertySource source : context.getSources()) {
                        ConfigurationProperty written = source.getConfigurationProperty(name);
                        if (written != null) {
                            if (written.getValue() instanceof CharSequence text
                                    && text.toString().isBlank()) {
                                throw new IllegalArgumentException(EMPTY);
                            }
                            break;
                        }
                    }
                }
                super.onFinish(name, target, context, result);
            }
        };
    }
}
