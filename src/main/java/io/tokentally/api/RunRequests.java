package io.tokentally.api;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.job.InputSpecs;
import io.tokentally.job.NightlyBillingJobConfiguration;
import io.tokentally.job.ReferenceFiles;
import io.tokentally.job.RunReportListener;
import io.tokentally.job.RunStops;
import io.tokentally.schedule.JobSchedule;
import io.tokentally.schedule.JobSchedules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Profile;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Service;

/**
 * What the API's calls do, over {@link BillingRuns} and the job operator: each call checks the state of
 * the window or execution first and refuses with a 404 or 409 problem that says what to do instead.
 */
@Service
@Profile("serve")
class RunRequests {

    private static final String JOB = NightlyBillingJobConfiguration.NIGHTLY_BILLING_JOB;

    private final BillingRuns runs;
    private final JobRepository jobRepository;
    private final RunStops runStops;
    private final ObjectProvider<JobSchedules> schedules;
    private final Clock clock;

    RunRequests(
            BillingRuns runs,
            JobRepository jobRepository,
            RunStops runStops,
            ObjectProvider<JobSchedules> schedules,
            Clock clock) {
        this.runs = runs;
        this.jobRepository = jobRepository;
        this.runStops = runStops;
        this.schedules = schedules;
        this.clock = clock;
    }

