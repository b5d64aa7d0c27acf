package io.tokentally.job;

import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Names, as an error finding of each run, every other nightly run, and every rerate, left unfinished: ended failed
 * or stopped and not resumed, or marked running by a process that is gone. Such a run's day may be billed only in
 * part: the files it registered only it reads, and what it read but did not rate no other run rates; a killed run
 * also never writes its report, and the next night's run said nothing of it. A rerate's days may be rated again only
 * in part: no nightly run rates the hours it marked. The finding is resolved once the run completes (a rerate's also
 * once a later rerate of its days completes). Recorded when a run ends, before its report ({@link
 * RunReportListener}) is written and its exit status set.
 */
@Component
public class UnfinishedRunsListener implements JobExecutionListener {

    public static final String KIND = "UNFINISHED_RUN";

    /**
     * How long a run marked running by a process of another host (a pod of a CronJob, say) without a lease (a version
     * before {@link RunLeases} ran it) may go without a change to its execution or steps before its process is taken
     * to be gone: no liveness of another host can be asked.
     */
    static final Duration SILENT_FOR = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(UnfinishedRunsListener.class);

    /** A rerate's first or last day (the parameter named by the second argument), null for another job's run. */
    private static final String RERATE_DAY = "SELECT MIN(p.PARAMETER_VALUE) FROM BATCH_JOB_EXECUTION x JOIN"
            + " BATCH_JOB_INSTANCE xi ON xi.JOB_INSTANCE_ID = x.JOB_INSTANCE_ID JOIN BATCH_JOB_EXECUTION_PARAMS p ON"
            + " p.JOB_EXECUTION_ID = x.JOB_EXECUTION_ID WHERE x.JOB_INSTANCE_ID = ? AND p.PARAMETER_NAME = ?"
            + " AND xi.JOB_NAME = ?";

    private final JdbcTemplate jdbc;
    private final JobRepository jobRepository;
    private final FindingRepository findings;
    private final RunOwnerListener owners;
    private final Clock clock;

    UnfinishedRunsListener(
            JdbcTemplate jdbc,
            JobRepository jobRepository,
            FindingRepository findings,
            RunOwnerListener owners,
            Clock clock) {
        this.jdbc = jdbc;
        this.jobRepository = jobRepository;
        this.findings = findings;
        this.owners = owners;
        this.clock = clock;
    }

    /**
     * Resolves the findings of runs that have completed since (this one's too: Spring Batch saves a job's end before
     * its listeners run), then records those of the runs left unfinished. A failure is logged and the run goes on to
     * its report: a listener that throws here would keep the report's, which comes next, from running.
     */
    @Override
    public void afterJob(JobExecution execution) {
        long run = execution.getJobInstance().getInstanceId();
        try {
            Map<String, Long> acknowledged = new HashMap<>();
            for (FindingRepository.Stored stored : findings.unresolvedOfKind(KIND)) {
                if (stored.status().equals("ACKNOWLEDGED")) {
                    acknowledged.put(stored.key(), executionOf(stored));
                }
                long named = runOf(stored.key());
                if ((ended(named) || rerateDoneSince(named)) && findings.resolve(stored.key(), run)) {
                    log.info(
                            "Finding {} resolved by run {} (of {}): the run it names has completed or was abandoned"
                                    + " (or, a rerate, a later rerate of its days completed)",
                            stored.key(),
                            run,
                            execution.getJobParameters().getString(BillingJobParameters.DATE));
                }
            }
            for (JobExecution last : lastUnfinishedExecutions(run)) {
                record(last, run, acknowledged);
            }
        } catch (RuntimeException e) {
            log.error("The runs left unfinished could not be looked for; the next run looks again", e);
        }
    }

    /**
     * Records the finding of one run's last execution if it is unfinished; a failure is logged, and skips only it. A
     * finding someone acknowledged is logged as such, not as an error each night; acknowledged of an earlier execution
     * (the run was resumed since, and that did not finish either), it opens again.
     *
     * @param acknowledged the acknowledged findings, each with the execution it named when acknowledged
     */
    private void record(JobExecution last, long run, Map<String, Long> acknowledged) {
        try {
            Optional<RunLeases.Lease> lease = owners.leaseOf(last);
            why(last, clock.instant(), lease).ifPresent(why -> {
                Finding finding =
                        finding(last, why, lease.map(RunLeases.Lease::lapsed).orElse(false));
                Long acknowledgedExecution = acknowledged.get(finding.key());
                if (acknowledgedExecution != null && acknowledgedExecution == last.getId()) {
                    log.info("Acknowledged finding {} seen again: {}", finding.key(), finding.message());
                } else {
                    if (acknowledgedExecution != null) {
                        // resumed since it was acknowledged, and left unfinished again: that alerts anew
                        findings.setStatus(finding.key(), "OPEN");
                    }
                    log.error(finding.message());
                }
                findings.record(finding, run);
            });
        } catch (RuntimeException e) {
            log.error("Execution {} could not be looked at for being left unfinished", last.getId(), e);
        }
    }

