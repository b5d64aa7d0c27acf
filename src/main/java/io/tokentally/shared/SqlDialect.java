package io.tokentally.shared;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/** The few statements that H2 and PostgreSQL spell differently. */
public enum SqlDialect {
    H2,
    POSTGRESQL;

    public static SqlDialect of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            if (product.contains("h2")) {
                return H2;
            }
            throw new IllegalStateException(
                    "unsupported database '" + product + "': spring.datasource.url must point at H2 or PostgreSQL");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database named by spring.datasource.url", e);
        }
    }

    /**
     * An insert that does nothing, and reports 0 rows, when a row with the same key exists. Bind the
     * columns first; on H2 bind the key columns again after them (see {@link #repeatsKeyParameters()}).
     */
    public String insertIfAbsent(String table, List<String> columns, List<String> keyColumns) {
        String columnList = String.join(", ", columns);
        String parameters = String.join(", ", Collections.nCopies(columns.size(), "?"));
        if (this == POSTGRESQL) {
            return "INSERT INTO " + table + " (" + columnList + ") VALUES (" + parameters + ") ON CONFLICT ("
                    + String.join(", ", keyColumns) + ") DO NOTHING";
        }
        StringBuilder keyMatch = new StringBuilder();
        for (String key : keyColumns) {
            keyMatch.append(keyMatch.isEmpty() ? "" : " AND ").append(key).append(" = ?");
        }
        return "INSERT INTO " + table + " (" + columnList + ") SELECT " + parameters
                + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + keyMatch + ")";
    }

    public boolean repeatsKeyParameters() {
        return this == H2;
    }
}
