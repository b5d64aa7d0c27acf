package io.tokentally.shared;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code tokentally.data-dir} absolute before anything reads it: {@code ~} or {@code ~/...} from the user's
 * home, anything else not absolute from the working folder. The embedded database's URL is built from it, and H2
 * refuses a path relative to the working folder unless it starts with {@code ./}: {@code TOKENTALLY_DATA_DIR=data}
 * failed at start-up where {@code ./data} worked. The S3 staging area under it is then where the database is too.
 * Runs after the configuration files are read, so whichever setting wins is the one made absolute.
 */
public class AbsoluteDataDirEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY = "tokentally.data-dir";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dataDir = environment.getProperty(PROPERTY);
        if (dataDir == null || dataDir.isBlank()) {
            return;
        }
        Path absolute = absolute(dataDir);
        if (!absolute.toString().equals(dataDir)) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("absoluteDataDir", Map.of(PROPERTY, absolute.toString())));
        }
    }

    static Path absolute(String dataDir) {
        Path home = Path.of(System.getProperty("user.home"));
        Path path = dataDir.equals("~")
                ? home
                : dataDir.startsWith("~/") ? home.resolve(dataDir.substring(2)) : Path.of(dataDir);
        return path.toAbsolutePath().normalize();
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