    /** The execution a stored finding named at its latest sighting; null if its evidence names none. */
    private static Long executionOf(FindingRepository.Stored stored) {
        return stored.evidence() != null
                        && stored.evidence().get("numbers") instanceof Map<?, ?> numbers
                        && numbers.get("execution") instanceof Number execution
                ? execution.longValue()
                : null;
    }

    /** The key of the finding of a run: one per run, whichever of its executions is the last. */
    public static String key(long run) {
        return "unfinished-run:" + run;
    }

    private static long runOf(String key) {
        return Long.parseLong(key.substring(key.indexOf(':') + 1));
    }

    /** Whether the run's last execution completed or was abandoned, or the run is gone from the job repository. */
    private boolean ended(long run) {
        List<String> status = jdbc.queryForList(
                "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ? ORDER BY JOB_EXECUTION_ID DESC",
                String.class,
                run);
        return status.isEmpty()
                || status.get(0).equals(BatchStatus.COMPLETED.name())
                || status.get(0).equals(BatchStatus.ABANDONED.name());
    }

    /** The last executions of the other nightly runs, and of the rerates, that neither completed nor were abandoned. */
    private List<JobExecution> lastUnfinishedExecutions(long run) {
        List<Long> ids = jdbc.queryForList(
                "SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON"
                        + " i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE i.JOB_NAME IN (?, ?) AND i.JOB_INSTANCE_ID <> ?"
                        + " AND e.STATUS NOT IN ('COMPLETED', 'ABANDONED') AND e.JOB_EXECUTION_ID = (SELECT"
                        + " MAX(x.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION x WHERE x.JOB_INSTANCE_ID ="
                        + " i.JOB_INSTANCE_ID) ORDER BY e.JOB_EXECUTION_ID",
                Long.class,
                NightlyBillingJobConfiguration.NIGHTLY_BILLING_JOB,
                RerateJobConfiguration.RERATE_JOB,
                run);
        return ids.stream()
                .map(jobRepository::getJobExecution)
                .filter(Objects::nonNull)
                .filter(last -> !rerateDoneSince(last.getJobInstance().getInstanceId()))
                .toList();
    }

    /**
     * Whether {@code run} is a rerate whose days a later rerate, which completed, covers: that one marked and rated
     * every hour of them at a catalog as new, so nothing is left for this one's restart ({@code prices rerate} again
     * starts a run of its own rather than resuming the unfinished one).
     */
    private boolean rerateDoneSince(long run) {
        Long later = jdbc.queryForObject(
                "SELECT COUNT(*) FROM BATCH_JOB_INSTANCE i JOIN BATCH_JOB_EXECUTION e ON e.JOB_INSTANCE_ID ="
                        + " i.JOB_INSTANCE_ID AND e.STATUS = 'COMPLETED' JOIN BATCH_JOB_EXECUTION_PARAMS f ON"
                        + " f.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND f.PARAMETER_NAME = ? JOIN"
                        + " BATCH_JOB_EXECUTION_PARAMS t ON t.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND"
                        + " t.PARAMETER_NAME = ? WHERE i.JOB_NAME = ? AND i.JOB_INSTANCE_ID > ?"
                        + " AND f.PARAMETER_VALUE <= (" + RERATE_DAY + ") AND t.PARAMETER_VALUE >= (" + RERATE_DAY
                        + ")",
                Long.class,
                RerateJobConfiguration.FROM,
                RerateJobConfiguration.TO,
                RerateJobConfiguration.RERATE_JOB,
                run,
                run,
                RerateJobConfiguration.FROM,
                RerateJobConfiguration.RERATE_JOB,
                run,
                RerateJobConfiguration.TO,
                RerateJobConfiguration.RERATE_JOB);
        return later != null && later > 0;
    }

    /** {@link #why(JobExecution, Instant, Optional)} of a run without a lease. */
    static Optional<String> why(JobExecution last, Instant now) {
        return why(last, now, Optional.empty());
    }

    /**
     * Why a run's last execution is unfinished; empty while a process may still be running it.
     *
     * @param lease the lease of its process, of another host, if it has one: renewed, the process is alive; lapsed,
     *     it is gone; without one, an hour of silence tells
     */
    static Optional<String> why(JobExecution last, Instant now, Optional<RunLeases.Lease> lease) {
        if (last.getStatus() == BatchStatus.COMPLETED || last.getStatus() == BatchStatus.ABANDONED) {
            // it ended as the runs left unfinished were looked for (hunt EK: runs ending in the same second named one
            // that had "ended COMPLETED" as unfinished)
            return Optional.empty();
        }
        if (!last.getStatus().isRunning()) {
            return Optional.of("ended " + last.getStatus()
                    + (last.getEndTime() == null ? "" : " at " + instantOf(last.getEndTime(), last))
                    + " and was not resumed");
        }
        if (last.getStartTime() == null || RunOwnerListener.ownerIsAliveHere(last)) {
            // one not begun (waiting for a thread of its process's pool) has registered no file: a later run reads
            // its files, so nothing of them is lost however its process ends
            return Optional.empty();
        }
        if (RunOwnerListener.ownerIsGone(last)) {
            return Optional.of("is marked " + last.getStatus() + ", but the process of this host that ran it is gone"
                    + " (killed or crashed)");
        }
        if (lease.isPresent()) {
            return lease.get().lapsed()
                    ? Optional.of("is marked " + last.getStatus() + ", but " + host(last) + " has not renewed its"
                            + " lease since " + lease.get().renewedAt() + ", over "
                            + RunLeases.LAPSES_AFTER.toMinutes() + " minutes, so it is taken to be gone (killed or"
                            + " crashed)")
                    : Optional.empty();
        }
        Instant changed = lastChange(last);
        if (changed != null && changed.isAfter(now.minus(SILENT_FOR))) {
            return Optional.empty();
        }
        return Optional.of("is marked " + last.getStatus() + ", but "
                + (changed == null
                        ? "no change of it is dated"
                        : "nothing of it has changed since " + changed + ", over " + SILENT_FOR.toMinutes()
                                + " minutes")
                + ", so " + host(last) + " is taken to be gone (killed or crashed)");
    }

