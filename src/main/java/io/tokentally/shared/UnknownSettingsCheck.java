package io.tokentally.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stops start-up at a {@code tokentally.*} or {@code spring.datasource.*} setting that nothing reads, where Spring
 * would ignore it: a misspelt {@code tokentally.attribution.mapping-fle} left every provider record unattributed and
 * the night billed $0.00 with only warnings, a misspelt {@code spring.datasource.ulr} ran the night on an empty
 * embedded H2 database. The known names are those of the settings' metadata the build writes from the settings
 * classes ({@code META-INF/spring-configuration-metadata.json}, Spring Boot's for the database, with the few read
 * elsewhere listed in {@code additional-spring-configuration-metadata.json}); a list or map setting takes any name
 * under it. Every property source is looked at, the configuration files, system properties, the command line and
 * environment variables in each spelling Spring binds ({@code TOKENTALLY_DATA_DIR} and {@code TOKENTALLY_DATADIR}).
 * Left out: names under {@code tokentally.test}, the test suite's own ({@code TOKENTALLY_TEST_PGURL}), and the
 * variables Kubernetes adds for a service named {@code tokentally} ({@code TOKENTALLY_SERVICE_HOST},
 * {@code TOKENTALLY_PORT}).
 */
@Component
public class UnknownSettingsCheck implements BeanFactoryPostProcessor, EnvironmentAware {

    static final String METADATA = "META-INF/spring-configuration-metadata.json";

    private static final ConfigurationPropertyName OURS = ConfigurationPropertyName.of("tokentally");
    /** The database's settings: a misspelt {@code spring.datasource.ulr} ran the night on an empty embedded H2. */
    private static final ConfigurationPropertyName DATASOURCE = ConfigurationPropertyName.of("spring.datasource");

    private static final List<ConfigurationPropertyName> OTHER_POOLS = Stream.of("tomcat", "dbcp2", "oracleucp")
            .map(pool -> ConfigurationPropertyName.of("spring.datasource." + pool))
            .toList();
    private static final Logger log = LoggerFactory.getLogger(UnknownSettingsCheck.class);

