package io.tokentally.normalize;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.IngestFilePartitioner;
import io.tokentally.ingest.RegisteredFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>A waiting file is woken when a partition of its process ends ({@link #partitionEnded}) and otherwise looks
 * again every {@value #POLL_MILLIS} ms, with one small query ({@link ExecutionStatuses}).
 *
 * <p>A wait is <em>stalled</em> while the earlier file's partition is held by no live worker: with remote
 * partitions, its worker died and its message went back to the queue, while every thread that could take it may be
 * waiting for it. Every {@value #STALL_MILLIS} ms of a wait, the {@link Stalls} a worker set ({@link #useStalls})
 * judges it, and hears how many of its waits are stalled, so that it can take more messages meanwhile. Local runs
 * have no stalls.
 */
class IngestTurns {

    private static final Logger log = LoggerFactory.getLogger(IngestTurns.class);

    /**
     * How long a waiting file waits for a partition of this process to end before it looks again anyway (a partition
     * of another process sends no signal); a file takes far longer to read.
     */
    private static final long POLL_MILLIS = 20;

    /** How often a wait is judged stalled or not: the first time once it has lasted this long. */
    static final long STALL_MILLIS = 5_000;

    /** A worker's judge of stalled waits, and its listener for their number. */
    interface Stalls {

        /**
         * Whether no live worker holds the partition, which is still running ({@code STARTING} or {@code STARTED}),
         * while its message can be taken from the queue.
         *
         * @throws RuntimeException when it cannot tell (the wait keeps its last judgement)
         */
        boolean heldByNoOne(ExecutionStatuses.RunningStep partition, long jobExecutionId, String partitionName);

        /** The number of stalled waits changed (called on the waiting threads, one at a time). */
        void stalledWaits(int count);
    }

    private static final Stalls NO_STALLS = new Stalls() {
        @Override
        public boolean heldByNoOne(ExecutionStatuses.RunningStep partition, long jobExecutionId, String partitionName) {
            return false;
        }

        @Override
        public void stalledWaits(int count) {}
    };

    private final FileRegistry registry;
    private final ExecutionStatuses statuses;
    private final Object partitionEnded = new Object();
    private long partitionsEnded;
    private final Object stalledLock = new Object();
    private int stalledWaits;
    private volatile Stalls stalls = NO_STALLS;

    IngestTurns(FileRegistry registry, ExecutionStatuses statuses) {
        this.registry = registry;
        this.statuses = statuses;
    }

    /** Judges waits with {@code stalls} from now on (a worker process's). */
    void useStalls(Stalls stalls) {
        this.stalls = stalls;
    }

    private void countStalledWait(int change) {
        synchronized (stalledLock) {
            stalledWaits += change;
            stalls.stalledWaits(stalledWaits);
        }
    }

    /**
     * Returns once every earlier file of the run and source is ingested or its partition in this job
     * execution has ended (a failed file does not hold the others up; a restart reads it again, after
     * them). {@code checkStop} runs between looks and may throw to give up.
     */
    void awaitEarlierFiles(RegisteredFile file, StepExecution partition, Runnable checkStop)
            throws InterruptedException {
        long jobExecutionId = partition.getJobExecutionId();
        String stepName = partition.getStepName();
        String prefix = stepName.substring(0, stepName.lastIndexOf(':') + 1);
        for (long earlier : registry.pendingBefore(file.ingestRun(), file.source(), file.fileId())) {
            awaitPartition(jobExecutionId, prefix + IngestFilePartitioner.partitionName(earlier), earlier, checkStop);
        }
    }

    /** Waits until the earlier file is no longer pending or its partition is not running, counting a stall. */
    private void awaitPartition(long jobExecutionId, String earlierStep, long earlier, Runnable checkStop)
            throws InterruptedException {
        long ended = partitionsEnded();
        long judged = System.nanoTime();
        boolean stalled = false;
        try {
            ExecutionStatuses.RunningStep running;
            while ((running = statuses.runningStep(jobExecutionId, earlierStep)) != null && stillPending(earlier)) {
                checkStop.run();
                if (System.nanoTime() - judged >= STALL_MILLIS * 1_000_000) {
                    judged = System.nanoTime();
                    boolean stalledNow = judge(running, jobExecutionId, earlierStep, stalled);
                    if (stalledNow != stalled) {
                        stalled = stalledNow;
                        countStalledWait(stalled ? 1 : -1);
                    }
                }
                ended = awaitPartitionEnd(ended);
            }
        } finally {
            if (stalled) {
                countStalledWait(-1);
            }
        }
    }

    /** The stalls' judgement of a wait, or {@code before} when they cannot tell. */
    private boolean judge(
            ExecutionStatuses.RunningStep running, long jobExecutionId, String earlierStep, boolean before) {
        try {
            return stalls.heldByNoOne(running, jobExecutionId, earlierStep);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not judge whether a live worker holds {} of execution {} ({}); judged again in {} s",
                    earlierStep,
                    jobExecutionId,
                    e.toString(),
                    STALL_MILLIS / 1000);
            return before;
        }
    }

    /**
     * Wakes the files waiting for their turn: a partition of this process ended, after its transaction (the
     * file is ingested, or its partition failed).
     */
    void partitionEnded() {
        synchronized (partitionEnded) {
            partitionsEnded++;
            partitionEnded.notifyAll();
        }
    }

    private long partitionsEnded() {
        synchronized (partitionEnded) {
            return partitionsEnded;
        }
    }

    /** Waits until a partition ends after the {@code seen}th, or {@link #POLL_MILLIS}; returns the count then. */
    private long awaitPartitionEnd(long seen) throws InterruptedException {
        synchronized (partitionEnded) {
            if (partitionsEnded == seen) {
                partitionEnded.wait(POLL_MILLIS);
            }
            return partitionsEnded;
        }
    }

    private boolean stillPending(long fileId) {
        return registry.find(fileId)
                .map(found -> found.status() == FileStatus.PENDING)
                .orElse(false);
    }
}
