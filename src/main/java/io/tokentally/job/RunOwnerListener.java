package io.tokentally.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Records which process runs an execution (host, process id and the process's start) in its execution
 * context, so that a later {@code run} on the same host can tell a crashed execution from one that is still
 * running, and holds the execution's lease while it runs ({@link RunLeases}), by which a process of another host
 * tells one whose process died. It logs the execution's id as the run starts, which a process killed before its
 * run's end never prints otherwise, and which {@code tokentally restart} takes.
 */
@Component
public class RunOwnerListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(RunOwnerListener.class);

    static final String HOST = "owner.host";
    static final String PID = "owner.pid";
    /** When the owner process started (epoch milliseconds): tells it from a later process given the same id. */
    static final String STARTED = "owner.started";
    /**
     * The owner's time zone: Spring Batch stamps the job repository's times as local times of the zone of the
     * process that writes them, so this tells when they were.
     */
    static final String ZONE = "owner.zone";

    private final JobRepository jobRepository;
    private final RunLeases leases;

    public RunOwnerListener(JobRepository jobRepository, RunLeases leases) {
        this.jobRepository = jobRepository;
        this.leases = leases;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        record(execution);
        leases.take(execution.getId());
        log.info(
                "Execution {} of {} started in process {}; should the process die, 'tokentally restart {}' resumes it",
                execution.getId(),
                execution.getJobInstance().getJobName(),
                ProcessHandle.current().pid(),
                execution.getId());
    }

    /**
     * Whether the execution's process is known to be gone: one of this host that no longer exists, or one of another
     * host whose lease has lapsed ({@link RunLeases}).
     */
    boolean ownerGone(JobExecution execution) {
        return ownerIsGone(execution)
                || leaseOf(execution).map(RunLeases.Lease::lapsed).orElse(false);
    }

    /** The lease of an execution run by a process of another host; empty for one of this host, whose process tells. */
    Optional<RunLeases.Lease> leaseOf(JobExecution execution) {
        return localOwner(execution).isPresent() ? Optional.empty() : leases.of(execution.getId());
    }

    /** Whether the execution was run by a process on this host that no longer exists. */
    static boolean ownerIsGone(JobExecution execution) {
        return localOwner(execution).map(owner -> !owner.isAlive()).orElse(false);
    }

    /**
     * Records this process as the owner of an execution handed to the run pool that has not begun (it waits for a
     * free thread), and returns it. A process that closes before it begins drops it, still marked running: the owner
     * then tells the next run of its window on this host that its process is gone, so it is resumed, not refused as
     * another process's; and this process's own stop finds and stops it (it ends as soon as it begins).
     */
    JobExecution handedOver(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.STARTING) {
            record(execution);
            leases.take(execution.getId());
        }
        return execution;
    }

    /** Gives back the execution's lease ({@link RunLeases}): it has ended, completed or not. */
    @Override
    public void afterJob(JobExecution execution) {
        forget(execution);
    }

    /** Drops the lease of an execution that has ended, here or in a process that died. */
    void forget(JobExecution execution) {
        leases.release(execution.getId());
    }

    private void record(JobExecution execution) {
        execution.getExecutionContext().putString(HOST, localHost());
        execution.getExecutionContext().putLong(PID, ProcessHandle.current().pid());
        startOf(ProcessHandle.current())
                .ifPresent(started -> execution.getExecutionContext().putLong(STARTED, started));
        execution.getExecutionContext().putString(ZONE, ZoneId.systemDefault().getId());
        jobRepository.updateExecutionContext(execution);
    }

    /**
     * The zone of the local times the execution's owner stamped in the job repository: the one it recorded, else this
     * process's.
     */
    static ZoneId zoneOf(JobExecution execution) {
        var context = execution.getExecutionContext();
        if (!context.containsKey(ZONE)) {
            return ZoneId.systemDefault();
        }
        try {
            return ZoneId.of(context.getString(ZONE));
        } catch (DateTimeException e) {
            // a zone a newer time-zone database knows: this one's is the nearest guess
            log.warn(
                    "Execution {} records the zone {}, which this process does not know; reading its times in {}",
                    execution.getId(),
                    context.getString(ZONE),
                    ZoneId.systemDefault());
            return ZoneId.systemDefault();
        }
    }

    /** Whether the execution was run by a process on this host that still exists (this one included). */
    static boolean ownerIsAliveHere(JobExecution execution) {
        return localOwner(execution).map(Owner::isAlive).orElse(false);
    }

    /** Whether this process runs the execution. */
    static boolean ownedByThisProcess(JobExecution execution) {
        return localOwner(execution)
                .map(owner -> owner.pid() == ProcessHandle.current().pid())
                .orElse(false);
    }

    /** The owner of an execution on this host: its process id, and when it started if that was recorded. */
    private record Owner(long pid, Long started) {

        /**
         * Whether the process still exists. A process with the same id that started at another time is a later
         * one the system gave the id to (after the owner ended, or after a reboot), so the owner is gone.
         */
        boolean isAlive() {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(process -> started == null
                            || startOf(process).map(started::equals).orElse(true))
                    .orElse(false);
        }
    }

    /** The owner of the execution when it ran on this host; empty for another host or none recorded. */
    private static Optional<Owner> localOwner(JobExecution execution) {
        var context = execution.getExecutionContext();
        if (!context.containsKey(HOST)
                || !context.containsKey(PID)
                || !localHost().equals(context.getString(HOST))) {
            return Optional.empty();
        }
        return Optional.of(
                new Owner(context.getLong(PID), context.containsKey(STARTED) ? context.getLong(STARTED) : null));
    }

    private static Optional<Long> startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