    private static final ConfigurationPropertyName TESTS = ConfigurationPropertyName.of("tokentally.test");
    private static final Pattern SERVICE_LINK = Pattern.compile(
            "[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?)?)");

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    /**
     * Runs before any bean is made, so that nothing has read a setting yet. An unknown {@code spring.datasource.*}
     * name stops start-up only while the database in effect is an H2 one (a misspelt URL leaves the embedded default
     * in effect); beside a PostgreSQL URL it is logged, as a Kubernetes secret mounted as a configuration tree holds
     * keys of its own ({@code jdbc-uri}, {@code port}) and a misspelt user or password fails the first connection.
     */
    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        List<Known> known = known(beanFactory.getBeanClassLoader());
        List<String> unknown = new ArrayList<>();
        boolean embedded = isEmbedded(environment.getProperty("spring.datasource.url"));
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    if (isKnown(source, name, known)) {
                        continue;
                    }
                    if (embedded || isOurs(source, name)) {
                        unknown.add(unknown(source, name, known));
                    } else {
                        log.warn(
                                "{}; the database is not an H2 one, so start-up goes on", unknown(source, name, known));
                    }
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnknownSettingsException(unknown);
        }
    }

    private static boolean isEmbedded(String url) {
        return url == null || url.startsWith("jdbc:h2:");
    }

    private static boolean isOurs(PropertySource<?> source, String name) {
        return source instanceof SystemEnvironmentPropertySource
                ? variable(name).startsWith("TOKENTALLY_")
                : OURS.isAncestorOf(ConfigurationPropertyName.adapt(name, '.'));
    }

    /** An environment variable's name as Spring binds it: upper case, underscores for dots and dashes. */
    private static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static boolean isKnown(PropertySource<?> source, String name, List<Known> known) {
        if (source instanceof SystemEnvironmentPropertySource) {
            String variable = variable(name);
            return !(variable.startsWith("TOKENTALLY_") || variable.startsWith("SPRING_DATASOURCE_"))
                    || variable.startsWith("TOKENTALLY_TEST_")
                    || SERVICE_LINK.matcher(variable).matches()
                    || known.stream().anyMatch(setting -> setting.takesVariable(variable));
        }
        ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(name, '.');
        return !isChecked(adapted)
                || TESTS.isAncestorOf(adapted)
                || known.stream().anyMatch(setting -> setting.takes(adapted));
    }

    private static boolean isChecked(ConfigurationPropertyName name) {
        return OURS.isAncestorOf(name) || DATASOURCE.isAncestorOf(name);
    }

    private static String unknown(PropertySource<?> source, String name, List<Known> known) {
        String where = switch (source.getName()) {
            case StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME -> "an environment variable";
            case StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME -> "a system property";
            case CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME -> "the command line";
            default -> {
                Origin origin = OriginLookup.getOrigin(source, name);
                yield origin != null ? origin.toString() : source.getName();
            }
        };
        String nearest = nearest(name, known);
        return name + " (" + where + ") is not a setting of tokentally"
                + (nearest != null ? "; did you mean " + nearest + "?" : "");
    }

    /**
     * The known setting fewest letters away from the name, by letters and digits only ({@link NearestName}), or else,
     * for a {@code tokentally.*} name, the one setting of the same last part under another group
     * ({@code tokentally.rating.chunk-size} for {@code ingest.chunk-size}); null if neither. (A database name's last
     * part is no guide: {@code spring.datasource.schema} is not Hikari's {@code schema}.)
     */
    static String nearest(String name, List<Known> known) {
        List<String> names =
                known.stream().map(setting -> setting.name().toString()).toList();
        String nearest = NearestName.of(name, names, UnknownSettingsCheck::letters);
        if (nearest != null || !letters(name).startsWith("tokentally")) {
            return nearest;
        }
        return sameLastPart(letters(lastPart(name)), known);
    }

    private static String sameLastPart(String last, List<Known> known) {
        List<String> same = known.stream()
                .map(setting -> setting.name().toString())
                .filter(setting -> letters(lastPart(setting)).equals(last))
                .toList();
        return same.size() == 1 ? same.get(0) : null;
    }

    private static String lastPart(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String letters(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** The {@code tokentally.*} and {@code spring.datasource.*} settings of every metadata file on the class path. */
    static List<Known> known(ClassLoader classLoader) {
        List<Known> known = new ArrayList<>();
        try {
            for (URL resource : Collections.list(classLoader.getResources(METADATA))) {
                try (InputStream in = resource.openStream()) {
                    for (JsonNode property : JsonMapper.shared().readTree(in).path("properties")) {
                        ConfigurationPropertyName name = ConfigurationPropertyName.of(
                                property.path("name").asString());
                        if (isChecked(name) && !isUnread(name, property)) {
                            known.add(new Known(
                                    name, isContainer(property.path("type").asString(""))));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the settings' metadata " + METADATA, e);
        }
        if (known.stream().noneMatch(setting -> OURS.isAncestorOf(setting.name()))) {
            throw new IllegalStateException("no tokentally settings in " + METADATA + " on the class path: the build"
                    + " writes it with spring-boot-configuration-processor");
        }
        return known;
    }

    /**
     * A name the metadata lists that nothing here reads: a connection pool's other than Hikari's (the only one in the
     * jar), or one Spring Boot no longer reads (deprecated at level error: {@code spring.datasource.schema}).
     */
    private static boolean isUnread(ConfigurationPropertyName name, JsonNode property) {
        return OTHER_POOLS.stream().anyMatch(pool -> pool.isAncestorOf(name))
                || property.path("deprecation").path("level").asString("").equals("error");
    }

    private static boolean isContainer(String type) {
        return type.startsWith("java.util.List")
                || type.equals("java.util.Properties")
                || type.startsWith("java.util.Map")
                || type.startsWith("java.util.Set")
                || type.endsWith("[]");
    }

    /** A setting the engine reads; a list or map one takes the names under it too. */
    record Known(ConfigurationPropertyName name, boolean container) {

        boolean takes(ConfigurationPropertyName given) {
            return name.equals(given) || (container && name.isAncestorOf(given));
        }

        /** Takes an environment variable, upper case with underscores, in Spring's two spellings of a dash. */
        boolean takesVariable(String variable) {
            String dotted = name.toString().toUpperCase(Locale.ROOT).replace('.', '_');
            for (String spelt : List.of(dotted.replace("-", ""), dotted.replace('-', '_'))) {
                if (variable.equals(spelt) || (container && variable.startsWith(spelt + "_"))) {
                    return true;
                }
            }
            return false;
        }
    }
}