    /** Starts the first run of a window; a window that already has one is a conflict. */
    JobExecution start(String job, StartRequest request) throws Exception {
        BillingJobParameters parameters = parameters(job, request, false);
        refuseIfRunning(parameters, job, false);
        Optional<JobExecution> started;
        try {
            started = runs.startFirst(parameters);
        } catch (ReferenceFiles.Invalid e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        return started.orElseThrow(() -> {
            JobExecution last =
                    jobRepository.getLastJobExecution(jobRepository.getJobInstance(JOB, parameters.toJobParameters()));
            if (last != null && last.getStatus().isRunning()) {
                // another start of the window won the race a moment ago: its run is under way, not over
                return running(last, parameters.date().toString(), job, runs.processGone(last));
            }
            return ApiProblem.conflict("window " + parameters.date() + " was already run (execution "
                    + (last == null ? "?" : last.getId() + ", " + last.getStatus())
                    + "); POST /api/jobs/" + job + "/reruns to run it again, or restart a failed execution");
        });
    }

    /**
     * Runs a window again on purpose: its last run, if failed or stopped, or still marked running by a process known
     * to be gone, is restarted; otherwise the next rerun starts, which picks up only what changed.
     */
    JobExecution rerun(String job, StartRequest request) throws Exception {
        BillingJobParameters parameters = parameters(job, request, true);
        refuseIfRunning(parameters, job, true);
        return run(parameters);
    }

    /** Restarts a failed or stopped execution; {@code force} first recovers one whose process died. */
    JobExecution restart(long executionId, boolean force) throws Exception {
        JobExecution execution = execution(executionId);
        BatchStatus status = execution.getStatus();
        if (status.isRunning() && !force) {
            throw ApiProblem.conflict("execution " + executionId + " is " + status + "; stop it first, or, if the"
                    + " process running it died, POST /api/executions/" + executionId + "/restart?force=true");
        }
        if (status == BatchStatus.COMPLETED || status == BatchStatus.ABANDONED) {
            throw ApiProblem.conflict("execution " + executionId + " is " + status + " and cannot be restarted;"
                    + " POST /api/jobs/" + RunReportListener.JOB_NAME + "/reruns to run its window again");
        }
        List<String> stepsRunning = BillingRuns.runningSteps(execution);
        if (!stepsRunning.isEmpty() && !force) {
            // another replica may still be ending them: restarting here would run the execution twice
            throw ApiProblem.conflict("execution " + executionId + " is " + status + " but its steps " + stepsRunning
                    + " are still marked running; wait for them to end, or, if the process running them died, POST"
                    + " /api/executions/" + executionId + "/restart?force=true");
        }
        return runs.restart(executionId);
    }

    /** Asks a running execution to stop at its next chunk boundary; it can be restarted afterwards. */
    JobExecution stop(long executionId) throws Exception {
        JobExecution execution = execution(executionId);
        if (!execution.getStatus().isRunning()) {
            throw ApiProblem.conflict("execution " + executionId + " is " + execution.getStatus() + ", not running");
        }
        runStops.ask(execution);
        return execution(executionId);
    }

    JobExecution execution(long executionId) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(executionId);
        } catch (EmptyResultDataAccessException e) {
            execution = null;
        }
        if (execution == null) {
            throw ApiProblem.notFound("no job execution " + executionId);
        }
        String job = execution.getJobInstance().getJobName();
        if (!JOB.equals(job)) {
            throw ApiProblem.notFound("job execution " + executionId + " is one of " + job + "; this API serves "
                    + RunReportListener.JOB_NAME + " runs only");
        }
        return execution;
    }

    /** The run's latest execution, when a later one than {@code execution} resumed it. */
    Optional<Long> resumedBy(JobExecution execution) {
        JobExecution latest = jobRepository.getLastJobExecution(execution.getJobInstance());
        return latest != null && latest.getId() > execution.getId() ? Optional.of(latest.getId()) : Optional.empty();
    }

    /** The newest executions of a job, newest first. */
    List<JobExecution> executions(String job, int limit) {
        requireKnown(job);
        if (limit < 1 || limit > 500) {
            throw ApiProblem.badRequest("limit must be between 1 and 500");
        }
        return jobRepository.getJobInstances(JOB, 0, limit).stream()
                .flatMap(instance -> jobRepository.getJobExecutions(instance).stream())
                .sorted(Comparator.comparingLong(JobExecution::getId).reversed())
                .limit(limit)
                .toList();
    }

    /**
     * Refuses a start or rerun of a window whose run is going; one still marked running by a process known to be gone
     * is left to a rerun, which resumes it, and a start is told so.
     */
    private void refuseIfRunning(BillingJobParameters parameters, String job, boolean resumesGone) {
        String date = parameters.date().toString();
        for (JobExecution running : jobRepository.findRunningJobExecutions(JOB)) {
            if (date.equals(running.getJobParameters().getString(BillingJobParameters.DATE))) {
                boolean gone = runs.processGone(running);
                if (!(resumesGone && gone)) {
                    throw running(running, date, job, gone);
                }
            }
        }
    }

    /** @param gone whether the process that runs it is known to be gone ({@link BillingRuns#processGone}) */
    private static ApiProblem running(JobExecution running, String date, String job, boolean gone) {
        if (gone) {
            return ApiProblem.conflict("execution " + running.getId() + " of window " + date + " is marked "
                    + running.getStatus() + " but the process that ran it is gone; POST /api/jobs/" + job
                    + "/reruns to resume it");
        }
        return ApiProblem.conflict("execution " + running.getId() + " of window " + date + " is " + running.getStatus()
                + "; wait for it or stop it");
    }

    /**
     * The run's parameters: what the request gives, else the job's file in jobs/, else, for a rerun, what the
     * window's last run read.
     */
    private BillingJobParameters parameters(String job, StartRequest request, boolean rerun) {
        requireKnown(job);
        if (request != null) {
            ApiProblem.refuseUnknownFields(request.unknown(), StartRequest.FIELDS);
        }
        if (request == null || request.date() == null) {
            throw ApiProblem.badRequest("'date' (the UTC day of usage, YYYY-MM-DD) is required");
        }
        LocalDate date = date(request.date());
        BillingJobParameters.notYetBegun(date, clock).ifPresent(why -> {
            throw ApiProblem.badRequest("'date' " + why);
        });
        Optional<JobSchedule> defaults =
                Optional.ofNullable(schedules.getIfAvailable()).flatMap(all -> all.forJob(job));
        Optional<BillingJobParameters> lastRun = rerun ? runs.lastParameters(date) : Optional.empty();
        if (rerun && lastRun.isEmpty()) {
            throw ApiProblem.notFound(
                    "window " + date + " has never run; POST /api/jobs/" + job + "/executions to start it");
        }
        Fallbacks fallback = new Fallbacks(defaults, lastRun);
        if (request.input() != null && request.input().isEmpty()) { // not left out: it names no source
            throw ApiProblem.badRequest("'input' is an empty list: name at least one source, or leave 'input' out to"
                    + " take the job's file's (or, for a rerun, the last run's)");
        }
        if (request.input() != null && request.input().stream().anyMatch(Objects::isNull)) {
            throw ApiProblem.badRequest("'input' holds a null: each source is text, as the command line's --input");
        }
        List<String> inputs = request.input() != null
                ? request.input()
                : fallback.of(JobSchedule::inputs, BillingJobParameters::inputs).orElseThrow(() -> missing("input"));
        List<String> sources = inputs.stream().map(RunRequests::checkedInput).toList();
        return new BillingJobParameters(
                date,
                0,
                sources,
                file(
                        "customers",
                        request.customers(),
                        fallback.of(JobSchedule::customers, BillingJobParameters::customers)),
                file("plans", request.plans(), fallback.of(JobSchedule::plans, BillingJobParameters::plans)),
                file("prices", request.prices(), fallback.of(JobSchedule::prices, BillingJobParameters::prices)));
    }

    /** Where a parameter the request leaves out comes from: the job's file in jobs/, else the window's last run. */
    private record Fallbacks(Optional<JobSchedule> schedule, Optional<BillingJobParameters> lastRun) {

        <T> Optional<T> of(Function<JobSchedule, T> fromSchedule, Function<BillingJobParameters, T> fromLastRun) {
            return schedule.map(fromSchedule).or(() -> lastRun.map(fromLastRun));
        }
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("'date' must be the UTC day of usage as YYYY-MM-DD, not '" + text + "'");
        }
    }

    private JobExecution run(BillingJobParameters parameters) throws Exception {
        try {
            return runs.run(parameters);
        } catch (ReferenceFiles.Invalid e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
    }

    /** The input as the run keeps it ({@link InputSpecs#absolute}), once its folder, if it has one, is found. */
    private static String checkedInput(String spec) {
        try {
            InputSpecs.folder(spec).ifPresent(folder -> {
                if (!Files.isDirectory(folder)) {
                    throw ApiProblem.badRequest("input folder " + folder + " does not exist on the server");
                }
            });
            return InputSpecs.absolute(spec);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("input '" + spec + "': " + e.getMessage());
        }
    }

    private static Path file(String name, String given, Optional<Path> fallback) {
        Path path = given != null ? Paths.get(given) : fallback.orElseThrow(() -> missing(name));
        if (!Files.isRegularFile(path)) {
            throw ApiProblem.badRequest(name + " file " + path + " does not exist on the server");
        }
        return path;
    }

    private static ApiProblem missing(String name) {
        return ApiProblem.badRequest("'" + name + "' is required: the job has no file in jobs/ to take it from (a"
                + " process started with --no-scheduler reads no jobs/ files)");
    }

    static void requireKnown(String job) {
        if (!RunReportListener.JOB_NAME.equals(job)) {
            throw ApiProblem.notFound("unknown job '" + job + "'; known jobs: " + RunReportListener.JOB_NAME);
        }
    }
}
