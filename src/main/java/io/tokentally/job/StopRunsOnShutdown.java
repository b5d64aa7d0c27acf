package io.tokentally.job;

import static io.tokentally.shared.DurationSettings.NOT_NEGATIVE;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.validator.constraints.time.DurationMin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Graceful stop: when the application context closes (SIGTERM, Ctrl-C, a Kubernetes pod stopping), the
 * runs this process is executing are asked to stop ({@link RunStops}) and given a bounded
 * time to reach a chunk boundary. A stopped run is STOPPED in the job repository and restarts where it
 * stopped; one that does not stop in time is left to the crash recovery of {@code run} and {@code restart}.
 * It stops before the web server, the task executors and the database pool (highest lifecycle phase).
 */
@Component
@EnableConfigurationProperties(StopRunsOnShutdown.ShutdownProperties.class)
public class StopRunsOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StopRunsOnShutdown.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final RunStops runStops;
    private final JobRepository jobRepository;
    private final ShutdownProperties properties;
    private final RunningJobs runningJobs;
    private volatile boolean running;
    private volatile boolean closing;

    /**
     * @param stopTimeout how long a closing process waits for its runs to stop
     */
    @Validated
    @ConfigurationProperties("tokentally.shutdown")
    public record ShutdownProperties(
            @DefaultValue("60s") @NotNull @DurationMin(millis = 0, message = NOT_NEGATIVE)
            Duration stopTimeout) {}

    public StopRunsOnShutdown(
            RunStops runStops, JobRepository jobRepository, ShutdownProperties properties, RunningJobs runningJobs) {
        this.runStops = runStops;
        this.jobRepository = jobRepository;
        this.properties = properties;
        this.runningJobs = runningJobs;
    }

    @Override
    public void start() {
        running = true;
        closing = false;
    }

    /**
     * Whether this process is closing: from the moment it asks its runs to stop, it starts none (its run threads are
     * about to go, and a run handed to them would be refused and left FAILED).
     */
    public boolean closing() {
        return closing;
    }

    /** From now on this process starts no run; {@link #stop} begins with it, and {@link #start} ends it. */
    public void beginClosing() {
        closing = true;
    }

    /**
     * Asks every run of this process to stop and waits until none is executing, looking again on every poll:
     * a run that was waiting for a free thread and starts meanwhile is stopped too. It waits for the runs'
     * threads, not for the repository: a stopped run is marked STOPPED at once, while its steps (file
     * partitions on threads of their own) are still finishing, and closing the database under them left
     * their step executions STARTED, which no restart accepts.
     */
    @Override
    public void stop() {
        beginClosing();
        running = false;
        Set<Long> asked = new HashSet<>();
        long polls = Math.max(1, properties.stopTimeout().toMillis() / POLL.toMillis());
        for (long poll = 0; poll < polls; poll++) {
            List<JobExecution> owned = runningInThisProcess();
            if (owned.isEmpty() && runningJobs.count() == 0) {
                if (!asked.isEmpty()) {
                    log.info("All runs of this process stopped; they can be restarted");
                }
                return;
            }
            owned.stream().filter(execution -> asked.add(execution.getId())).forEach(this::requestStop);
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn(
                "{} run(s) of this process did not end within {} (executions asked to stop: {}); restart them with"
                        + " 'tokentally restart' or the API",
                runningJobs.count(),
                properties.stopTimeout(),
                asked);
    }

    private List<JobExecution> runningInThisProcess() {
        List<JobExecution> owned = new ArrayList<>();
        for (String job : jobRepository.getJobNames()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(job)) {
                if (RunOwnerListener.ownedByThisProcess(execution)) {
                    owned.add(execution);
                }
            }
        }
        return owned;
    }

    private void requestStop(JobExecution execution) {
        try {
            log.warn("Shutting down: stopping execution {} so it can be restarted", execution.getId());
            runStops.ask(execution);
        } catch (Exception e) {
            log.error("Could not stop execution {}: {}", execution.getId(), e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
