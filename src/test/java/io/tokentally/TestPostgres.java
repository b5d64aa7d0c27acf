package io.tokentally;

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
}
