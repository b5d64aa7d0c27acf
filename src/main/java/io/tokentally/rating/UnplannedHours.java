package io.tokentally.rating;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hours whose rated aggregates were written, or whose meter event or invoice item Stripe refused for good,
 * since the build-outbox step last planned them ({@code unplanned_hour}). The step plans each billing period
 * from the first day of one of them, and forgets them once it has (ADR 0025). Marking an hour that nothing
 * changed only costs a longer plan; an hour left unmarked would never be sent, so every writer marks. Each
 * mark names the run that set it, and the step forgets only the marks it read.
 */
@Component
public class UnplannedHours {

    private final JdbcTemplate jdbc;
    private final String insert;
    private final boolean repeatsKey;

    public UnplannedHours(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        SqlDialect dialect = SqlDialect.of(dataSource);
        List<String> columns = List.of("hour_start", "marked_run");
        this.insert = dialect.insertIfAbsent("unplanned_hour", columns, columns);
        this.repeatsKey = dialect.repeatsKeyParameters();
    }

    /** The marks read at one time: each marked hour with the runs that marked it. */
    public record Marks(NavigableMap<Instant, List<Long>> runsByHour) {

        public NavigableSet<Instant> hours() {
            return runsByHour.navigableKeySet();
        }
    }

    /** Marks the hours for {@code run}, in the caller's transaction. */
    public void mark(Collection<Instant> hours, long run) {
        if (hours.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(insert, new ArrayList<>(new TreeSet<>(hours)), hours.size(), (ps, hour) -> {
            SqlTime.bind(ps, 1, hour);
            ps.setLong(2, run);
            if (repeatsKey) {
                SqlTime.bind(ps, 3, hour);
                ps.setLong(4, run);
            }
        });
    }

    /** Marks every hour that holds attributed rated aggregates for {@code run}: every open period is planned afresh. */
    public void markEveryRatedHour(long run) {
        jdbc.update(
                "INSERT INTO unplanned_hour (hour_start, marked_run) SELECT DISTINCT a.hour_start, CAST(? AS BIGINT)"
                        + " FROM rated_aggregate a WHERE a.attributed = TRUE AND NOT EXISTS (SELECT 1 FROM"
                        + " unplanned_hour u WHERE u.hour_start = a.hour_start AND u.marked_run = ?)",
                run,
                run);
    }

    /** The marks there are now. */
    public Marks read() {
        NavigableMap<Instant, List<Long>> runsByHour = new TreeMap<>();
        jdbc.query("SELECT hour_start, marked_run FROM unplanned_hour", rs -> {
            runsByHour
                    .computeIfAbsent(SqlTime.read(rs, "hour_start"), hour -> new ArrayList<>())
                    .add(rs.getLong("marked_run"));
        });
        return new Marks(runsByHour);
    }

    /** Forgets the marks {@link #read} gave the build-outbox step, once it has planned their hours; not newer ones. */
    public void forget(Marks marks) {
        List<Object[]> rows = new ArrayList<>();
        marks.runsByHour()
                .forEach((hour, runs) -> runs.forEach(run -> rows.add(new Object[] {SqlTime.utc(hour), run})));
        if (!rows.isEmpty()) {
            jdbc.batchUpdate("DELETE FROM unplanned_hour WHERE hour_start = ? AND marked_run = ?", rows);
        }
    }
}
