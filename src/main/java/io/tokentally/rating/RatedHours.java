package io.tokentally.rating;

import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;

/** The hours a run rates, and whether an hour holds rated aggregates. */
public final class RatedHours {

    private RatedHours() {}

    /**
     * Every hour of the run's window and the run's other hours ({@code run_hour}: the hours its files touched,
     * and the hours of held usage it rated), in order.
     */
    public static TreeSet<Instant> of(JdbcTemplate jdbc, long run, UsageWindow window) {
        TreeSet<Instant> hours = new TreeSet<>(window.hours());
        hours.addAll(ofRun(jdbc, run));
        return hours;
    }

    /** The run's own hours ({@code run_hour}): the hours its files touched, and the hours of held usage it rated. */
    public static List<Instant> ofRun(JdbcTemplate jdbc, long run) {
        return jdbc.query(
                "SELECT hour_start FROM run_hour WHERE ingest_run = ?",
                (rs, rowNum) -> SqlTime.read(rs, "hour_start"),
                run);
    }

    /**
     * Whether the hour holds rated aggregates, or with {@code attributedOnly} attributed ones: asked through
     * the primary key, which starts with the hour, and answered by the first row found.
     */
    public static boolean holdsAggregates(JdbcTemplate jdbc, Instant hour, boolean attributedOnly) {
        return Boolean.TRUE.equals(jdbc.query(
                "SELECT 1 FROM rated_aggregate WHERE hour_start = ?"
                        + (attributedOnly ? " AND attributed = TRUE" : "")
                        + " FETCH FIRST 1 ROWS ONLY",
                ResultSet::next,
                SqlTime.utc(hour)));
    }
}
