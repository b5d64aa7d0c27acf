package io.tokentally.rating;

import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hours whose rated aggregates were written, or whose meter event or invoice item Stripe refused for good,
 * since the build-outbox step last planned them ({@code unplanned_hour_mark}). The step plans each billing period
 * from the first day of one of them, and forgets them once it has (ADR 0025). Marking an hour that nothing
 * changed only costs a longer plan; an hour left unmarked would never be sent, so every writer marks. Every
 * mark has an id of its own, and the step forgets only the marks it read.
 */
@Component
public class UnplannedHours {

    private final JdbcTemplate jdbc;

    public UnplannedHours(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The marks read at one time: each marked hour with the ids of its marks. */
    public record Marks(NavigableMap<Instant, List<Long>> idsByHour) {

        public NavigableSet<Instant> hours() {
            return idsByHour.navigableKeySet();
        }
    }

    /**
     * Marks the hours, in the caller's transaction.
     *
     * @param markedBy the run that wrote the hours, or minus the id of the outbox row Stripe refused
     */
    public void mark(Collection<Instant> hours, long markedBy) {
        List<Instant> distinct = new ArrayList<>(new TreeSet<>(hours));
        if (distinct.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(
                "INSERT INTO unplanned_hour_mark (hour_start, marked_run) VALUES (?, ?)",
                distinct,
                distinct.size(),
                (ps, hour) -> {
                    SqlTime.bind(ps, 1, hour);
                    ps.setLong(2, markedBy);
                });
    }

    /** Marks every hour that holds attributed rated aggregates for {@code run}: every open period is planned afresh. */
    public void markEveryRatedHour(long run) {
        jdbc.update(
                "INSERT INTO unplanned_hour_mark (hour_start, marked_run) SELECT DISTINCT hour_start, CAST(? AS BIGINT)"
                        + " FROM rated_aggregate WHERE attributed = TRUE",
                run);
    }

    /**
     * Marks every hour from {@code from} on that holds attributed rated aggregates: the open periods from the one
     * starting at {@code from} are planned afresh (a price version beginning inside them, in the tokens layout).
     */
    public void markEveryRatedHourFrom(Instant from, long run) {
        jdbc.update(
                "INSERT INTO unplanned_hour_mark (hour_start, marked_run) SELECT DISTINCT hour_start, CAST(? AS BIGINT)"
                        + " FROM rated_aggregate WHERE attributed = TRUE AND hour_start >= ?",
                run,
                SqlTime.utc(from));
    }

    /**
     * Marks every hour from {@code from} on that holds a customer's attributed rated aggregates: a customer whose
     * billing cycle changed has its open period planned from its first hour, as the hours before a changed day were
     * planned in a period cut otherwise, whose rounding the plan of a later day would carry.
     */
    public void markRatedHoursOf(String customerId, Instant from, long run) {
        jdbc.update(
                "INSERT INTO unplanned_hour_mark (hour_start, marked_run) SELECT DISTINCT hour_start, CAST(? AS BIGINT)"
                        + " FROM rated_aggregate WHERE attributed = TRUE AND customer_id = ? AND hour_start >= ?",
                run,
                customerId,
                SqlTime.utc(from));
    }

    /** The marks there are now. */
    public Marks read() {
        NavigableMap<Instant, List<Long>> idsByHour = new TreeMap<>();
        jdbc.query("SELECT mark_id, hour_start FROM unplanned_hour_mark", rs -> {
            idsByHour
                    .computeIfAbsent(SqlTime.read(rs, "hour_start"), hour -> new ArrayList<>())
                    .add(rs.getLong("mark_id"));
        });
        return new Marks(idsByHour);
    }

    /** Forgets the marks {@link #read} gave the build-outbox step, once it has planned their hours; not newer ones. */
    public void forget(Marks marks) {
        List<Object[]> ids = new ArrayList<>();
        marks.idsByHour().values().forEach(ofHour -> ofHour.forEach(id -> ids.add(new Object[] {id})));
        if (!ids.isEmpty()) {
            jdbc.batchUpdate("DELETE FROM unplanned_hour_mark WHERE mark_id = ?", ids);
        }
    }
}
