package io.tokentally.shared;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Turns a start-up that cannot connect to the database into a short report that names the URL, the user and
 * the properties to check, in place of the bean-creation stack trace that buried the cause. A password in
 * the URL is masked.
 */
public class DatabaseUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<CannotGetJdbcConnectionException> {

    private final Environment environment;

    public DatabaseUnreachableFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CannotGetJdbcConnectionException cause) {
        String url = masked(environment.getProperty("spring.datasource.url", "(none)"));
        String user = environment.getProperty("spring.datasource.username", "(none)");
        // the driver's own message ("Connection to host:port refused. Check that ..."), not its socket's
        Throwable reason = cause.getCause() == null ? cause : cause.getCause();
        return new FailureAnalysis(
                "Cannot connect to the database at " + url + " (spring.datasource.url) as user " + user
                        + " (spring.datasource.username): " + reason.getMessage(),
                "Check spring.datasource.url, spring.datasource.username and spring.datasource.password"
                        + " (SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD), that the"
                        + " database server is running and reachable, and that the database exists: tokentally"
                        + " creates its tables, not the database.",
                cause);
    }

    /** The URL with the value of any {@code password} parameter replaced by {@code ***}. */
    static String masked(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
