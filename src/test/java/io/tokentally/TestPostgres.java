package io.tokentally;

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

    public static String url(String schema) {
        return BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