    /**
     * A time of the job repository as an instant, to the second: its owner stamped it in its zone (remote workers
     * stamp their steps in theirs, so they should run in the same zone).
     */
    private static Instant instantOf(LocalDateTime time, JobExecution execution) {
        // a local time the zone repeats (the hour clocks go back) is taken as the later: a run is not named silent
        // for an hour it may have been writing in
        return time.atZone(RunOwnerListener.zoneOf(execution))
                .withLaterOffsetAtOverlap()
                .toInstant()
                .truncatedTo(ChronoUnit.SECONDS);
    }

    /** The process an execution records as its owner, as the finding names it. */
    private static String host(JobExecution execution) {
        return execution.getExecutionContext().containsKey(RunOwnerListener.HOST)
                ? "its process on " + execution.getExecutionContext().getString(RunOwnerListener.HOST)
                : "its process";
    }

    /** The last change the job repository holds of an execution or any of its steps; null if none is dated. */
    private static Instant lastChange(JobExecution execution) {
        LocalDateTime last = execution.getLastUpdated();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getLastUpdated() != null
                    && (last == null || step.getLastUpdated().isAfter(last))) {
                last = step.getLastUpdated();
            }
        }
        return last == null ? null : instantOf(last, execution);
    }

    /** @param gone whether its process is known to be gone: a run of its day resumes it */
    private static Finding finding(JobExecution last, String why, boolean gone) {
        long run = last.getJobInstance().getInstanceId();
        String restart = "'tokentally restart " + last.getId() + "'";
        String message;
        if (last.getJobInstance().getJobName().equals(RerateJobConfiguration.RERATE_JOB)) {
            // only its restart rates its hours: prices rerate again is a run of its own
            message = "The rerate of " + last.getJobParameters().getString(RerateJobConfiguration.FROM) + " to "
                    + last.getJobParameters().getString(RerateJobConfiguration.TO) + " (run " + run + ", execution "
                    + last.getId() + ") " + why + ". Its days may be rated again only in part: no nightly run rates"
                    + " the hours it marked (what it did rate, the next nightly run sends to Stripe). "
                    + advice(last, gone, "rated and sent", "Run " + restart, "")
                    + ". A later rerate of all these days that completes resolves it too. If the days are to stay as"
                    + " they are, acknowledge this finding.";
        } else {
            String date = last.getJobParameters().getString(BillingJobParameters.DATE);
            message = "The run of " + date + " (run " + run + ", execution " + last.getId() + ") " + why + ". Its day"
                    + " may be billed only in part: the files it registered only it reads, and what it read but did"
                    + " not rate no other run rates. "
                    + advice(
                            last,
                            gone,
                            "billed of the day",
                            "Run " + date + " again (or " + restart + ")",
                            " and bills the rest")
                    + ". If the day is to stay as it is, acknowledge this finding.";
        }
        return new Finding(
                key(run),
                KIND,
                Finding.Severity.ERROR,
                message,
                new Evidence().number("run", run).number("execution", last.getId()));
    }

    /**
     * How to finish a run left unfinished, or what to do when it cannot be.
     *
     * @param gone whether its process, of another host, is known to be gone by its lapsed lease
     * @param done what a check by hand looks at: what the run "billed of the day"
     * @param resume the command that resumes an ended run
     * @param rest what the resumed run does besides resuming: " and bills the rest"
     */
    private static String advice(JobExecution last, boolean gone, String done, String resume, String rest) {
        String resumes = "it resumes where it stopped" + rest + ", and this finding is resolved";
        if (last.getStatus() == BatchStatus.UNKNOWN) {
            return "Spring Batch could not record how it ended, so it cannot be resumed: check what it " + done
                    + " by hand";
        }
        if (last.getStatus().isRunning() && !gone && !RunOwnerListener.ownerIsGone(last)) {
            // a run of the date is refused while another host's execution is marked running
            return "If that process is still running, wait: this finding is resolved when the run completes. If it is"
                    + " gone, run 'tokentally restart " + last.getId() + "': " + resumes;
        }
        return resume + ": " + resumes;
    }
}
