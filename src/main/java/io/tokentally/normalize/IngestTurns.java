package io.tokentally.normalize;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.IngestFilePartitioner;
import io.tokentally.ingest.RegisteredFile;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Makes the files of one source commit in the order the run registered them (by path within a folder,
 * ADR 0007): before a file takes the commit lock it waits, holding no lock, until every file of the same
 * run and source registered before it is ingested or its partition has ended. The file that commits first
 * keeps a request id both files hold, so the copy in the earlier file wins however the partitions are
 * scheduled.
 *
 * <p>Waiting cannot deadlock as long as no partition starts before the partitions of the files registered
 * before it: a file waits only for earlier files, whose partitions are then already running (or queued
 * ahead of it on a FIFO queue) and never wait for a later file. {@link FileOrderPartitionHandler} starts
 * local partitions in that order; a remote partition handler must send its requests in the same order.
 */
class IngestTurns {

    /** How often a waiting file looks again; a file takes far longer to read than this. */
    private static final long POLL_MILLIS = 20;

    private final FileRegistry registry;
    private final JobRepository jobRepository;

    IngestTurns(FileRegistry registry, JobRepository jobRepository) {
        this.registry = registry;
        this.jobRepository = jobRepository;
    }

    /**
     * Returns once every earlier file of the run and source is ingested or its partition in this job
     * execution has ended (a failed file does not hold the others up; a restart reads it again, after
     * them). {@code checkStop} runs between looks and may throw to give up.
     */
    void awaitEarlierFiles(RegisteredFile file, StepExecution partition, Runnable checkStop)
            throws InterruptedException {
        JobExecution job = partition.getJobExecution();
        String stepName = partition.getStepName();
        String prefix = stepName.substring(0, stepName.lastIndexOf(':') + 1);
        for (long earlier : registry.pendingBefore(file.ingestRun(), file.source(), file.fileId())) {
            String earlierStep = prefix + IngestFilePartitioner.partitionName(earlier);
            while (partitionRunning(job, earlierStep) && stillPending(earlier)) {
                checkStop.run();
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private boolean partitionRunning(JobExecution job, String stepName) {
        StepExecution last = jobRepository.getLastStepExecution(job.getJobInstance(), stepName);
        return last != null
                && last.getJobExecutionId() == job.getId()
                && last.getStatus().isRunning();
    }

    private boolean stillPending(long fileId) {
        return registry.find(fileId)
                .map(found -> found.status() == FileStatus.PENDING)
                .orElse(false);
    }
}
