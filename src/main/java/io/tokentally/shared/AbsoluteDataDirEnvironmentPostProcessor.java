package io.tokentally.shared;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code tokentally.data-dir} absolute (against the working folder) before anything reads it. The
 * embedded database's URL is built from it, and H2 refuses a path relative to the working folder unless it
 * starts with {@code ./}: {@code TOKENTALLY_DATA_DIR=data} failed at start-up where {@code ./data} worked.
 * Runs after the configuration files are read, so whichever setting wins is the one made absolute.
 */
public class AbsoluteDataDir implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "tokentally.data-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dataDir = environment.getProperty(PROPERTY);
        if (dataDir == null || dataDir.isBlank() || dataDir.startsWith("~")) {
            return;
        }
        Path path = Path.of(dataDir);
        if (!path.isAbsolute()) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource(
                            "absoluteDataDir",
                            Map.of(PROPERTY, path.toAbsolutePath().normalize().toString())));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
