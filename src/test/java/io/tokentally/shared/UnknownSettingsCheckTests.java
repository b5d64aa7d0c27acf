package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

@ExtendWith(OutputCaptureExtension.class)
class UnknownSettingsCheckTests {

    private static final List<UnknownSettingsCheck.Known> KNOWN =
            UnknownSettingsCheck.known(UnknownSettingsCheckTests.class.getClassLoader());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "tokentally.attribution.mapping-file",
                "tokentally.attribution.mappingFile",
                "tokentally.attribution.mapping_file",
                "tokentally.api.tokens",
                "tokentally.api.tokens[0]",
                "tokentally.attribution.keys.openai",
                "tokentally.attribution.keys.openai[1]",
                "tokentally.home",
                "tokentally.s3.watch",
                "tokentally.test.grace",
                "spring.datasource.url",
                "spring.datasource.hikari.maximum-pool-size",
                "spring.datasource.hikari.data-source-properties.ssl",
                "spring.batch.jdbc.initialize-schema",
                "anything.else"
            })
    void takesEachSpellingOfAKnownSettingAndNamesThatAreNotTokentallys(String name) {
        assertThat(UnknownSettingsCheck.isKnown(file(name), name, KNOWN)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "tokentally.attribution.mapping-fle",
                "tokentally.ingest.chunk-size",
                "tokentally.ingest.threads.max",
                "tokentally.stripe",
                "tokentally.attribution.keys2.openai",
                // the database's: a misspelt URL ran the night on an empty embedded H2 database
                "spring.datasource.ulr",
                "spring.datasource.hikari.maximum-pool-sise"
            })
    void refusesANameNoSettingHasAScalarSettingsChildToo(String name) {
        assertThat(UnknownSettingsCheck.isKnown(file(name), name, KNOWN)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TOKENTALLY_DATA_DIR",
                "TOKENTALLY_DATADIR",
                "tokentally.data-dir",
                "TOKENTALLY_API_TOKENS",
                "TOKENTALLY_API_TOKENS_0",
                "TOKENTALLY_ATTRIBUTION_KEYS_OPENAI",
                "TOKENTALLY_SERVICE_HOST",
                "TOKENTALLY_SERVICE_PORT",
                "TOKENTALLY_SERVICE_PORT_HTTP",
                "TOKENTALLY_PORT",
                "TOKENTALLY_PORT_8080_TCP",
                "TOKENTALLY_PORT_8080_TCP_ADDR",
                "TOKENTALLY_TEST_PGURL",
                "SPRING_DATASOURCE_URL",
                "SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE",
                "PATH"
            })
    void takesAnEnvironmentVariableInEitherOfSpringsSpellingsAndKubernetesServiceLinks(String name) {
        assertThat(UnknownSettingsCheck.isKnown(variables(name), name, KNOWN)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "TOKENTALLY_ATTRIBUTION_MAPPING_FLE",
                "TOKENTALLY_DATA_DIRS",
                "TOKENTALLY_INGEST_THREADS_0",
                "SPRING_DATASOURCE_ULR"
            })
    void refusesAnEnvironmentVariableNoSettingHas(String name) {
        assertThat(UnknownSettingsCheck.isKnown(variables(name), name, KNOWN)).isFalse();
    }

    @Test
    void refusesEveryUnknownNameOfEverySourceSayingWhereItWasGivenAndTheNearestKnownName() {
        // given
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace("systemEnvironment", variables("TOKENTALLY_INGEST_THREDS"));
        environment
                .getPropertySources()
                .replace(
                        "systemProperties",
                        new MapPropertySource(
                                "systemProperties", Map.of("tokentally.attribution.mapping-fle", "keys.csv")));
        environment.getPropertySources().addLast(file("tokentally.qwerty"));
        UnknownSettingsCheck check = new UnknownSettingsCheck();
        check.setEnvironment(environment);

        // when / then
        assertThatThrownBy(() -> check.postProcessBeanFactory(new DefaultListableBeanFactory()))
                .isInstanceOfSatisfying(
                        UnknownSettingsException.class,
                        unknown -> assertThat(unknown.settings())
                                .containsExactly(
                                        "tokentally.attribution.mapping-fle (a system property) is not a setting of"
                                                + " tokentally; did you mean tokentally.attribution.mapping-file?",
                                        "TOKENTALLY_INGEST_THREDS (an environment variable) is not a setting of tokentally;"
                                                + " did you mean tokentally.ingest.threads?",
                                        "tokentally.qwerty (application.properties) is not a setting of tokentally"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // the embedded default is in effect: the night would run on an empty H2 database
                "'' | spring.datasource.ulr | spring.datasource.ulr (application.properties) is not a setting of"
                        + " tokentally; did you mean spring.datasource.url?",
                "jdbc:h2:mem:x | spring.datasource.jdbc-uri | spring.datasource.jdbc-uri (application.properties) is"
                        + " not a setting of tokentally",
                // Spring Boot 4 reads it no more, nor another pool's settings: Hikari's is the only pool here
                "'' | spring.datasource.schema | spring.datasource.schema (application.properties) is not a setting of"
                        + " tokentally",
                "'' | spring.datasource.hikari.max-pool-size | spring.datasource.hikari.max-pool-size"
                        + " (application.properties) is not a setting of tokentally",
            })
    void anUnknownDatabaseSettingStopsStartUpWhileTheDatabaseIsAnH2One(String url, String name, String message) {
        // given
        UnknownSettingsCheck check = checkOf(url, name);

        // when / then
        assertThatThrownBy(() -> check.postProcessBeanFactory(new DefaultListableBeanFactory()))
                .isInstanceOfSatisfying(
                        UnknownSettingsException.class,
                        unknown -> assertThat(unknown.settings()).containsExactly(message));
    }

    @ParameterizedTest
    @ValueSource(strings = {"spring.datasource.jdbc-uri", "spring.datasource.port", "spring.datasource.user"})
    void anUnknownDatabaseSettingBesideAPostgresqlUrlIsLogged(String name, CapturedOutput output) {
        // given a Kubernetes secret of a PostgreSQL operator mounted as a configuration tree: keys of its own
        UnknownSettingsCheck check = checkOf("jdbc:postgresql://db:5432/billing", name);

        // when / then
        assertThatCode(() -> check.postProcessBeanFactory(new DefaultListableBeanFactory()))
                .doesNotThrowAnyException();
        assertThat(output.getAll())
                .contains(name + " (application.properties) is not a setting of tokentally")
                .contains("the database is not an H2 one, so start-up goes on")
                .doesNotContain("did you mean spring.datasource.url");
    }

    @Test
    void anUnknownTokentallySettingBesideAPostgresqlUrlStillStopsStartUp() {
        UnknownSettingsCheck check = checkOf("jdbc:postgresql://db:5432/billing", "tokentally.qwerty");

        assertThatThrownBy(() -> check.postProcessBeanFactory(new DefaultListableBeanFactory()))
                .isInstanceOf(UnknownSettingsException.class);
    }

    private static UnknownSettingsCheck checkOf(String url, String name) {
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> settings = new LinkedHashMap<>();
        if (url != null && !url.isEmpty()) {
            settings.put("spring.datasource.url", url);
        }
        settings.put(name, "1");
        environment.getPropertySources().addLast(new MapPropertySource("application.properties", settings));
        UnknownSettingsCheck check = new UnknownSettingsCheck();
        check.setEnvironment(environment);
        return check;
    }

    @Test
    void takesAnEnvironmentOfKnownSettings() {
        // given
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace("systemEnvironment", variables("TOKENTALLY_DATA_DIR"));
        environment
                .getPropertySources()
                .replace(
                        "systemProperties",
                        new MapPropertySource(
                                "systemProperties",
                                Map.of("tokentally.runs-dir", "runs", "java.home", "/usr/lib/jvm")));
        environment.getPropertySources().addLast(file("tokentally.ingest.threads"));
        UnknownSettingsCheck check = new UnknownSettingsCheck();
        check.setEnvironment(environment);

        // when / then: nothing refused
        assertThatCode(() -> check.postProcessBeanFactory(new DefaultListableBeanFactory()))
                .doesNotThrowAnyException();
    }

    @Test
    void everySettingTheReadmeAndTheHelmChartNameIsOneTheEngineReads() throws IOException {
        Pattern property = Pattern.compile("`((tokentally|spring\\.datasource)\\.[a-z0-9.-]*[a-z0-9])`");
        Pattern variable = Pattern.compile("\\b((TOKENTALLY|SPRING_DATASOURCE)_[A-Z0-9_]*[A-Z0-9])\\b");
        Map<String, PropertySource<?>> named = new LinkedHashMap<>();
        for (Path file : documents()) {
            String text = Files.readString(file);
            for (Matcher found = property.matcher(text); found.find(); ) {
                named.put(found.group(1), file(found.group(1)));
            }
            for (Matcher found = variable.matcher(text); found.find(); ) {
                named.put(found.group(1), variables(found.group(1)));
            }
        }

        assertThat(named).hasSizeGreaterThan(40);
        assertThat(named.keySet())
                .filteredOn(name -> !UnknownSettingsCheck.isKnown(named.get(name), name, KNOWN))
                .isEmpty();
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> chart = Files.walk(Path.of("helm"))) {
            return Stream.concat(
                            Stream.of(Path.of("README.md"), Path.of("sample-data/README.md")),
                            chart.filter(Files::isRegularFile))
                    .toList();
        }
    }

    private static PropertySource<?> file(String name) {
        return new MapPropertySource("application.properties", Map.of(name, "1"));
    }

    private static PropertySource<?> variables(String name) {
        return new SystemEnvironmentPropertySource("systemEnvironment", Map.of(name, "1"));
    }
}
