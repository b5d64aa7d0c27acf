package io.tokentally.reconcile;

import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SortedSet;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The UTC days a run reconciles: the days of its window, every day the usage of the files it ingested falls on
 * (billable or cost-role), every day of held usage it settled ({@code settled_hour}: a price came for it) and every
 * day its new cost exports charged for ({@code provider_cost}), so an export
 * that arrives late for an older day is reconciled for that day in the run that ingests it. Days after the window
 * are left to their own runs, as their other sources may not have arrived yet, unless a run of the day has
 * completed: then none would reconcile the day again (a corrected export read by a rerun of an earlier day).
 */
@Repository
public class ReconcileDays {

    private final JdbcTemplate jdbc;

    ReconcileDays(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public SortedSet<LocalDate> of(UsageWindow window, long run) {
        SortedSet<LocalDate> days = new TreeSet<>();
        for (LocalDate day = LocalDate.ofInstant(window.from(), ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(window.to());
                day = day.plusDays(1)) {
            days.add(day);
        }
        // the run's hours outside its window that its files' usage falls on: run_hour holds every hour the run
        // stored usage for (and the held hours it rated), so only those hours are looked up in usage_hourly,
        // which has no index on ingest_run
        jdbc.query(
                "SELECT r.hour_start FROM run_hour r WHERE r.ingest_run = ? AND (r.hour_start < ? OR r.hour_start >= ?)"
                        + " AND EXISTS (SELECT 1 FROM usage_hourly u WHERE u.hour_start = r.hour_start"
                        + " AND u.ingest_run = r.ingest_run)",
                rs -> {
                    days.add(LocalDate.ofInstant(SqlTime.read(rs, "hour_start"), ZoneOffset.UTC));
                },
                run,
                SqlTime.utc(window.from()),
                SqlTime.utc(window.to()));
        // the hours whose held usage the run settled: it bills that usage now (hunt BX: an unknown customer's got
        // no UNATTRIBUTED_USAGE finding, a known one's day no margin line)
        jdbc.query(
                "SELECT hour_start FROM settled_hour WHERE ingest_run = ?",
                rs -> {
                    days.add(LocalDate.ofInstant(SqlTime.read(rs, "hour_start"), ZoneOffset.UTC));
                },
                run);
        days.addAll(jdbc.queryForList(
                "SELECT DISTINCT cost_day FROM provider_cost WHERE ingest_run = ?", LocalDate.class, run));
        LocalDate afterWindow =
                LocalDate.ofInstant(window.to().minusNanos(1), ZoneOffset.UTC).plusDays(1);
        days.tailSet(afterWindow).removeIf(day -> !ranBefore(day));
        return days;
    }

    /** Whether a nightly billing run of the day (its {@code date} parameter) has completed. */
    private boolean ranBefore(LocalDate day) {
        // the job's name, as the job package names it (a rerate has a date parameter too)
        return jdbc.queryForObject(
                        "SELECT COUNT(*) FROM BATCH_JOB_INSTANCE i JOIN BATCH_JOB_EXECUTION e"
                                + " ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID JOIN BATCH_JOB_EXECUTION_PARAMS p"
                                + " ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID WHERE i.JOB_NAME = 'nightlyBillingJob'"
                                + " AND p.PARAMETER_NAME = 'date' AND p.PARAMETER_VALUE = ? AND e.STATUS = 'COMPLETED'",
                        Long.class,
                        day.toString())
                > 0;
    }
}
