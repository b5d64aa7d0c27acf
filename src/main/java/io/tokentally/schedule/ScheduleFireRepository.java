package io.tokentally.schedule;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code schedule_fire} table: every fire time of every schedule, once. */
@Repository
public class ScheduleFireRepository {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String insertWatch;

    public ScheduleFireRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.insertWatch = SqlDialect.of(jdbc.getDataSource())
                .insertIfAbsent("schedule_watch", List.of("schedule_name", "watched_since"), List.of("schedule_name"));
    }

    /**
     * Since when the schedule has been looked at: {@code processStart}, the start of this process, unless an earlier
     * process recorded its own ({@code schedule_watch}); recorded at the first look, so a schedule that has not fired
     * yet is looked at from there after a restart, not from the new process's start.
     */
    public Instant watchedSince(String schedule, Instant processStart) {
        SqlDialect.inserted(jdbc, insertWatch, schedule, SqlTime.utc(processStart));
        return jdbc.queryForObject(
                "SELECT watched_since FROM schedule_watch WHERE schedule_name = ?",
                (rs, rowNum) -> SqlTime.read(rs, "watched_since"),
                schedule);
    }

    public Optional<Instant> lastFire(String schedule) {
        List<Instant> last = jdbc.query(
                "SELECT MAX(fire_time) AS last_fire FROM schedule_fire WHERE schedule_name = ?",
                (rs, rowNum) -> SqlTime.read(rs, "last_fire"),
                schedule);
        return last.stream().filter(java.util.Objects::nonNull).findFirst();
    }

    public void record(ScheduleFire fire) {
        String detail = StorableText.cut(fire.detail(), 1000);
        jdbc.update(
                "INSERT INTO schedule_fire (schedule_name, fire_time, state, execution_id, detail, recorded_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                fire.schedule(),
                SqlTime.utc(fire.fireTime()),
                fire.state().name(),
                fire.executionId(),
                detail,
                SqlTime.utc(Instant.now(clock)));
    }

    /** The newest fire times of a schedule, newest first. */
    public List<ScheduleFire> recent(String schedule, int limit) {
        return jdbc.query(
                "SELECT schedule_name, fire_time, state, execution_id, detail FROM schedule_fire"
                        + " WHERE schedule_name = ? ORDER BY fire_time DESC LIMIT ?",
                (rs, rowNum) -> new ScheduleFire(
                        rs.getString("schedule_name"),
                        SqlTime.read(rs, "fire_time"),
                        FireState.valueOf(rs.getString("state")),
                        rs.getObject("execution_id", Long.class),
                        rs.getString("detail")),
                schedule,
                limit);
    }
}
