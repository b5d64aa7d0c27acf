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

    /**
     * The first and last instants tokentally keeps: years 0000 to 9999 in UTC. PostgreSQL's timestamps end in the
     * year 294276, so a later one, read from a file, would fail a whole run there.
     */
    public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** The words for an instant before {@link #EARLIEST} or after {@link #LATEST}, after its name and value. */
    public static final String NOT_KEPT = "is outside the years 0000 to 9999 (UTC)";

    /** The words for an instant the database would round, after its name and value. */
    public static final String FINER_THAN_KEPT =
            "has more than six decimals of a second (the database keeps instants to the microsecond)";

    private SqlTime() {}

    /** Whether the database keeps {@code instant} as it is: it holds no part of a second finer than a microsecond. */
    public static boolean isWholeMicros(Instant instant) {
        return instant.getNano() % 1_000 == 0;
    }

    /** Whether {@code instant} is from {@link #EARLIEST} to {@link #LATEST}. */
    public static boolean isKept(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

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
