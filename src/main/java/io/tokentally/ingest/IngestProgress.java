package io.tokentally.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a long ingest's progress (rows per second, files done) at most every few seconds, across partitions. */
public class IngestProgress {

    private static final Logger log = LoggerFactory.getLogger(IngestProgress.class);

    private final long intervalNanos;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong();
    private volatile long startNanos;
    private volatile int filesTotal;
    /** The job execution whose files a worker counts ({@link #startUnlessCounting}); 0 for none. */
    private long countingRun;

    public IngestProgress(int intervalSeconds) {
        this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
    }

    public void start(int files) {
        rows.set(0);
        filesDone.set(0);
        filesTotal = files;
        startNanos = System.nanoTime();
        lastLog.set(startNanos);
    }

    /**
     * Starts counting afresh for a worker's first file of a run, and goes on counting for its next ones, which its
     * threads read at once: the rows per second of the run's files on this worker, not of its last file. A worker
     * does not know how many files the run has.
     */
    public synchronized void startUnlessCounting(long jobExecutionId) {
        if (jobExecutionId != countingRun) {
            countingRun = jobExecutionId;
            start(0);
        }
    }

    public void rowsDone(long count) {
        long total = rows.addAndGet(count);
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= intervalNanos && lastLog.compareAndSet(last, now)) {
            if (filesTotal == 0) {
                log.info(
                        "Ingest progress: {} rows ({} rows/s), files done: {}",
                        total,
                        rate(total, now),
                        filesDone.get());
            } else {
                log.info(
                        "Ingest progress: {} rows ({} rows/s), {} of {} files done",
                        total,
                        rate(total, now),
                        filesDone.get(),
                        filesTotal);
            }
        }
    }

    public void fileDone() {
        filesDone.incrementAndGet();
    }

    private long rate(long total, long now) {
        long elapsed = Math.max(1, now - startNanos);
        return total * TimeUnit.SECONDS.toNanos(1) / elapsed;
    }
}
