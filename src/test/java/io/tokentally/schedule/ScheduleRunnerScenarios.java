package io.tokentally.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.job.BillingRuns;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The scheduler with a clock the test moves: it fires on time for yesterday, once; reports and catches
 * up missed fire times; and with two instances (two replicas, each with its own ShedLock provider over
 * the one database) only one starts a given fire time.
 */
abstract class ScheduleRunnerScenarios {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ScheduleFireRepository fires;

    @Autowired
    FindingRepository findings;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    LockProvider scheduleLockProvider;

    final List<String> launches = new CopyOnWriteArrayList<>();

    static final ScheduleProperties PROPERTIES = new ScheduleProperties(
            true, Path.of("jobs"), Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(5), 7);

    static JobSchedule nightly(String name, boolean catchUp) {
        return new JobSchedule(
                name,
                "nightly-billing",
                "30 2 * * *",
                ZoneOffset.UTC,
                WindowRule.PREVIOUS_DAY,
                catchUp,
                List.of("sample-data/usage"),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv"));
    }

    ScheduleRunner runner(JobSchedule schedule, MutableClock clock, ScheduledLauncher launcher) {
        return runner(schedule, clock, launcher, findings);
    }

    ScheduleRunner runner(
            JobSchedule schedule, MutableClock clock, ScheduledLauncher launcher, FindingRepository findings) {
        return runner(schedule, clock, launcher, findings, fires);
    }

    ScheduleRunner runner(
            JobSchedule schedule,
            MutableClock clock,
            ScheduledLauncher launcher,
            FindingRepository findings,
            ScheduleFireRepository fires) {
        JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource))
                .usingDbTime()
                .build());
        return new ScheduleRunner(
                new JobSchedules(List.of(schedule)),
                fires,
                new DefaultLockingTaskExecutor(locks),
                launcher,
                findings,
                PROPERTIES,
                clock,
                transactions);
    }

    ScheduledLauncher recording() {
        return (schedule, date) -> {
            launches.add(schedule.name() + " " + date);
            return 100 + launches.size();
        };
    }

    @Test
    void firesAtItsTimeForYesterdayAndOnlyOnce() {
        // given
        String name = unique("fires");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        ScheduleRunner runner = runner(nightly(name, true), clock, recording());
        runner.tick();

        // when
        clock.set(Instant.parse("2026-11-28T02:30:20Z"));
        runner.tick();
        clock.set(Instant.parse("2026-11-28T02:31:00Z"));
        runner.tick();

        // then
        assertStartedOnceOnTime(name);
    }

    @Test
    void aProcessStartedAfterTheFireTimeDoesNotRunItLateWithoutAHistory() {
        // given
        String name = unique("late-start");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:45:00Z"));
        ScheduleRunner runner = runner(nightly(name, true), clock, recording());

        // when
        clock.set(Instant.parse("2026-11-28T03:00:00Z"));
        runner.tick();

        // then
        assertThat(launches).isEmpty();
        assertThat(runner.nextFire(nightly(name, true))).isEqualTo(Instant.parse("2026-11-29T02:30:00Z"));
    }

    @Test
    void aProcessStoppedBeforeAScheduleFirstFiredAndStartedAfterFindsTheFireTimeMissed() {
        // given a process that looked at a new schedule at 02:00 and stopped before its 02:30 fire time
        String name = unique("first-fire");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        runner(nightly(name, true), clock, recording()).tick();

        // when a process started at 03:00 looks at it
        clock.set(Instant.parse("2026-11-28T03:00:00Z"));
        runner(nightly(name, true), clock, recording()).tick();

        // then 02:30 was missed and is caught up, where the new process once looked only after its own start (hunt EG)
        assertThat(launches).containsExactly(name + " 2026-11-27");
        assertThat(fires.recent(name, 10).stream().map(ScheduleFire::state)).containsExactly(FireState.CAUGHT_UP);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'MISSED_SCHEDULE' AND finding_key LIKE ?",
                        Integer.class,
                        "missed-schedule:" + name + ":%"))
                .isEqualTo(1);
    }

    @Test
    void reportsMissedRunsAsFindingsAndCatchesThemUpEachForItsOwnDay() {
        // given: the schedule ran on the 20th, then no replica ran until the 23rd at 03:00
        String name = unique("catch-up");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T02:00:00Z"));
        ScheduleRunner before = runner(nightly(name, true), clock, recording());
        clock.set(Instant.parse("2026-11-20T02:30:05Z"));
        before.tick();
        launches.clear();

        // when
        clock.set(Instant.parse("2026-11-23T03:00:00Z"));
        runner(nightly(name, true), clock, recording()).tick();

        // then: the 21st, 22nd and 23rd (30 minutes late, past the 15-minute grace) were missed and caught up
        assertThat(launches).containsExactly(name + " 2026-11-20", name + " 2026-11-21", name + " 2026-11-22");
        assertThat(fires.recent(name, 10).stream().map(ScheduleFire::state))
                .containsExactly(FireState.CAUGHT_UP, FireState.CAUGHT_UP, FireState.CAUGHT_UP, FireState.STARTED);
        List<String> messages = jdbc.queryForList(
                "SELECT message FROM finding WHERE kind = 'MISSED_SCHEDULE' AND finding_key LIKE ? ORDER BY finding_key",
                String.class,
                "missed-schedule:" + name + ":%");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0)).contains("2026-11-21T02:30:00Z").contains("caught up as execution");
    }

    @Test
    void missedRunsOfAScheduleWithoutCatchUpAreReportedButNotRun() {
        // given
        String name = unique("no-catch-up");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T02:00:00Z"));
        ScheduleRunner before = runner(nightly(name, false), clock, recording());
        clock.set(Instant.parse("2026-11-20T02:30:05Z"));
        before.tick();
        launches.clear();

        // when
        clock.set(Instant.parse("2026-11-22T02:30:30Z"));
        runner(nightly(name, false), clock, recording()).tick();

        // then: the 21st was missed; the 22nd is on time
        assertThat(launches).containsExactly(name + " 2026-11-21");
        assertThat(fires.recent(name, 10).stream().map(ScheduleFire::state))
                .containsExactly(FireState.STARTED, FireState.MISSED, FireState.STARTED);
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "missed-schedule:" + name + ":2026-11-21T02:30:00Z"))
                .contains("not caught up");
    }

    static JobSchedule hourly(String name) {
        return hourly(name, true);
    }

    static JobSchedule hourly(String name, boolean catchUp) {
        return new JobSchedule(
                name,
                "nightly-billing",
                "0 * * * *",
                ZoneOffset.UTC,
                WindowRule.SAME_DAY,
                catchUp,
                List.of("sample-data/usage"),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv"));
    }

    /** An hourly same-day schedule that ran at 22:00 on the 20th; no replica ran after it until {@code back}. */
    ScheduleRunner hourlyBackAt(String name, MutableClock clock, String back, ScheduledLauncher launcher) {
        return hourlyBackAt(hourly(name), clock, back, launcher);
    }

    /**
     * {@code hourly}, a schedule every hour, that ran at 22:00 on the 20th; no replica ran after it until {@code back}.
     */
    ScheduleRunner hourlyBackAt(JobSchedule hourly, MutableClock clock, String back, ScheduledLauncher launcher) {
        clock.set(Instant.parse("2026-11-20T21:59:00Z"));
        ScheduleRunner before = runner(hourly, clock, recording());
        clock.set(Instant.parse("2026-11-20T22:00:05Z"));
        before.tick();
        launches.clear();
        clock.set(Instant.parse(back));
        return runner(hourly, clock, launcher);
    }

    /** {@link #recording()}, refusing a second run of a date as {@link BillingRuns} refuses a window still going. */
    ScheduledLauncher oneRunADay() {
        ScheduledLauncher recording = recording();
        return (schedule, date) -> {
            if (launches.contains(schedule.name() + " " + date)) {
                throw new IllegalStateException("execution 101 of window " + date + " is STARTED");
            }
            return recording.launch(schedule, date);
        };
    }

    @Test
    void missedFireTimesOfOneUsageDayAreCaughtUpByTheRunOfItsLastOne() {
        // given: 23:00 on the 20th, and 00:00, 01:00 and 02:00 on the 21st, missed (back at 02:30)
        String name = unique("hourly");
        ScheduleRunner runner =
                hourlyBackAt(name, new MutableClock(Instant.EPOCH), "2026-11-21T02:30:00Z", oneRunADay());

        // when
        runner.tick();

        // then: one run a day; 00:00 and 01:00 caught up by 02:00's run
        assertThat(launches).containsExactly(name + " 2026-11-20", name + " 2026-11-21");
        String by02 = "the run of fire time 2026-11-21T02:00:00Z, which bills the same usage day";
        assertThat(fires.recent(name, 4))
                .containsExactly(
                        new ScheduleFire(name, Instant.parse("2026-11-21T02:00:00Z"), FireState.CAUGHT_UP, 102L, null),
                        new ScheduleFire(
                                name,
                                Instant.parse("2026-11-21T01:00:00Z"),
                                FireState.CAUGHT_UP,
                                102L,
                                "caught up by " + by02),
                        new ScheduleFire(
                                name,
                                Instant.parse("2026-11-21T00:00:00Z"),
                                FireState.CAUGHT_UP,
                                102L,
                                "caught up by " + by02),
                        new ScheduleFire(name, Instant.parse("2026-11-20T23:00:00Z"), FireState.CAUGHT_UP, 101L, null));
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "missed-schedule:" + name + ":2026-11-21T00:00:00Z"))
                .endsWith("it was caught up as execution 102, " + by02);
        assertThat(findings.list(null))
                .noneMatch(finding -> finding.kind().equals("SCHEDULE_NOT_STARTED")
                        && finding.key().contains(name));
    }

    @Test
    void withoutCatchUpMissedFireTimesOfADayAreCaughtUpByItsOnTimeRunOnly() {
        // given: an hourly schedule without catch-up that ran at 22:00 on the 20th, back at 02:05 on the 21st
        String name = unique("hourly-no-catch-up");
        ScheduleRunner runner =
                hourlyBackAt(hourly(name, false), new MutableClock(Instant.EPOCH), "2026-11-21T02:05:00Z", recording());

        // when
        runner.tick();

        // then: 02:00 ran on time and billed the 21st, so 00:00 and 01:00 are caught up by it; 23:00 was missed
        assertThat(launches).containsExactly(name + " 2026-11-21");
        String by02 = "the run of fire time 2026-11-21T02:00:00Z, which bills the same usage day";
        assertThat(fires.recent(name, 4))
                .extracting(ScheduleFire::state, ScheduleFire::executionId, ScheduleFire::detail)
                .containsExactly(
                        tuple(FireState.STARTED, 101L, null),
                        tuple(FireState.CAUGHT_UP, 101L, "caught up by " + by02),
                        tuple(FireState.CAUGHT_UP, 101L, "caught up by " + by02),
                        tuple(FireState.MISSED, null, "catch-up is off"));
        assertThat(jdbc.queryForList(
                        "SELECT message FROM finding WHERE finding_key LIKE ? ORDER BY finding_key",
                        String.class,
                        "missed-schedule:" + name + ":%"))
                .satisfiesExactly(
                        first -> assertThat(first).endsWith("it was not caught up: run it by hand"),
                        second -> assertThat(second).endsWith("it was caught up as execution 101, " + by02),
                        third -> assertThat(third).endsWith("it was caught up as execution 101, " + by02));
    }

    @Test
    void missedFireTimesOfADayWhoseLastFireCannotStartAreRecordedNotStarted() {
        // given: back at 02:05, so 02:00 is on time, and its run cannot start
        String name = unique("hourly-refused");
        ScheduleRunner runner =
                hourlyBackAt(name, new MutableClock(Instant.EPOCH), "2026-11-21T02:05:00Z", (schedule, date) -> {
                    if (date.equals(LocalDate.parse("2026-11-21"))) {
                        throw new IllegalStateException("prices.csv line 4: no such column");
                    }
                    launches.add(schedule.name() + " " + date);
                    return 7;
                });

        // when
        runner.tick();

        // then
        assertThat(launches).containsExactly(name + " 2026-11-20");
        String by02 = "the run of fire time 2026-11-21T02:00:00Z, which bills the same usage day";
        assertThat(fires.recent(name, 3))
                .containsExactly(
                        new ScheduleFire(
                                name,
                                Instant.parse("2026-11-21T02:00:00Z"),
                                FireState.NOT_STARTED,
                                null,
                                "prices.csv line 4: no such column"),
                        new ScheduleFire(
                                name,
                                Instant.parse("2026-11-21T01:00:00Z"),
                                FireState.NOT_STARTED,
                                null,
                                by02 + ", did not start: prices.csv line 4: no such column"),
                        new ScheduleFire(
                                name,
                                Instant.parse("2026-11-21T00:00:00Z"),
                                FireState.NOT_STARTED,
                                null,
                                by02 + ", did not start: prices.csv line 4: no such column"));
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "missed-schedule:" + name + ":2026-11-21T01:00:00Z"))
                .endsWith("it was not caught up: " + by02 + ", did not start: run it by hand");
    }

    @Test
    void aReplicaClosingWhileItCatchesUpRecordsNothingAfterTheRefusedStart() {
        // given: a replica closing as it catches up the 20th and 21st, then the next one
        String name = unique("hourly-closing");
        MutableClock clock = new MutableClock(Instant.EPOCH);
        List<LocalDate> refused = new ArrayList<>();
        ScheduleRunner closing = hourlyBackAt(name, clock, "2026-11-21T02:30:00Z", (schedule, date) -> {
            refused.add(date);
            throw new BillingRuns.ShuttingDown("this process is shutting down and starts no run");
        });

        // when
        closing.tick();
        List<ScheduleFire> recorded = fires.recent(name, 10);
        runner(hourly(name), clock, oneRunADay()).tick();

        // then: the closing replica tried the 20th only and recorded nothing; the next one caught up both days
        assertThat(refused).containsExactly(LocalDate.parse("2026-11-20"));
        assertThat(recorded).hasSize(1); // 22:00's
        assertThat(launches).containsExactly(name + " 2026-11-20", name + " 2026-11-21");
        assertThat(fires.recent(name, 10)).hasSize(5).allMatch(fire -> fire.executionId() != null);
    }

    @Test
    void aProcessDyingAsItRecordsACatchUpLeavesTheFireTimesOfItsDayToTheNextReplica() {
        // given: 02:00's run catches up 00:00 and 01:00 of the 21st, and the process dies as it records 00:00's finding
        String name = unique("hourly-dying");
        MutableClock clock = new MutableClock(Instant.EPOCH);
        hourlyBackAt(name, clock, "2026-11-21T02:30:00Z", recording());
        String diesAt = "missed-schedule:" + name + ":2026-11-21T00:00:00Z";
        ScheduleRunner dying = runner(hourly(name), clock, recording(), new FindingRepository(jdbc, clock) {
            @Override
            public void record(Finding finding, long run) {
                if (finding.key().equals(diesAt)) {
                    throw new IllegalStateException("the process died");
                }
                super.record(finding, run);
            }
        });

        // when
        assertThatThrownBy(dying::tick).hasMessage("the process died");
        List<Instant> recorded =
                fires.recent(name, 10).stream().map(ScheduleFire::fireTime).toList();
        runner(hourly(name), clock, recording()).tick();

        // then: of the 21st, the dying process recorded nothing; the next replica caught the day up and recorded it all
        assertThat(recorded)
                .containsExactly(Instant.parse("2026-11-20T23:00:00Z"), Instant.parse("2026-11-20T22:00:00Z"));
        assertThat(launches).containsExactly(name + " 2026-11-20", name + " 2026-11-21", name + " 2026-11-21");
        assertThat(fires.recent(name, 3))
                .extracting(ScheduleFire::state, ScheduleFire::executionId)
                .containsExactly(
                        tuple(FireState.CAUGHT_UP, 103L),
                        tuple(FireState.CAUGHT_UP, 103L),
                        tuple(FireState.CAUGHT_UP, 103L));
        assertThat(jdbc.queryForObject("SELECT message FROM finding WHERE finding_key = ?", String.class, diesAt))
                .endsWith(
                        "it was caught up as execution 103, the run of fire time 2026-11-21T02:00:00Z, which bills the"
                                + " same usage day");
    }

    @Test
    void aFireTimeWhoseRecordTheDatabaseRefusedIsRecordedByItsStartAtTheNextTickNotStartedAgain() {
        // given: the database refuses the fire time's record once, and the process lives on
        String name = unique("unrecorded");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        AtomicBoolean refused = new AtomicBoolean();
        ScheduleFireRepository refusingOnce = new ScheduleFireRepository(jdbc, clock) {
            @Override
            public void record(ScheduleFire fire) {
                if (refused.compareAndSet(false, true)) {
                    throw new DataAccessResourceFailureException("the database is away");
                }
                super.record(fire);
            }
        };
        ScheduleRunner runner = runner(nightly(name, true), clock, oneRunADay(), findings, refusingOnce);
        clock.set(Instant.parse("2026-11-28T02:30:05Z"));
        assertThatThrownBy(runner::tick).hasMessage("the database is away");

        // when: its next tick comes after the grace, the day's run still going
        clock.set(Instant.parse("2026-11-28T02:50:00Z"));
        runner.tick();

        // then: the day was started once, and its fire time recorded by that start, on time, with no finding
        assertStartedOnceOnTime(name);
        assertThat(findings.list(null)).noneMatch(finding -> finding.key().contains(name));
    }

    @Test
    void aCatchUpWhoseRecordsTheDatabaseRefusedIsRecordedWithTheFireTimesItCoveredBeforeALaterFireOfItsDay() {
        // given: 02:00's run catches up 00:00 and 01:00 of the 21st, and the database refuses 02:00's record once
        String name = unique("hourly-unrecorded");
        MutableClock clock = new MutableClock(Instant.EPOCH);
        hourlyBackAt(name, clock, "2026-11-21T02:30:00Z", recording());
        Instant refusedAt = Instant.parse("2026-11-21T02:00:00Z");
        AtomicBoolean refused = new AtomicBoolean();
        ScheduleFireRepository refusingOnce = new ScheduleFireRepository(jdbc, clock) {
            @Override
            public void record(ScheduleFire fire) {
                if (fire.fireTime().equals(refusedAt) && refused.compareAndSet(false, true)) {
                    throw new DataAccessResourceFailureException("the database is away");
                }
                super.record(fire);
            }
        };
        ScheduleRunner runner = runner(hourly(name), clock, recording(), findings, refusingOnce);
        assertThatThrownBy(runner::tick).hasMessage("the database is away");

        // when: its next tick comes after 03:00, a later fire time of the same usage day
        clock.set(Instant.parse("2026-11-21T03:00:05Z"));
        runner.tick();

        // then: 02:00's run is recorded with the fire times it caught up; 03:00 bills the day again on time
        assertThat(launches).containsExactly(name + " 2026-11-20", name + " 2026-11-21", name + " 2026-11-21");
        assertThat(fires.recent(name, 4))
                .extracting(ScheduleFire::fireTime, ScheduleFire::state, ScheduleFire::executionId)
                .containsExactly(
                        tuple(Instant.parse("2026-11-21T03:00:00Z"), FireState.STARTED, 103L),
                        tuple(refusedAt, FireState.CAUGHT_UP, 102L),
                        tuple(Instant.parse("2026-11-21T01:00:00Z"), FireState.CAUGHT_UP, 102L),
                        tuple(Instant.parse("2026-11-21T00:00:00Z"), FireState.CAUGHT_UP, 102L));
    }

    @Test
    void twoFireTimesOfADayStillOnTimeAfterADeadReplicasLockAreStartedByOneRun() {
        // given: a same-day schedule every five minutes that fired at 10:00; a replica that died firing 10:05 held
        // the lock until 10:10:30, so the next tick finds 10:05 and 10:10 due, both within the 15-minute grace
        String name = unique("five-minutes");
        JobSchedule everyFive = new JobSchedule(
                name,
                "nightly-billing",
                "*/5 * * * *",
                ZoneOffset.UTC,
                WindowRule.SAME_DAY,
                true,
                List.of("sample-data/usage"),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv"));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T09:59:00Z"));
        ScheduleRunner runner = runner(everyFive, clock, oneRunADay());
        clock.set(Instant.parse("2026-11-21T10:00:05Z"));
        runner.tick();
        launches.clear(); // 10:00's run has ended

        // when
        clock.set(Instant.parse("2026-11-21T10:10:30Z"));
        runner.tick();

        // then: one run bills the day for both, each recorded started by it, on time, with no finding (hunt DG: the
        // second was refused by the first's run still going, and raised an error finding to run the day by hand)
        assertThat(launches).containsExactly(name + " 2026-11-21");
        assertThat(fires.recent(name, 2))
                .extracting(ScheduleFire::fireTime, ScheduleFire::state, ScheduleFire::executionId)
                .containsExactly(
                        tuple(Instant.parse("2026-11-21T10:10:00Z"), FireState.STARTED, 101L),
                        tuple(Instant.parse("2026-11-21T10:05:00Z"), FireState.STARTED, 101L));
        assertThat(fires.recent(name, 1).get(0).detail()).isNull();
        assertThat(fires.recent(name, 2).get(1).detail())
                .isEqualTo("started as the run of fire time 2026-11-21T10:10:00Z, which bills the same usage day");
        assertThat(findings.list(null)).noneMatch(finding -> finding.key().contains(name));
    }

    @Test
    void aScheduleLockNamesTheHostAndProcessOfTheReplicaHoldingIt() {
        // given
        String name = unique("locked-by");

        // when
        SimpleLock lock = scheduleLockProvider
                .lock(new LockConfiguration(Instant.now(), name, Duration.ofMinutes(1), Duration.ZERO))
                .orElseThrow();

        // then: two replicas on one host (hunt DG: both were named by the host alone) are told apart
        try {
            assertThat(jdbc.queryForObject("SELECT locked_by FROM shedlock WHERE name = ?", String.class, name))
                    .endsWith(" (pid " + ProcessHandle.current().pid() + ")");
        } finally {
            lock.unlock();
        }
    }

    @Test
    void catchesUpNoMoreThanMaxCatchUpMissedRunsTheNewestOnes() {
        // given: ran on the 1st, then down until the 12th at 09:00 (11 fire times missed, 7 may be caught up)
        String name = unique("long-outage");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T02:00:00Z"));
        ScheduleRunner before = runner(nightly(name, true), clock, recording());
        clock.set(Instant.parse("2026-11-01T02:30:05Z"));
        before.tick();
        launches.clear();

        // when
        clock.set(Instant.parse("2026-11-12T09:00:00Z"));
        runner(nightly(name, true), clock, recording()).tick();

        // then: the newest 7 (fired on the 6th to the 12th, billing the 5th to the 11th)
        assertThat(launches)
                .containsExactly(
                        name + " 2026-11-05",
                        name + " 2026-11-06",
                        name + " 2026-11-07",
                        name + " 2026-11-08",
                        name + " 2026-11-09",
                        name + " 2026-11-10",
                        name + " 2026-11-11");
        assertThat(fires.recent(name, 20)).hasSize(8);
    }

    @Test
    void withTwoInstancesOnlyTheOneHoldingTheLockStartsAFireTime() throws Exception {
        // given: two replicas, each with its own lock provider; the first is slow to start the run
        String name = unique("two-replicas");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        CountDownLatch inLaunch = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScheduleRunner first = runner(nightly(name, true), clock, (schedule, date) -> {
            inLaunch.countDown();
            release.await(30, TimeUnit.SECONDS);
            launches.add("first " + date);
            return 1;
        });
        ScheduleRunner second = runner(nightly(name, true), clock, (schedule, date) -> {
            launches.add("second " + date);
            return 2;
        });
        clock.set(Instant.parse("2026-11-28T02:30:01Z"));

        // when
        Thread firstTick = new Thread(first::tick);
        firstTick.start();
        assertThat(inLaunch.await(30, TimeUnit.SECONDS)).isTrue();
        second.tick();
        release.countDown();
        firstTick.join(30_000);
        second.tick();

        // then
        assertThat(launches).containsExactly("first " + LocalDate.parse("2026-11-27"));
        assertThat(fires.recent(name, 10)).hasSize(1);
    }

    @Test
    void aRunThatCannotStartIsRecordedWithTheReason() {
        // given
        String name = unique("refused");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        ScheduleRunner runner = runner(nightly(name, true), clock, (schedule, date) -> {
            throw new IllegalStateException("execution 7 of window " + date + " is still marked STARTED");
        });

        // when
        clock.set(Instant.parse("2026-11-28T02:30:01Z"));
        runner.tick();

        // then
        ScheduleFire fire = fires.recent(name, 1).get(0);
        assertThat(fire.state()).isEqualTo(FireState.NOT_STARTED);
        assertThat(fire.detail()).isEqualTo("execution 7 of window 2026-11-27 is still marked STARTED");
        assertThat(findings.list(null))
                .filteredOn(finding -> finding.key().equals("schedule-not-started:" + name + ":2026-11-28T02:30:00Z"))
                .singleElement()
                .satisfies(finding -> {
                    assertThat(finding.kind()).isEqualTo("SCHEDULE_NOT_STARTED");
                    assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
                    assertThat(finding.message())
                            .isEqualTo("schedule " + name + " could not start its run at 2026-11-28T02:30:00Z"
                                    + " (usage day 2026-11-27): execution 7 of window 2026-11-27 is still marked"
                                    + " STARTED; mend the cause and run the day by hand");
                });
    }

    @Test
    void aFireRefusedBecauseTheProcessIsClosingIsNotRecordedSoTheNextReplicaStartsIt() {
        // given a replica that is shutting down when the schedule is due
        String name = unique("closing");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T02:00:00Z"));
        List<String> launches = new ArrayList<>();
        ScheduleRunner closing = runner(nightly(name, true), clock, (schedule, date) -> {
            throw new BillingRuns.ShuttingDown("this process is shutting down and starts no run");
        });
        ScheduleRunner next = runner(nightly(name, true), clock, (schedule, date) -> {
            launches.add(schedule.name() + " " + date);
            return 8;
        });

        // when the closing replica ticks, then the next one
        clock.set(Instant.parse("2026-11-28T02:30:01Z"));
        closing.tick();
        List<ScheduleFire> recorded = fires.recent(name, 10);
        clock.set(Instant.parse("2026-11-28T02:31:00Z"));
        next.tick();

        // then the fire is neither recorded nor an error finding until the next replica starts it
        assertThat(recorded).isEmpty();
        assertThat(findings.list(null)).noneMatch(finding -> finding.key().contains(name));
        assertThat(launches).containsExactly(name + " 2026-11-27");
        assertThat(fires.recent(name, 10))
                .singleElement()
                .satisfies(fire -> assertThat(fire.state()).isEqualTo(FireState.STARTED));
    }

    /** The night of the 27th started once, by the fire time at 02:30 on the 28th, recorded started as execution 101. */
    private void assertStartedOnceOnTime(String name) {
        assertThat(launches).containsExactly(name + " 2026-11-27");
        assertThat(fires.recent(name, 10))
                .containsExactly(
                        new ScheduleFire(name, Instant.parse("2026-11-28T02:30:00Z"), FireState.STARTED, 101L, null));
    }

    static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }
}
