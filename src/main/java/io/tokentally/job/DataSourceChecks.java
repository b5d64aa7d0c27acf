package io.tokentally.job;

import io.tokentally.ingest.IngestProperties;
import io.tokentally.shared.DatabaseUnreachableFailureAnalyzer;
import io.tokentally.shared.RunFolders;
import java.io.File;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Checks the settings a process cannot run without when its data source is created, so that a bad one fails
 * start-up naming its property before anything takes a connection: before the data source exists, the database
 * URL, the data and runs folders ({@link TokentallyProperties}, bound and validated here); once it exists, the
 * pool's size for the runs the process executes at once ({@link ConnectionPoolCheck}). Checked by whichever bean
 * asked first, a pool of one left Flyway waiting 30 s for a second connection, and an empty runs folder was
 * found only when a run had half gone.
 */
final class DataSourceChecks implements InstantiationAwareBeanPostProcessor {

    static final String URL_PROPERTY = "spring.datasource.url";

    private final Environment environment;
    private final ObjectProvider<TokentallyProperties> tokentally;
    private final ObjectProvider<IngestProperties> ingest;
    private final ObjectProvider<AsyncRunsConfiguration.ServeProperties> serve;

    DataSourceChecks(
            Environment environment,
            ObjectProvider<TokentallyProperties> tokentally,
            ObjectProvider<IngestProperties> ingest,
            ObjectProvider<AsyncRunsConfiguration.ServeProperties> serve) {
        this.environment = environment;
        this.tokentally = tokentally;
        this.ingest = ingest;
        this.serve = serve;
    }

    @Override
    public Object postProcessBeforeInstantiation(Class<?> beanClass, String beanName) {
        if (DataSource.class.isAssignableFrom(beanClass)) {
            checkUrl(environment.getProperty(URL_PROPERTY));
            TokentallyProperties properties = tokentally.getIfAvailable();
            if (properties != null) {
                checkRunsDir(properties);
                checkDataDir(environment.getProperty(URL_PROPERTY), properties);
            }
        }
        return null;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof DataSource dataSource)) {
            return bean;
        }
        IngestProperties ingestProperties = ingest.getIfAvailable();
        if (ingestProperties != null) {
            if (environment.matchesProfiles("serve")) {
                ConnectionPoolCheck.check(
                        dataSource,
                        serve.getObject().maxConcurrentRuns(),
                        "tokentally.serve.max-concurrent-runs",
                        ingestProperties.threads());
            } else {
                ConnectionPoolCheck.check(dataSource, 1, null, ingestProperties.threads());
            }
        }
        return bean;
    }

    /** A URL that is no JDBC URL, said with its password masked, instead of the driver lookup's assertion. */
    static void checkUrl(String url) {
        if (url != null && !url.isBlank() && !url.startsWith("jdbc:")) {
            throw new InvalidConfigurationPropertyValueException(
                    URL_PROPERTY,
                    DatabaseUnreachableFailureAnalyzer.masked(url),
                    "not a JDBC URL; it starts with jdbc:, such as jdbc:postgresql://HOST:5432/DATABASE");
        }
    }

    /**
     * The data folder of an embedded database that lives in it, said as the folder's fault (H2 named
     * spring.datasource.url: "cannot connect to the database ... NotDirectoryException").
     */
    static void checkDataDir(String url, TokentallyProperties properties) {
        Path dataDir = properties.dataDir().toAbsolutePath().normalize();
        if (url != null && url.startsWith("jdbc:h2:file:" + dataDir + File.separator)) {
            RunFolders.whyUnusable(dataDir).ifPresent(why -> {
                throw new InvalidConfigurationPropertyValueException(
                        "tokentally.data-dir", properties.dataDir(), why + " (the embedded database lives in it)");
            });
        }
    }

    static void checkRunsDir(TokentallyProperties properties) {
        RunFolders.whyUnusable(properties.runsDir()).ifPresent(why -> {
            throw new InvalidConfigurationPropertyValueException("tokentally.runs-dir", properties.runsDir(), why);
        });
    }
}
