package io.tokentally.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Records which process runs an execution (host and process id) in its execution context, so that a
 * later {@code run} on the same host can tell a crashed execution from one that is still running.
 */
@Component
public class RunOwnerListener implements JobExecutionListener {

    static final String HOST = "owner.host";
    static final String PID = "owner.pid";

    private final JobRepository jobRepository;

    public RunOwnerListener(JobRepository jobRepository) {
        this.jobRepository = jobRepository;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        execution.getExecutionContext().putString(HOST, localHost());
        execution.getExecutionContext().putLong(PID, ProcessHandle.current().pid());
        jobRepository.updateExecutionContext(execution);
    }

    /** Whether the execution was run by a process on this host that no longer exists. */
    static boolean ownerIsGone(JobExecution execution) {
        return localOwner(execution).map(pid -> !isAlive(pid)).orElse(false);
    }

    /** Whether the execution was run by a process on this host that still exists (this one included). */
    static boolean ownerIsAliveHere(JobExecution execution) {
        return localOwner(execution).map(RunOwnerListener::isAlive).orElse(false);
    }

    /** Whether this process runs the execution. */
    static boolean ownedByThisProcess(JobExecution execution) {
        return localOwner(execution)
                .map(pid -> pid == ProcessHandle.current().pid())
                .orElse(false);
    }

    /** The process id of the execution's owner when it ran on this host; empty for another host or none recorded. */
    private static Optional<Long> localOwner(JobExecution execution) {
        var context = execution.getExecutionContext();
        if (!context.containsKey(HOST)
                || !context.containsKey(PID)
                || !localHost().equals(context.getString(HOST))) {
            return Optional.empty();
        }
        return Optional.of(context.getLong(PID));
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
