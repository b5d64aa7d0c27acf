package io.tokentally.job;

import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Service;

/**
 * Starts nightly runs the way an operator expects: a new window starts; a window whose last run
 * failed or stopped, or whose process died (killed, on this host), is restarted where it stopped; a
 * window that completed is run again as a deliberate rerun (the next rerun counter), which only
 * picks up what changed.
 */
@Service
public class BillingRuns {

    private static final Logger log = LoggerFactory.getLogger(BillingRuns.class);
    private static final Set<BatchStatus> RESTARTABLE = EnumSet.of(BatchStatus.FAILED, BatchStatus.STOPPED);
    /** How long a run found without an execution is waited for: another process may be creating it. */
    private static final Duration EXECUTION_WAIT = Duration.ofSeconds(2);

    private static final Duration EXECUTION_POLL = Duration.ofMillis(50);
    private static final int START_ATTEMPTS = 3;

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job nightlyBillingJob;
    private final ReferenceFiles referenceFiles;
    private final StopRunsOnShutdown shutdown;
    private final RunOwnerListener owners;
    private final RunReportListener reports;
    private final Object starting = new Object();

    public BillingRuns(
            JobOperator jobOperator,
            JobRepository jobRepository,
            Job nightlyBillingJob,
            ReferenceFiles referenceFiles,
            StopRunsOnShutdown shutdown,
            RunOwnerListener owners,
            RunReportListener reports) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.nightlyBillingJob = nightlyBillingJob;
        this.referenceFiles = referenceFiles;
        this.shutdown = shutdown;
        this.owners = owners;
        this.reports = reports;
    }

    /**
     * Starts, restarts or reruns the window of {@code parameters}.
     *
     * @throws ReferenceFiles.Invalid before a new run starts, when its prices, plans or customers file has a
     *     fault or an S3 input cannot be listed for good (a restart reads the files and inputs its execution started
     *     with, in its own steps)
     */
    public JobExecution run(BillingJobParameters parameters) throws Exception {
        // one start at a time in this process (the API, schedules and the drop watcher), so that two starts of a
        // window never both find it unstarted; between processes, the job repository's keys tell (startNew)
        synchronized (starting) {
            refuseWhileClosing();
            long rerun = parameters.rerun();
            while (true) {
                JobParameters jobParameters = parameters.withRerun(rerun).toJobParameters();
                JobInstance instance = jobRepository.getJobInstance(nightlyBillingJob.getName(), jobParameters);
                if (instance == null) {
                    return startNew(parameters, jobParameters, rerun);
                }
                Optional<JobExecution> last = lastExecutionOf(jobRepository, instance);
                if (last.isEmpty()) {
                    log.warn(
                            "Run {} of window {} has no execution (its start failed, or its process died starting"
                                    + " it); going on to the window's next rerun",
                            instance.getInstanceId(),
                            parameters.date());
                }
                if (last.isPresent() && RESTARTABLE.contains(last.get().getStatus())) {
                    return restartStopped(parameters, jobParameters, last.get());
                }
                if (last.isPresent() && last.get().getStatus().isRunning()) {
                    return resumeRunning(parameters, jobParameters, last.get());
                }
                rerun++;
            }
        }
    }

    /**
     * Starts the first run of a window, or none if the window has one: under the same turn as {@link #run}, so that
     * a start waiting for its turn does not become a rerun of the run before it.
     */
    public Optional<JobExecution> startFirst(BillingJobParameters parameters) throws Exception {
        synchronized (starting) {
            refuseWhileClosing();
            JobParameters jobParameters = parameters.toJobParameters();
            if (jobRepository.getJobInstance(nightlyBillingJob.getName(), jobParameters) != null) {
                return Optional.empty();
            }
            return Optional.of(startNew(parameters, jobParameters, parameters.rerun()));
        }
    }

    /**
     * The last execution of a run, waiting briefly for one that another process is creating (Spring Batch stores a
     * run and its first execution in two transactions); empty for a run left without any, by a process that died
     * between the two or a start that failed at the second. A run of any job (a price sync's too).
     */
    static Optional<JobExecution> lastExecutionOf(JobRepository jobRepository, JobInstance instance)
            throws InterruptedException {
        long deadline = System.nanoTime() + EXECUTION_WAIT.toNanos();
        while (true) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last != null || System.nanoTime() - deadline > 0) {
                return Optional.ofNullable(last);
            }
            Thread.sleep(EXECUTION_POLL.toMillis());
        }
    }

    /** @throws ShuttingDown once this process has begun to close */
    private void refuseWhileClosing() {
        if (shutdown.closing()) {
            throw new ShuttingDown("this process is shutting down and starts no run; start it on another replica, or"
                    + " once this one is back");
        }
    }

    /** A start refused because the process is closing: the API's 503. */
    public static final class ShuttingDown extends IllegalStateException {

        public ShuttingDown(String message) {
            super(message);
        }
    }

    /**
     * A start refused because a run of its window is under way or being started: the API's 409. An {@link
     * IllegalStateException}, as before, for the command line, schedules and the drop watcher.
     */
    public static final class WindowBusy extends IllegalStateException {

        WindowBusy(String message) {
            super(message);
        }

        WindowBusy(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Starts the window's run with this rerun counter, once its reference files check out. Another process that
     * starts it at the same moment wins the job repository's key; this start is then refused.
     */
    private JobExecution startNew(BillingJobParameters parameters, JobParameters jobParameters, long rerun)
            throws Exception {
        referenceFiles.check(parameters);
        if (rerun > parameters.rerun()) {
            log.info(
                    "Window {} has run already (completed, abandoned or never begun); starting rerun #{}",
                    parameters.date(),
                    rerun);
        } else if (rerun > 0) {
            // asked for (--rerun), whatever became of the runs before it (hunt DJ: said completed of a failed one)
            log.info("Starting rerun #{} of window {}, as asked", rerun, parameters.date());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return owners.handedOver(jobOperator.start(nightlyBillingJob, jobParameters));
            } catch (DuplicateKeyException | ConcurrencyFailureException | IllegalStateException e) {
                JobInstance instance = jobRepository.getJobInstance(nightlyBillingJob.getName(), jobParameters);
                if (instance != null && lastExecutionOf(jobRepository, instance).isPresent()) {
                    throw new WindowBusy(
                            "window " + parameters.date() + " was started by another process at the same moment;"
                                    + " wait for its run",
                            e);
                }
                // a serialization failure of the repository's inserts (PostgreSQL's, beside another window's start)
                // is tried again; anything else is the start's own failure
                if (!(e instanceof ConcurrencyFailureException) || instance != null || attempt == START_ATTEMPTS) {
                    throw e;
                }
                log.info("Starting window {} again after the job repository's {}", parameters.date(), e.getMessage());
            }
        }
    }

    /**
     * Restarts a failed or stopped execution where it stopped, unless steps of it are still marked running
     * by a process that is not known to be gone.
     */
    private JobExecution restartStopped(BillingJobParameters parameters, JobParameters jobParameters, JobExecution last)
            throws Exception {
        List<String> stillRunning = runningSteps(last);
        if (!stillRunning.isEmpty() && !owners.ownerGone(last)) {
            throw new WindowBusy("execution " + last.getId() + " of window " + parameters.date()
                    + " is " + last.getStatus() + " but its steps " + stillRunning
                    + " are still marked running; wait for its process to end them, or, if it died, run"
                    + " 'tokentally restart " + last.getId() + "'");
        }
        log.info("Restarting execution {} of window {} where it stopped", last.getId(), parameters.date());
        warnOfParametersNotTaken(last, jobParameters);
        return restart(last.getId());
    }

    /**
     * Resumes an execution still marked running whose process is gone; refuses one whose process is alive on
     * this host, or not known to be gone.
     */
    private JobExecution resumeRunning(BillingJobParameters parameters, JobParameters jobParameters, JobExecution last)
            throws Exception {
        if (owners.ownerGone(last)) {
            log.warn(
                    "Execution {} of window {} is marked {} but the process that ran it is gone; resuming it",
                    last.getId(),
                    parameters.date(),
                    last.getStatus());
            warnOfParametersNotTaken(last, jobParameters);
            return restart(last.getId());
        }
        if (RunOwnerListener.ownerIsAliveHere(last)) {
            throw new WindowBusy("execution " + last.getId() + " of window " + parameters.date()
                    + " is still being run by process "
                    + last.getExecutionContext().getLong(RunOwnerListener.PID)
                    + " on this host; wait for it to end");
        }
        throw new WindowBusy("execution " + last.getId() + " of window " + parameters.date()
                + " is still marked " + last.getStatus() + " (run by another process, or not begun yet); wait for it"
                + " or, if its process died, run"
                + " 'tokentally restart " + last.getId() + "'");
    }

    /** The parameters of the latest execution of a window's latest run (its last rerun), if it has run. */
    public Optional<BillingJobParameters> lastParameters(LocalDate date) {
        return lastExecution(date).map(JobExecution::getJobParameters).map(BillingJobParameters::of);
    }

    /** The latest execution of a window's latest run (its last rerun), if it has run. */
    public Optional<JobExecution> lastExecution(LocalDate date) {
        JobExecution latest = null;
        for (long rerun = 0; ; rerun++) {
            JobInstance instance = jobRepository.getJobInstance(
                    nightlyBillingJob.getName(),
                    new JobParametersBuilder()
                            .addString(BillingJobParameters.DATE, date.toString())
                            .addLong(BillingJobParameters.RERUN, rerun)
                            .toJobParameters());
            if (instance == null) {
                return Optional.ofNullable(latest);
            }
            JobExecution last = jobRepository.getLastJobExecution(instance);
            latest = last != null ? last : latest;
        }
    }

    /** Whether a run ended failed or stopped, so that a start of its window restarts it where it stopped. */
    public static boolean endedUnfinished(JobExecution execution) {
        return RESTARTABLE.contains(execution.getStatus());
    }

    /** Whether the run of {@code execution} was restarted before: it has other executions. */
    public boolean restartedBefore(JobExecution execution) {
        return jobRepository.getJobExecutions(execution.getJobInstance()).size() > 1;
    }

    /**
     * Whether the process of an execution still marked running is known to be gone: one of this host that no longer
     * exists, or one of another host whose lease has lapsed. A run of its window resumes such an execution.
     */
    public boolean processGone(JobExecution execution) {
        return owners.ownerGone(execution);
    }

    /** The names of an execution's steps still marked running. */
    public static List<String> runningSteps(JobExecution execution) {
        return execution.getStepExecutions().stream()
                .filter(step -> step.getStatus().isRunning())
                .map(StepExecution::getStepName)
                .toList();
    }

    /** A restart reads the files its execution started with: says so when the ones given now differ. */
    private static void warnOfParametersNotTaken(JobExecution last, JobParameters given) {
        for (String name : List.of(
                BillingJobParameters.INPUT,
                BillingJobParameters.CUSTOMERS,
                BillingJobParameters.PLANS,
                BillingJobParameters.PRICES)) {
            String kept = last.getJobParameters().getString(name);
            String ignored = given.getString(name);
            if (!Objects.equals(kept, ignored)) {
                log.warn(
                        "Execution {} restarts with the {} it started with, {}, not {}",
                        last.getId(),
                        name,
                        kept,
                        ignored);
            }
        }
    }

    /**
     * Restarts a failed or stopped execution. An unfinished one, still marked running or with steps still
     * marked running (a process that stopped or died before its file partitions ended), is first marked
     * failed, then restarted, unless the process that ran it is still alive on this host: then it is refused,
     * since taking it over would fail that process's run. A completed run whose process ended while writing its
     * run report has the report written instead.
     */
    public JobExecution restart(long executionId) throws Exception {
        synchronized (starting) {
            return restartInTurn(executionId);
        }
    }

    private JobExecution restartInTurn(long executionId) throws Exception {
        refuseWhileClosing();
        JobExecution execution = execution(executionId);
        if (reportLost(execution)) {
            return reportWrittenNow(execution);
        }
        refuseResumedOrEnded(executionId, execution);
        boolean unfinished =
                execution.getStatus().isRunning() || !runningSteps(execution).isEmpty();
        if (unfinished && RunOwnerListener.ownerIsAliveHere(execution)) {
            throw ownerStillRunning(executionId, execution);
        }
        if (unfinished) {
            execution = recover(executionId, execution);
        }
        return owners.handedOver(jobOperator.restart(execution));
    }

    /** Whether the execution is a nightly run that completed, the latest of its window, without its run report. */
    private boolean reportLost(JobExecution execution) {
        JobExecution latest = jobRepository.getLastJobExecution(execution.getJobInstance());
        return execution.getJobInstance().getJobName().equals(nightlyBillingJob.getName())
                && latest != null
                && latest.getId() == execution.getId()
                && reports.reportLost(execution);
    }

    /**
     * Writes the report a completed run's process did not (it ended while writing it), with the exit status it
     * gives (rejected uploads, open findings), instead of refusing to restart a completed run: nothing else of the
     * run is done again.
     */
    private JobExecution reportWrittenNow(JobExecution execution) {
        log.warn(
                "Execution {} completed, but its process ended before its run report was written; writing the report"
                        + " now",
                execution.getId());
        reports.afterJob(execution);
        jobRepository.update(execution);
        return execution;
    }

    /** The job execution of this id; an unknown id is an {@link IllegalArgumentException}. */
    private JobExecution execution(long executionId) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(executionId);
        } catch (EmptyResultDataAccessException e) {
            execution = null;
        }
        if (execution == null) {
            throw new UnknownExecution(executionId);
        }
        return execution;
    }

    /** An execution id the job repository does not hold. */
    public static final class UnknownExecution extends IllegalArgumentException {

        UnknownExecution(long executionId) {
            super("no job execution " + executionId);
        }
    }

    /** Refuses an execution a later one resumed, and one that completed or was abandoned. */
    private void refuseResumedOrEnded(long executionId, JobExecution execution) throws JobRestartException {
        JobExecution latest = jobRepository.getLastJobExecution(execution.getJobInstance());
        if (latest != null && latest.getId() != executionId) {
            throw new JobRestartException("execution " + executionId + " was resumed by execution " + latest.getId()
                    + ", which is " + latest.getStatus() + "; restart that one if it did not complete");
        }
        if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus() == BatchStatus.ABANDONED) {
            throw new JobRestartException(
                    "execution " + executionId + " is " + execution.getStatus() + "; run its date again to rerun it");
        }
    }

    /** Why an unfinished execution whose process is alive on this host is not restarted. */
    private static JobRestartException ownerStillRunning(long executionId, JobExecution execution) {
        long pid = execution.getExecutionContext().getLong(RunOwnerListener.PID);
        if (execution.getStatus() == BatchStatus.STOPPING || execution.getStatus() == BatchStatus.STOPPED) {
            List<String> steps = runningSteps(execution);
            return new JobRestartException("execution " + executionId + " was stopped, and process " + pid
                    + " on this host is still ending " + (steps.isEmpty() ? "it" : "its steps " + steps)
                    + "; restart it once they have ended");
        }
        return new JobRestartException("execution " + executionId + " is still being run by process " + pid
                + " on this host; wait for it to end, or stop it (SIGTERM stops it cleanly), then restart");
    }

    /** Marks an unfinished execution whose process is taken to be dead failed, so that it can restart. */
    private JobExecution recover(long executionId, JobExecution execution) {
        log.warn(
                "Execution {} is marked {} with steps {} still marked running; treating its process as dead and"
                        + " recovering it",
                executionId,
                execution.getStatus(),
                runningSteps(execution));
        JobExecution recovered = jobOperator.recover(execution);
        // its dead process's lease, if any, tells nothing more: the execution has ended
        owners.forget(recovered);
        return recovered;
    }
}
