package io.tokentally.schedule;

import io.tokentally.job.BillingRuns;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the schedules of {@code jobs/}. On each tick, for each schedule, the replica that gets the schedule's ShedLock
 * lock looks at the fire times since the last one recorded (before its first, since a process first looked at the
 * schedule): the newest, if it is within the grace period, starts; older ones were missed (no replica started them in
 * time): they are logged, recorded as a finding, and run if the schedule catches up (those of one usage day by one
 * run; without catch-up, those whose day a later fire time bills on time are caught up by that run). Every fire time
 * is recorded once, under the lock, so no other replica runs it again; a fire time's records and those of the missed
 * ones its run catches up are written in one transaction.
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
    private final TransactionTemplate inOneTransaction;
    private final Instant startedAt;
    /**
     * Fire times this process started whose records failed to be written (the database refused the write, the
     * process lived on): its next tick records each by its start instead of starting the day again, which its own run,
     * still going, would refuse.
     */
    private final Map<FireKey, Unrecorded> unrecorded = new ConcurrentHashMap<>();

    public ScheduleRunner(
            JobSchedules schedules,
            ScheduleFireRepository fires,
            LockingTaskExecutor locks,
            ScheduledLauncher launcher,
            FindingRepository findings,
            ScheduleProperties properties,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.schedules = schedules;
        this.fires = fires;
        this.locks = locks;
        this.launcher = launcher;
        this.findings = findings;
        this.properties = properties;
        this.clock = clock;
        this.inOneTransaction = new TransactionTemplate(transactions);
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
        // a schedule that has not fired yet: since the first process looked at it (hunt EG: one stopped before the
        // first fire and started after it looked only from its new start, and the fire time was missed unseen)
        Instant since = fires.lastFire(schedule.name()).orElseGet(() -> fires.watchedSince(schedule.name(), startedAt));
        // one recorded since (by another replica's tick, not started) is not this process's to record
        unrecorded
                .keySet()
                .removeIf(key -> key.schedule().equals(schedule.name())
                        && !key.fireTime().isAfter(since));
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
        try {
            fire(schedule, due, onTimeAfter);
        } catch (BillingRuns.ShuttingDown e) {
            // nothing after it is recorded: the replica that ticks next (this one's successor, another) starts or
            // catches up this fire time and the later ones
            log.info("Schedule {} stopped firing: {}", schedule.name(), e.getMessage());
        }
    }

    /**
     * Starts the due fire times in order, the missed ones as catch-ups. A schedule that fires more than once a day (a
     * same-day window every hour, say) bills the day whole at each fire, so a fire time that a later due one of its
     * usage day follows is covered by that one's run (started for each, the second would find the first's run of the
     * window still going), and recorded by what became of it: a missed one caught up (without catch-up, only by an
     * on-time run, which bills the day all the same), one still on time (a replica that died held the lock) started
     * by it. A fire time that this process started but could not record is recorded by that start, with the ones its
     * run covered.
     */
    private void fire(JobSchedule schedule, List<Instant> due, Instant onTimeAfter) {
        Map<Instant, List<Covered>> covered = new HashMap<>();
        for (Instant fireTime : List.copyOf(due)) {
            Unrecorded started = unrecorded.get(new FireKey(schedule.name(), fireTime));
            if (started != null) {
                recordAll(schedule, fireTime, started.late(), started.launch(), started.covered());
                due.remove(fireTime);
                started.covered().forEach(time -> due.remove(time.fireTime()));
            }
        }
        for (int i = 0; i < due.size(); i++) {
            Instant fireTime = due.get(i);
            boolean late = fireTime.isBefore(onTimeAfter);
            Instant last = lastOfItsDay(schedule, due, i);
            // an on-time fire time's later one of its day is on time too
            if (last != null && (schedule.catchUp() || !last.isBefore(onTimeAfter))) {
                covered.computeIfAbsent(last, time -> new ArrayList<>()).add(new Covered(fireTime, late));
                continue;
            }
            fireOne(schedule, fireTime, late, covered.getOrDefault(fireTime, List.of()));
        }
    }

    /**
     * Starts a fire time's run (a missed one's only with catch-up on), then records it and the fire times {@code
     * covered} that its run starts or catches up, all or none: a process that dies in between, or a write that fails,
     * leaves them all to the tick that comes next (had the fire time been recorded alone, the next tick, which looks
     * only after the newest recorded one, would never have recorded the covered ones). That tick, in another process,
     * starts the day again; a run of it still going refuses, and they are recorded not started, naming that run. In
     * this process, it records them by this start ({@link #unrecorded}).
     */
    private void fireOne(JobSchedule schedule, Instant fireTime, boolean late, List<Covered> covered) {
        if (late) {
            warnMissed(schedule, fireTime, schedule.catchUp() ? "catching up now" : "not caught up (catch-up: false)");
        }
        Launch launch = late && !schedule.catchUp()
                ? new Launch(FireState.MISSED, null, "catch-up is off")
                : start(schedule, fireTime, late ? FireState.CAUGHT_UP : FireState.STARTED);
        recordAll(schedule, fireTime, late, launch, covered);
    }

    /**
     * Records a fire time and the ones its run covers in one transaction, or keeps them for this process's next tick
     * ({@link #unrecorded}).
     */
    private void recordAll(JobSchedule schedule, Instant fireTime, boolean late, Launch launch, List<Covered> covered) {
        FireKey key = new FireKey(schedule.name(), fireTime);
        if (launch.execution() != null) {
            unrecorded.put(key, new Unrecorded(late, launch, covered));
        }
        inOneTransaction.executeWithoutResult(status -> {
            record(schedule, fireTime, late, launch);
            for (Covered time : covered) {
                coveredBy(schedule, time, fireTime, launch);
            }
        });
        unrecorded.remove(key);
    }

    /** The last of the fire times due after {@code due[i]} that bills its usage day, or null. */
    private static Instant lastOfItsDay(JobSchedule schedule, List<Instant> due, int i) {
        LocalDate date = schedule.dateFor(due.get(i));
        for (int j = due.size() - 1; j > i; j--) {
            if (schedule.dateFor(due.get(j)).equals(date)) {
                return due.get(j);
            }
        }
        return null;
    }

    /** Records a fire time by what became of its start and, if it was missed, raises its finding. */
    private void record(JobSchedule schedule, Instant fireTime, boolean late, Launch launch) {
        if (launch.state() == FireState.NOT_STARTED) {
            notStarted(schedule, fireTime, launch.failure());
        } else {
            fires.record(
                    new ScheduleFire(schedule.name(), fireTime, launch.state(), launch.execution(), launch.failure()));
        }
        if (late) {
            recordMissed(
                    schedule,
                    fireTime,
                    launch.execution() == null
                            ? "it was not caught up: run it by hand"
                            : "it was caught up as execution " + launch.execution());
        }
    }

    /**
     * A fire time that the run of a later one of its usage day, {@code covering}, starts (on time) or catches up
     * (missed), or not.
     */
    private void coveredBy(JobSchedule schedule, Covered covered, Instant covering, Launch launch) {
        Instant fireTime = covered.fireTime();
        String run = "the run of fire time " + covering + ", which bills the same usage day";
        if (!covered.late()) {
            if (launch.execution() != null) {
                fires.record(new ScheduleFire(
                        schedule.name(), fireTime, FireState.STARTED, launch.execution(), "started as " + run));
            } else {
                notStarted(schedule, fireTime, run + ", did not start: " + launch.failure());
            }
            return;
        }
        warnMissed(
                schedule,
                fireTime,
                launch.execution() != null
                        ? run + ", caught it up as execution " + launch.execution()
                        : run + ", did not start: not caught up");
        if (launch.execution() != null) {
            fires.record(new ScheduleFire(
                    schedule.name(), fireTime, FireState.CAUGHT_UP, launch.execution(), "caught up by " + run));
            recordMissed(schedule, fireTime, "it was caught up as execution " + launch.execution() + ", " + run);
        } else {
            fires.record(new ScheduleFire(
                    schedule.name(),
                    fireTime,
                    FireState.NOT_STARTED,
                    null,
                    run + ", did not start: " + launch.failure()));
            recordMissed(schedule, fireTime, "it was not caught up: " + run + ", did not start: run it by hand");
        }
    }

    private void warnMissed(JobSchedule schedule, Instant fireTime, String outcome) {
        log.warn(
                "Schedule {} missed its run at {} (usage day {}): no replica started it in time (none was running, or"
                        + " one that died held the schedule's lock); {}",
                schedule.name(),
                fireTime,
                schedule.dateFor(fireTime),
                outcome);
    }

    private void recordMissed(JobSchedule schedule, Instant fireTime, String outcome) {
        String message = "schedule " + schedule.name() + " did not run at " + fireTime + " (usage day "
                + schedule.dateFor(fireTime) + ") because no replica started it in time (none was running, or one that"
                + " died held the schedule's lock); " + outcome;
        raise("missed-schedule", "MISSED_SCHEDULE", Finding.Severity.WARNING, schedule, fireTime, message);
    }

    /** Records a finding of a fire time, keyed by {@code keyPrefix}, the schedule and the fire time. */
    private void raise(
            String keyPrefix,
            String kind,
            Finding.Severity severity,
            JobSchedule schedule,
            Instant fireTime,
            String message) {
        findings.record(
                new Finding(keyPrefix + ":" + schedule.name() + ":" + fireTime, kind, severity, message), NO_RUN);
    }

    /**
     * Starts the fire time's run, to be recorded {@code state}, or not started.
     *
     * @throws BillingRuns.ShuttingDown when the process is closing: the fire time is not recorded, so the replica
     *     that ticks next starts it
     */
    private Launch start(JobSchedule schedule, Instant fireTime, FireState state) {
        LocalDate date = schedule.dateFor(fireTime);
        try {
            long execution = launcher.launch(schedule, date);
            log.info(
                    "Schedule {} fired for {} (usage day {}): execution {}",
                    schedule.name(),
                    fireTime,
                    date,
                    execution);
            return new Launch(state, execution, null);
        } catch (BillingRuns.ShuttingDown e) {
            log.info(
                    "Schedule {} did not fire for {} (usage day {}): {}",
                    schedule.name(),
                    fireTime,
                    date,
                    e.getMessage());
            throw e;
        } catch (Exception e) {
            log.error(
                    "Schedule {} could not start its run for usage day {}: {}", schedule.name(), date, e.getMessage());
            return new Launch(FireState.NOT_STARTED, null, e.getMessage());
        }
    }

    /** Records a fire time whose run could not start, with the reason, and raises its error finding. */
    private void notStarted(JobSchedule schedule, Instant fireTime, String reason) {
        fires.record(new ScheduleFire(schedule.name(), fireTime, FireState.NOT_STARTED, null, reason));
        String message = "schedule " + schedule.name() + " could not start its run at " + fireTime + " (usage day "
                + schedule.dateFor(fireTime) + "): " + reason + "; mend the cause and run the day by hand";
        raise("schedule-not-started", "SCHEDULE_NOT_STARTED", Finding.Severity.ERROR, schedule, fireTime, message);
    }

    /**
     * What became of a fire time's start: how it is recorded, its run's execution, or null and why it has none (not
     * started, or missed without catch-up).
     */
    private record Launch(FireState state, Long execution, String failure) {}

    private record FireKey(String schedule, Instant fireTime) {}

    /** A start whose records failed to be written: whether it was late, and the fire times its run covers. */
    private record Unrecorded(boolean late, Launch launch, List<Covered> covered) {}

    /** A fire time that the run of a later one of its usage day covers, and whether it was missed. */
    private record Covered(Instant fireTime, boolean late) {}
}
