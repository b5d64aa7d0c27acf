package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.FileSystemUtils;

class AbsoluteDataDirEnvironmentPostProcessorTests {

    @Test
    void aDataDirRelativeToTheWorkingFolderIsMadeAbsolute() {
        assertThat(dataDirAfter("mydata"))
                .isEqualTo(Path.of("mydata").toAbsolutePath().normalize().toString());
        assertThat(dataDirAfter("./runs/../data"))
                .isEqualTo(Path.of("data").toAbsolutePath().toString());
    }

    @Test
    void anAbsoluteDataDirIsLeftAsItIsAndATildeIsTheUsersHome() {
        String home = System.getProperty("user.home");
        assertThat(dataDirAfter("/var/lib/tokentally")).isEqualTo("/var/lib/tokentally");
        assertThat(dataDirAfter("~/tokentally"))
                .isEqualTo(Path.of(home, "tokentally").toString());
        assertThat(dataDirAfter("~"))
                .isEqualTo(Path.of(home).toAbsolutePath().normalize().toString());
        assertThat(dataDirAfter("~data"))
                .as("only ~ and ~/ name the home, as for H2")
                .isEqualTo(Path.of("~data").toAbsolutePath().toString());
    }

    @Test
    void theEmbeddedDatabaseStartsInADataDirGivenWithoutDotSlash() throws Exception {
        // given: the data folder as an operator writes it, relative and without ./ (H2 refused it)
        String relative = "target/absolute-data-dir-test-" + System.nanoTime();
        SpringApplication application = new SpringApplication(EmbeddedDatabaseOnly.class);

        // when
        try (ConfigurableApplicationContext context =
                        application.run("--tokentally.data-dir=" + relative, "--spring.flyway.enabled=false");
                Connection connection = context.getBean(DataSource.class).getConnection()) {

            // then
            assertThat(connection.getMetaData().getURL())
                    .startsWith("jdbc:h2:file:" + Path.of(relative).toAbsolutePath() + "/tokentally");
        } finally {
            FileSystemUtils.deleteRecursively(Path.of(relative));
        }
    }

    private static String dataDirAfter(String dataDir) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "test", Map.of(AbsoluteDataDirEnvironmentPostProcessor.PROPERTY, dataDir)));
        new AbsoluteDataDirEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(AbsoluteDataDirEnvironmentPostProcessor.PROPERTY);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class EmbeddedDatabaseOnly {}
}
