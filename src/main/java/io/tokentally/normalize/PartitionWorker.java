package io.tokentally.normalize;

import io.tokentally.ingest.IngestProgress;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.context.SmartLifecycle;

/**
 * The {@code worker} command's work: takes file partitions from the {@link PartitionQueue} and runs each as the
 * ingest file step, on {@code consumers} threads, until the process stops; a stop waits for the files being read
 * (up to the listener's shutdown timeout). Each partition's execution context names the worker process that read it
 * ({@value #WORKER}: pid@host). The committed request keys it keeps are those of the latest run it served: a worker
 * lives across runs, and no ingest step of its own ends to release them.
 */
final class PartitionWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);
    /** The key of a partition's execution context that names the worker process that read its file. */
    static final String WORKER = "worker";
    /** This process, as the JVM names it: its pid and host name. */
    private static final String PROCESS = ManagementFactory.getRuntimeMXBean().getName();

    private final StepExecutionRequestHandler handler;
    private final JobRepository jobRepository;
    private final CommittedKeys.Pool committedKeys;
    private final IngestProgress progress;
    private final SimpleMessageListenerContainer listener;

    PartitionWorker(
            PartitionQueue queue,
            StepExecutionRequestHandler handler,
            JobRepository jobRepository,
            CommittedKeys.Pool committedKeys,
            IngestProgress progress,
            int consumers) {
        this.handler = handler;
        this.jobRepository = jobRepository;
        this.committedKeys = committedKeys;
        this.progress = progress;
        this.listener = queue.listener(consumers, this::run);
        log.info("Worker: reading file partitions from queue {} on {} threads", queue.name(), consumers);
    }

    private void run(Message message) {
        StepExecutionRequest request = PartitionQueue.read(message);
        StepExecution partition = jobRepository.getStepExecution(request.getStepExecutionId());
        if (partition == null) {
            throw new IllegalStateException("partition " + request.getStepExecutionId()
                    + " is not in the job repository: is this worker on the run's database?");
        }
        if (partition.getStatus() != BatchStatus.STARTING && partition.getStatus() != BatchStatus.STARTED) {
            // a message given again after its worker ended the step but died before acknowledging it, or a
            // partition a stopped run abandoned: its outcome stands
            log.info(
                    "Worker: {} of execution {} has ended already ({}); not run again",
                    partition.getStepName(),
                    partition.getJobExecutionId(),
                    partition.getStatus());
            return;
        }
        committedKeys.keepOnly(partition.getJobExecutionId());
        partition.getExecutionContext().putString(WORKER, PROCESS);
        jobRepository.updateExecutionContext(partition);
        progress.start(1);
        StepExecution ended = handler.handle(request);
        log.info(
                "Worker: {} of execution {} ended {}",
                ended.getStepName(),
                ended.getJobExecutionId(),
                ended.getStatus());
    }

    @Override
    public void start() {
        listener.start();
    }

    @Override
    public void stop() {
        listener.stop();
    }

    @Override
    public boolean isRunning() {
        return listener.isRunning();
    }
}
