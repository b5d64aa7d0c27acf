package io.tokentally.shared;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

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
     * An insert that does nothing, and reports 0 rows, when a row with the same key exists (committed, or written
     * by the same transaction; one another transaction has not committed yet makes it fail on the key, or wait for
     * it on PostgreSQL); bind the columns in order. On H2 it is a merge that inserts only when no row matches: H2
     * 2.4 reuses the result of an {@code INSERT ... SELECT ... WHERE NOT EXISTS} subquery within a transaction, so
     * the same insert run twice there failed on the key instead of doing nothing.
     */
    public String insertIfAbsent(String table, List<String> columns, List<String> keyColumns) {
        String columnList = String.join(", ", columns);
        String parameters = String.join(", ", Collections.nCopies(columns.size(), "?"));
        if (this == POSTGRESQL) {
            return "INSERT INTO " + table + " (" + columnList + ") VALUES (" + parameters + ") ON CONFLICT ("
                    + String.join(", ", keyColumns) + ") DO NOTHING";
        }
        StringJoiner keyMatch = new StringJoiner(" AND ");
        keyColumns.forEach(key -> keyMatch.add("t." + key + " = s." + key));
        StringJoiner values = new StringJoiner(", ");
        columns.forEach(column -> values.add("s." + column));
        return "MERGE INTO " + table + " t USING (VALUES (" + parameters + ")) s (" + columnList + ") ON " + keyMatch
                + " WHEN NOT MATCHED THEN INSERT (" + columnList + ") VALUES (" + values + ")";
    }

    /**
     * Runs a statement of {@link #insertIfAbsent}; whether it inserted the row. On H2 an insert that waited for another
     * transaction's row with the same key fails on the key once that commits (PostgreSQL's does nothing): the row is
     * there then, as when it was there before.
     */
    public static boolean inserted(JdbcTemplate jdbc, String insertIfAbsent, Object... values) {
        try {
            return jdbc.update(insertIfAbsent, values) == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }
}
