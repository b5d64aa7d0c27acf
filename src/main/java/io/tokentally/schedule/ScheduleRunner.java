package io.tokentally.schedule;

import io.tokentally.job.BillingRuns;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the schedules of {@code jobs/}. On each tick, for each schedule, the replica that gets the
 * schedule's ShedLock lock looks at the fire times since the last one recorded: the newest, if it is
 * within the grace period, starts; older ones were missed (no replica was up): they are logged, recorded
 * as a finding, and run if the schedule catches up. Every fire time is recorded once, under the lock, so
 * no other replica runs it again.
 */
public class ScheduleRunner {

    /** Runs with no job instance yet record their findings against this run id. */
    static final long NO_RUN = 0;

    private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

    private final JobSchedules schedules;
    private final ScheduleFireRepository fires;
    private final LockingTaskExecutor locks;
    private final ScheduledLauncher launcher;
    private final FindingRepository findings;
    private final ScheduleProperties properties;
    private final Clock clock;
    private final Instant startedAt;

    public ScheduleRunner(
            JobSchedules schedules,
            ScheduleFireRepository fires,
            LockingTaskExecutor locks,
            ScheduledLauncher launcher,
            FindingRepository findings,
            ScheduleProperties properties,
            Clock clock) {
        this.schedules = schedules;
        this.fires = fires;
        this.locks = locks;
        this.launcher = launcher;
        this.findings = findings;
        this.properties = properties;
        this.clock = clock;
        this.startedAt = Instant.now(clock);
    }

    /** Looks at every schedule once; a schedule another replica is handling is skipped this time. */
    public void tick() {
        for (JobSchedule schedule : schedules.all()) {
            Instant now = Instant.now(clock);
            locks.executeWithLock(
                    (Runnable) () -> fireDue(schedule),
                    new LockConfiguration(
                            now, "schedule:" + schedule.name(), properties.lockAtMostFor(), Duration.ZERO));
        }
    }

    /** When a schedule fires next, after now. */
    public Instant nextFire(JobSchedule schedule) {
        return schedule.nextFireAfter(Instant.now(clock));
    }

    void fireDue(JobSchedule schedule) {
        Instant now = Instant.now(clock);
        Instant since = fires.lastFire(schedule.name()).orElse(startedAt);
        Instant onTimeAfter = now.minus(properties.grace());
        JobSchedule.FireTimes fireTimes = schedule.fireTimes(since, now, properties.maxCatchUp() + 1);
        List<Instant> due = new ArrayList<>(fireTimes.newest());
        long beyondCatchUp = fireTimes.older();
        if (!due.isEmpty() && due.get(due.size() - 1).isBefore(onTimeAfter) && due.size() > properties.maxCatchUp()) {
            due.remove(0);
            beyondCatchUp++;
        }
        if (beyondCatchUp > 0) {
            log.warn(
                    "Schedule {} missed {} fire times after {} beyond tokentally.schedules.max-catch-up ({}); they"
                            + " are not run: run their days by hand",
                    schedule.name(),
                    beyondCatchUp,
                    since,
                    properties.maxCatchUp());
        }
        for (int i = 0; i < due.size(); i++) {
            Instant fireTime = due.get(i);
            if (fireTime.isBefore(onTimeAfter)) {
                missed(schedule, fireTime, laterOfItsDay(schedule, due, i));
            } else {
                start(schedule, fireTime, FireState.STARTED);
            }
        }
    }

    /**
     * The last of the fire times due after {@code due[i]} that bills its usage day, or null: a schedule that fires
     * more than once a day (a same-day window every hour, say) bills the day whole at each fire, so of the missed fire
     * times of one day the last one's run catches up all of them (started for each, the second would find the
     * first's run of the window still going).
     */
    private static Instant laterOfItsDay(JobSchedule schedule, List<Instant> due, int i) {
        LocalDate date = schedule.dateFor(due.get(i));
        Instant later = null;
        for (Instant fireTime : due.subList(i + 1, due.size())) {
            later = schedule.dateFor(fireTime).equals(date) ? fireTime : later;
        }
        return later;
    }

    /** @param coveredBy a later fire time due now that bills the same usage day, whose run catches this one up */
    private void missed(JobSchedule schedule, Instant fireTime, Instant coveredBy) {
        LocalDate date = schedule.dateFor(fireTime);
        boolean covered = schedule.catchUp() && coveredBy != null;
        log.warn(
                "Schedule {} missed its run at {} (usage day {}): no replica was running then; {}",
                schedule.name(),
                fireTime,
                date,
                !schedule.catchUp()
                        ? "not caught up (catch-up: false)"
                        : covered ? "the run of its fire time " + coveredBy + " catches it up" : "catching up now");
        Long execution = schedule.catchUp() && !covered ? start(schedule, fireTime, FireState.CAUGHT_UP) : null;
        if (!schedule.catchUp()) {
            fires.record(new ScheduleFire(schedule.name(), fireTime, FireState.MISSED, null, "catch-up is off"));
        } else if (covered) {
            fires.record(new ScheduleFire(
                    schedule.name(),
                    fireTime,
                    FireState.CAUGHT_UP,
                    null,
                    "caught up by the run of fire time " + coveredBy + ", which bills the same usage day"));
        }
        findings.record(
                new Finding(
                        "missed-schedule:" + schedule.name() + ":" + fireTime,
                        "MISSED_SCHEDULE",
                        Finding.Severity.WARNING,
                        "schedule " + schedule.name() + " did not run at " + fireTime + " (usage day " + date
                                + ") because no replica was running; "
                                + (covered
                                        ? "it is caught up by the run of fire time " + coveredBy
                                                + ", which bills the same usage day"
                                        : execution == null
                                                ? "it was not caught up: run it by hand"
                                                : "it was caught up as execution " + execution)),
                NO_RUN);
    }

    private Long start(JobSchedule schedule, Instant fireTime, FireState state) {
        LocalDate date = schedule.dateFor(fireTime);
        try {
            long execution = launcher.launch(schedule, date);
            log.info(
                    "Schedule {} fired for {} (usage day {}): execution {}",
                    schedule.name(),
                    fireTime,
                    date,
                    execution);
            fires.record(new ScheduleFire(schedule.name(), fireTime, state, execution, null));
            return execution;
        } catch (BillingRuns.ShuttingDown e) {
            // not recorded: the replica that ticks next (this one's successor, another) starts or catches it up
            log.info(
                    "Schedule {} did not fire for {} (usage day {}): {}",
                    schedule.name(),
                    fireTime,
                    date,
                    e.getMessage());
            return null;
        } catch (Exception e) {
            log.error(
                    "Schedule {} could not start its run for usage day {}: {}", schedule.name(), date, e.getMessage());
            fires.record(new ScheduleFire(schedule.name(), fireTime, FireState.NOT_STARTED, null, e.getMessage()));
            findings.record(
                    new Finding(
                            "schedule-not-started:" + schedule.name() + ":" + fireTime,
                            "SCHEDULE_NOT_STARTED",
                            Finding.Severity.ERROR,
                            "schedule " + schedule.name() + " could not start its run at " + fireTime + " (usage day "
                                    + date + "): " + e.getMessage() + "; mend the cause and run the day by hand"),
                    NO_RUN);
            return null;
        }
    }
}
