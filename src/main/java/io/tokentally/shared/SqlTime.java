package io.tokentally.shared;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants in and out of TIMESTAMP WITH TIME ZONE columns, always as UTC, never through the JVM's zone. */
public final class SqlTime {

    private SqlTime() {}

    /**
     * The instant at offset zero. (Built from its epoch second rather than by {@code OffsetDateTime.ofInstant},
     * which asks the offset for its rules and so allocates a new set of them for every value bound.)
     */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null
                ? null
                : OffsetDateTime.of(
                        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
                        ZoneOffset.UTC);
    }

    public static void bind(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, utc(instant));
    }

    public static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
