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

    /** The embedded H2 database's user, as application.properties sets it. */
    private static final String EMBEDDED_USER = "sa";

    private final Environment environment;

    public DatabaseUnreachableFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CannotGetJdbcConnectionException cause) {
        String url = environment.getProperty("spring.datasource.url", "(none)");
        String user = environment.getProperty("spring.datasource.username", "(none)");
        String action = url.startsWith("jdbc:h2:")
                ? "Check spring.datasource.url and tokentally.data-dir, and that no other tokentally process has the"
                        + " embedded database open: H2 lets one process use its file at a time."
                        + (user.equals(EMBEDDED_USER)
                                ? ""
                                : " The user is " + user + ", not the embedded database's " + EMBEDDED_USER
                                        + ": a setting left from another database (SPRING_DATASOURCE_USERNAME,"
                                        + " SPRING_DATASOURCE_PASSWORD) without its spring.datasource.url?")
                : "Check spring.datasource.url, spring.datasource.username and spring.datasource.password"
                        + " (SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD), that the"
                        + " database server is running and reachable, and that the database exists: tokentally"
                        + " creates its tables, not the database.";
        return new FailureAnalysis(
                "Cannot connect to the database at " + masked(url) + " (spring.datasource.url) as user " + user
                        + " (spring.datasource.username): " + reason(cause).getMessage(),
                action,
                cause);
    }

    /**
     * Why no connection could be had: the driver's own exception ("Connection to host:port refused. Check
     * that ..."), not the socket's beneath it ("Connection refused"), which says less.
     */
    public static Throwable reason(CannotGetJdbcConnectionException failure) {
        return failure.getCause() == null ? failure : failure.getCause();
    }

    /** The URL with the value of any {@code password} parameter replaced by {@code ***}. */
    public static String masked(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
