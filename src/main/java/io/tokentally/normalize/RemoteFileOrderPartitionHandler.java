package io.tokentally.normalize;

import io.tokentally.shared.BatchTimes;
import io.tokentally.shared.DurationSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.amqp.AmqpException;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.messaging.MessagingException;

/**
 * Sends the file partitions to the worker processes through the {@link PartitionQueue} in registration order (file
 * id), which {@link IngestTurns} relies on as it does for local partitions: the queue hands them out first in, first
 * out, so no partition starts before those of earlier files. The run then polls the job repository until every
 * partition has ended, every {@value #POLL_MILLIS} ms, for at most {@code timeout}; there is no reply queue. When the
 * broker refuses a partition or the wait times out, the partitions no worker has started are failed in the
 * repository, so the run can be restarted at once (those under way stop as they see the run failed).
 */
final class RemoteFileOrderPartitionHandler extends MessageChannelPartitionHandler {

    static final long POLL_MILLIS = 1000;

    private final JobRepository jobRepository;
    private final Clock clock;
    private final Duration timeout;

    /** A handler ready to use: Spring Batch's checks done, and polling set up (they happen as it is initialized). */
    static RemoteFileOrderPartitionHandler of(
            PartitionQueue queue,
            JobRepository jobRepository,
            Clock clock,
            String stepName,
            int gridSize,
            Duration timeout) {
        RemoteFileOrderPartitionHandler handler =
                new RemoteFileOrderPartitionHandler(queue, jobRepository, clock, stepName, gridSize, timeout);
        try {
            handler.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException("the remote partition handler could not be set up", e);
        }
        return handler;
    }

    private RemoteFileOrderPartitionHandler(
            PartitionQueue queue,
            JobRepository jobRepository,
            Clock clock,
            String stepName,
            int gridSize,
            Duration timeout) {
        this.jobRepository = jobRepository;
        this.clock = clock;
        this.timeout = timeout;
        DirectChannel requests = new DirectChannel();
        requests.subscribe(message -> {
            StepExecutionRequest request = (StepExecutionRequest) message.getPayload();
            StepExecution partition = jobRepository.getStepExecution(request.getStepExecutionId());
            queue.send(request, partition.getJobExecutionId(), partition.getCreateTime());
        });
        setMessagingOperations(new MessagingTemplate(requests));
        setJobRepository(jobRepository);
        setPollInterval(POLL_MILLIS);
        setTimeout(timeout.toMillis());
        setStepName(stepName);
        setGridSize(gridSize);
    }

    /**
     * Sends the partitions in file order and waits for them; then brings the run's own copies of them (those it
     * created, which workers never see) up to date with the repository, for the listeners that read them.
     */
    @Override
    protected Set<StepExecution> doHandle(StepExecution managerStepExecution, Set<StepExecution> partitions)
            throws Exception {
        Set<StepExecution> ended;
        try {
            ended = super.doHandle(managerStepExecution, FileOrderPartitionHandler.inFileOrder(partitions));
        } catch (Exception e) {
            // the broker refused a partition, or the wait timed out: what no worker started can be sent again; the
            // broker's refusal is said in its words, which name the setting, not in the dispatcher's wrapper, and the
            // timeout names its setting and how many files no worker started, not the poller's words
            Map<StepExecution, StepExecution> notStarted = notStarted(partitions);
            Exception said = e instanceof MessagingException && e.getCause() instanceof AmqpException broker
                    ? broker
                    : e instanceof TimeoutException ? timedOut(partitions.size(), notStarted.size()) : e;
            failNotStarted(notStarted, said);
            throw said;
        }
        Map<Long, StepExecution> byId =
                ended.stream().collect(Collectors.toMap(StepExecution::getId, Function.identity()));
        for (StepExecution partition : partitions) {
            StepExecution fresh = byId.get(partition.getId());
            if (fresh != null) {
                copy(fresh, partition);
            }
        }
        return ended;
    }

    /**
     * The wait's timeout in the words of its setting: how many of the run's files no worker started (when any, asking
     * whether a worker runs at all; the others were still being read). The poller's own words ("Timed out waiting for
     * task to return non-null result") say none of it, so they are not kept.
     */
    private TimeoutException timedOut(int files, int notStarted) {
        String hint = notStarted > 0 ? " (is a worker running, on this database and tokentally.ingest.queue?)" : "";
        return new TimeoutException("the run's files were not all read within tokentally.ingest.partition-timeout ("
                + DurationSettings.written(timeout) + "): of its " + files + " file(s), no worker started " + notStarted
                + hint);
    }

    /** The partitions no worker has started, each with its copy in the repository, read once. */
    private Map<StepExecution, StepExecution> notStarted(Set<StepExecution> partitions) {
        Map<StepExecution, StepExecution> notStarted = new LinkedHashMap<>();
        for (StepExecution partition : partitions) {
            StepExecution stored = jobRepository.getStepExecution(partition.getId());
            if (stored != null && stored.getStatus() == BatchStatus.STARTING) {
                notStarted.put(partition, stored);
            }
        }
        return notStarted;
    }

    /**
     * Fails, in the repository, the partitions no worker had started: one the broker may never have had, or one still
     * in its queue (a worker that takes it later leaves it, as it has ended).
     */
    private void failNotStarted(Map<StepExecution, StepExecution> notStarted, Exception why) {
        notStarted.forEach((partition, stored) -> {
            stored.setStatus(BatchStatus.FAILED);
            stored.setExitStatus(ExitStatus.FAILED.addExitDescription("no worker started it: " + reason(why)));
            stored.setEndTime(BatchTimes.now(clock));
            jobRepository.update(stored);
            copy(stored, partition);
        });
    }

    /**
     * The failure's message, with its root cause's when that is another (a refused connection, say); the timeout's
     * message alone, which says it all.
     */
    private static String reason(Exception why) {
        if (why instanceof TimeoutException) {
            return why.getMessage();
        }
        Throwable root = NestedExceptionUtils.getMostSpecificCause(why);
        return root == why ? String.valueOf(why) : why.getMessage() + " (" + root + ")";
    }

    private static void copy(StepExecution from, StepExecution to) {
        to.setStatus(from.getStatus());
        to.setExitStatus(from.getExitStatus());
        to.setStartTime(from.getStartTime());
        to.setEndTime(from.getEndTime());
        to.setReadCount(from.getReadCount());
        to.setWriteCount(from.getWriteCount());
        to.setFilterCount(from.getFilterCount());
        to.setCommitCount(from.getCommitCount());
        to.setRollbackCount(from.getRollbackCount());
        to.setReadSkipCount(from.getReadSkipCount());
        to.setProcessSkipCount(from.getProcessSkipCount());
        to.setWriteSkipCount(from.getWriteSkipCount());
        to.setExecutionContext(from.getExecutionContext());
    }
}
