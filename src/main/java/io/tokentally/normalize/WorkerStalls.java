package io.tokentally.normalize;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * A worker's answer to a dead worker's file (ADR 0027): when a worker dies while this one's threads all wait for its
 * file, the file's message is back in the queue with no thread free to take it. The worker keeps a presence queue on
 * the broker, exclusive to its consumers' connection (the broker deletes it when that connection ends, as it gives
 * the connection's messages back), and names it in each partition it takes ({@value #PRESENCE}). A wait is stalled
 * when the earlier partition is held by no live worker (still {@code STARTING}, or its worker's presence queue is
 * gone) while the queue holds messages; for each stalled wait the worker takes one more message at once, up to twice
 * its threads, and goes back to its threads when none is left (its extra consumers end once idle). The presence queue
 * is declared again every few seconds, so it comes back after the connection is made again; the consumer count is
 * changed on a thread of its own, never on a waiting one.
 */
final class WorkerStalls implements IngestTurns.Stalls {

    private static final Logger log = LoggerFactory.getLogger(WorkerStalls.class);
    /** The key of a partition's execution context that names the presence queue of the worker that reads its file. */
    static final String PRESENCE = "worker-presence";

    private final PartitionQueue queue;
    private final JobRepository jobRepository;
    private final SimpleMessageListenerContainer listener;
    private final int threads;
    private final String presence = "tokentally-worker-" + UUID.randomUUID();
    private final AtomicInteger stalledWaits = new AtomicInteger();
    private final ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "worker-stalls");
        thread.setDaemon(true);
        return thread;
    });
    private int consumers;

    WorkerStalls(
            PartitionQueue queue, JobRepository jobRepository, SimpleMessageListenerContainer listener, int threads) {
        this.queue = queue;
        this.jobRepository = jobRepository;
        this.listener = listener;
        this.threads = threads;
        this.consumers = threads;
    }

    /** The name of this process's presence queue, for the partitions it takes. */
    String presence() {
        return presence;
    }

    /** Declares the presence queue now and every {@value IngestTurns#STALL_MILLIS} ms, until {@link #stop}. */
    void start() {
        queue.keepPresence(presence);
        own.scheduleWithFixedDelay(
                this::keepPresence, IngestTurns.STALL_MILLIS, IngestTurns.STALL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        own.shutdownNow();
    }

    @Override
    public boolean heldByNoOne(ExecutionStatuses.RunningStep partition, long jobExecutionId, String partitionName) {
        String why = partition.status() == BatchStatus.STARTING ? "no worker started it" : holderGone(partition);
        if (why == null) {
            return false;
        }
        long ready = queue.readyMessages();
        if (ready == 0) {
            return false;
        }
        log.warn(
                "Worker: a file waits for {} of execution {}, which no live worker holds ({}), while queue {} holds {}"
                        + " message(s)",
                partitionName,
                jobExecutionId,
                why,
                queue.name(),
                ready);
        return true;
    }

    /** Why the worker that started the partition is gone (its presence queue is), or null if it lives. */
    private String holderGone(ExecutionStatuses.RunningStep partition) {
        StepExecution step = jobRepository.getStepExecution(partition.stepExecutionId());
        String holder = step == null ? null : step.getExecutionContext().getString(PRESENCE, null);
        if (holder == null || holder.equals(presence) || queue.exists(holder)) {
            return null;
        }
        return "the presence queue " + holder + " of the worker that started it is gone";
    }

    @Override
    public void stalledWaits(int count) {
        stalledWaits.set(count);
        try {
            own.execute(this::adjustConsumers);
        } catch (RejectedExecutionException e) {
            // the worker is stopping: its consumers are stopped already
        }
    }

    /** Sets the consumers to the threads plus the stalled waits (up to the threads again), on this class's thread. */
    private void adjustConsumers() {
        int stalled = stalledWaits.get();
        int wanted = threads + Math.min(stalled, threads);
        if (wanted == consumers) {
            return;
        }
        try {
            listener.setConcurrentConsumers(wanted);
            consumers = wanted;
            log.info(
                    "Worker: {} stalled wait(s); taking up to {} messages at once ({} threads)",
                    stalled,
                    wanted,
                    threads);
        } catch (RuntimeException e) {
            log.warn("Worker: could not take up to {} messages at once: {}", wanted, e.toString());
        }
    }

    private void keepPresence() {
        try {
            queue.keepPresence(presence);
        } catch (AmqpException e) {
            log.debug("Worker: could not declare its presence queue {} ({}); tried again shortly", presence, e);
        }
    }
}
