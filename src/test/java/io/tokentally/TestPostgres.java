package io.tokentally;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Where the integration tests find PostgreSQL; overridable for machines that run it elsewhere. */
public final class TestPostgres {

    public static final String USER = System.getenv().getOrDefault("TOKENTALLY_TEST_PGUSER", "postgres");
    private static final String BASE =
            System.getenv().getOrDefault("TOKENTALLY_TEST_PGURL", "jdbc:postgresql://127.0.0.1:5432/test");

    private TestPostgres() {}

    public static void dropSchema(String schema) throws java.sql.SQLException {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(BASE, USER, "");
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** {@code schema} of the test database with the project's common and PostgreSQL migrations applied. */
    public static DataSource migrated(String schema) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url(schema));
        dataSource.setUser(USER);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/postgresql")
                .schemas(schema)
                .load()
                .migrate();
        return dataSource;
    }

    /** Points the application at {@code schema} of the test database, where Flyway creates its tables. */
    public static void register(DynamicPropertyRegistry registry, String schema) {
        registry.add("spring.datasource.url", () -> url(schema));
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.default-schema", () -> schema);
    }

    public static String url(String schema) {
        return BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The test database's host and port, as its URL names them (PostgreSQL's port when it names none). */
    public static InetSocketAddress address() {
        URI uri = URI.create(BASE.substring("jdbc:".length()));
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() == -1 ? 5432 : uri.getPort());
    }

    /** {@link #url(String)} through {@code proxy}: its host and port instead of the database's. */
    public static String url(String schema, TcpProxy proxy) {
        String authority = URI.create(BASE.substring("jdbc:".length())).getRawAuthority();
        return url(schema).replaceFirst(Pattern.quote(authority), "127.0.0.1:" + proxy.port());
    }
}
