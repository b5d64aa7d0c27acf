package io.tokentally.normalize;

import io.tokentally.ingest.IngestProgress;
import java.lang.management.ManagementFactory;
import java.time.LocalDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.EmptyResultDataAccessException;

/**
 * The {@code worker} command's work: takes file partitions from the {@link PartitionQueue} and runs each as the
 * ingest file step, on {@code consumers} threads, until the process stops; a stop waits for the files being read
 * (up to the listener's shutdown timeout). Each partition's execution context names the worker process that read it
 * ({@value #WORKER}: pid@host). The committed request keys it keeps are those of the latest run it served: a worker
 * lives across runs, and no ingest step of its own ends to release them. It is a health indicator of the worker's
 * liveness ({@link #health()}).
 */
final class PartitionWorker implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);
    /** The key of a partition's execution context that names the worker process that read its file. */
    static final String WORKER = "worker";
    /** This process, as the JVM names it: its pid and host name. */
    private static final String PROCESS = ManagementFactory.getRuntimeMXBean().getName();

    private static final long REQUEUE_PAUSE_MILLIS = 1000;

    private static final String SHARED = " (is the queue shared by two databases?)";

    private final StepExecutionRequestHandler handler;
    private final JobRepository jobRepository;
    private final CommittedKeys.Pool committedKeys;
    private final IngestProgress progress;
    private final SimpleMessageListenerContainer listener;
    private final WorkerStalls stalls;
    private final String queueName;
    /** Whether the worker was started and has not been asked to stop: its listener should be running. */
    private volatile boolean started;

    /** @param turns has the worker judge and count its files' waits for a dead worker's file ({@link WorkerStalls}) */
    PartitionWorker(
            PartitionQueue queue,
            StepExecutionRequestHandler handler,
            JobRepository jobRepository,
            CommittedKeys.Pool committedKeys,
            IngestProgress progress,
            IngestTurns turns,
            int consumers) {
        this.handler = handler;
        this.jobRepository = jobRepository;
        this.committedKeys = committedKeys;
        this.progress = progress;
        this.listener = queue.listener(consumers, this::run);
        this.queueName = queue.name();
        this.stalls = new WorkerStalls(queue, jobRepository, listener, consumers);
        turns.useStalls(stalls);
        log.info("Worker: reading file partitions from queue {} on {} threads", queue.name(), consumers);
    }

    private void run(Message message) {
        PartitionQueue.Partition sent;
        try {
            sent = PartitionQueue.read(message);
        } catch (IllegalArgumentException e) {
            String dropped = "Worker: dropped a message of queue " + queueName + ": " + e.getMessage();
            log.warn(dropped);
            throw new AmqpRejectAndDontRequeueException(dropped);
        }
        try {
            StepExecution partition = partitionOf(sent);
            if (partition != null) {
                runStep(partition, sent);
            }
        } catch (AmqpRejectAndDontRequeueException e) {
            // said here in a line of its own: the listener container logs no warning of its own for a dropped message
            log.warn(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            // the database could not be read or written: the message goes back to the queue, after a pause
            pauseBeforeRequeue();
            throw e;
        }
    }

    private void runStep(StepExecution partition, PartitionQueue.Partition sent) {
        committedKeys.keepOnly(partition.getJobExecutionId());
        partition.getExecutionContext().putString(WORKER, PROCESS);
        partition.getExecutionContext().putString(WorkerStalls.PRESENCE, stalls.presence());
        jobRepository.updateExecutionContext(partition);
        progress.startUnlessCounting(partition.getJobExecutionId());
        StepExecution ended = handler.handle(sent.request());
        recordEnd(ended);
        log.info(
                "Worker: {} of execution {} ended {}",
                ended.getStepName(),
                ended.getJobExecutionId(),
                ended.getStatus());
        if (ended.getStatus() == BatchStatus.UNKNOWN) {
            explainUnknown(ended);
        }
    }

    /**
     * Says what Spring Batch's "unknown state and should not be restarted" error means when the partition's run
     * was failed or resumed while this worker read it (its manager died and was resumed, or a person restarted the
     * run): the step's row was changed under the worker, its commit rolled back, and the resumed run reads the file
     * again. Nothing is for a person to do then. Said only when the step's row can be read: a database the worker
     * cannot reach has said why already, and the message is not sent back for a log line.
     */
    private void explainUnknown(StepExecution ended) {
        StepExecution stored;
        try {
            stored = jobRepository.getStepExecution(ended.getId());
        } catch (RuntimeException e) {
            return;
        }
        if (stored != null && stored.getStatus() != BatchStatus.STARTED && stored.getStatus() != BatchStatus.STARTING) {
            log.info(
                    "Worker: {} of execution {} was ended {} by its run while this worker read it (a resumed or"
                            + " restarted run): its work here was rolled back and the run reads the file again;"
                            + " Spring Batch's \"should not be restarted\" above needs no action",
                    ended.getStepName(),
                    ended.getJobExecutionId(),
                    stored.getStatus());
        }
    }

    /**
     * The partition to run, or null for one that has ended (a message given again after its worker ended the step
     * but died before acknowledging it, or a partition its run failed: its outcome stands).
     */
    private StepExecution partitionOf(PartitionQueue.Partition sent) {
        StepExecution partition = held(stored(sent.request().getStepExecutionId()), sent);
        if (partition.getStatus() != BatchStatus.STARTING && partition.getStatus() != BatchStatus.STARTED) {
            log.info(
                    "Worker: {} of execution {} has ended already ({}); not run again",
                    partition.getStepName(),
                    partition.getJobExecutionId(),
                    partition.getStatus());
            return null;
        }
        return partition;
    }

    /**
     * The step execution of {@code id}, or null if this database holds none: the job repository's read throws for a
     * missing row, which would read as a database out of reach and put the message back every second for good.
     */
    private StepExecution stored(long id) {
        try {
            return jobRepository.getStepExecution(id);
        } catch (EmptyResultDataAccessException e) {
            return null;
        }
    }

    /**
     * The step execution this database holds by the message's id, if it is the message's partition: a file partition
     * of the message's job execution, created when the message says (a message of a version that did not say is taken
     * on the ids alone). Else the message is dropped: a queue shared by two databases, whose alike histories can hold
     * partitions of the same ids, one of them ended, which a worker of the other would take for the one sent.
     */
    static StepExecution held(StepExecution partition, PartitionQueue.Partition sent) {
        String dropped = "Worker: dropped partition " + sent.request().getStepExecutionId() + " of execution "
                + sent.jobExecutionId() + ": ";
        if (partition == null
                || partition.getJobExecutionId() != sent.jobExecutionId()
                || !partition.getStepName().startsWith(sent.request().getStepName() + ":")) {
            throw new AmqpRejectAndDontRequeueException(
                    dropped + "this database holds no such file partition" + SHARED);
        }
        if (sent.created() != null && millisOfMinute(sent.created()) != millisOfMinute(partition.getCreateTime())) {
            throw new AmqpRejectAndDontRequeueException(dropped + "this database's was created at "
                    + partition.getCreateTime() + ", the message's at " + sent.created() + SHARED);
        }
        return partition;
    }

    /**
     * The millisecond of the minute a create time was read at: the hour and minute can differ between the run's and
     * the worker's reading of one stored time, when a daylight saving gap of one process's default zone moves it (the
     * job repository reads it through {@code java.sql.Timestamp}); two databases' partitions of the same ids created
     * at the same second and millisecond of a minute are one chance in 60,000.
     */
    private static long millisOfMinute(LocalDateTime time) {
        return time == null ? -1 : time.getSecond() * 1_000L + time.getNano() / 1_000_000;
    }

    /**
     * Stores the end of a step that Spring Batch's handler ended only in memory: it fails a step whose own start
     * could not be stored, and leaves storing that to the caller, so the run would wait for the step forever.
     */
    private void recordEnd(StepExecution ended) {
        StepExecution stored = jobRepository.getStepExecution(ended.getId());
        if (stored != null
                && stored.getStatus().isRunning()
                && !ended.getStatus().isRunning()) {
            jobRepository.update(ended);
        }
    }

    private static void pauseBeforeRequeue() {
        try {
            Thread.sleep(REQUEUE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        stalls.start();
        listener.start();
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        listener.stop();
        stalls.stop();
    }

    /**
     * Down once the queue's listener has stopped on its own while the worker runs: its consumers failed for good (a
     * login the broker refuses, or a connection closed during its handshake, which looks the same; the queue deleted
     * under them; the log says which), and the process would take no more files until it is restarted. A broker out
     * of reach is no reason: the listener keeps trying to connect, and a restart would not bring the broker back. The
     * listener is read before {@code started}, which {@link #stop()} clears before it stops the listener, so a stop
     * never reads as down.
     */
    @Override
    public Health health() {
        if (!listener.isRunning() && started) {
            return Health.down()
                    .withDetail("queue", String.join(", ", listener.getQueueNames()))
                    .withDetail("reason", "the queue's listener stopped; the worker takes no more files")
                    .build();
        }
        return Health.up().build();
    }

    @Override
    public boolean isRunning() {
        return listener.isRunning();
    }
}
