package io.tokentally.job;

import io.tokentally.ingest.IngestProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Logs which step a long run is in, every {@code tokentally.ingest.progress-interval-seconds}: the step,
 * how long it has run, and its items read and written so far. Without it the steps after ingest, and ingest's
 * commits, ran for many seconds without a line. A step shorter than the interval logs nothing; while ingest
 * reads, {@link io.tokentally.ingest.IngestProgress} adds its rows per second and files done. Only a log: a
 * tick that fails, or a timer already shut down, never fails the run.
 */
@Component
class RunProgressListener implements JobExecutionListener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunProgressListener.class);
    private static final long TICK_MILLIS = 1000;

    private final long intervalNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "run-progress");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Long, ScheduledFuture<?>> watched = new ConcurrentHashMap<>();

    RunProgressListener(IngestProperties properties) {
        this.intervalNanos = TimeUnit.SECONDS.toNanos(properties.progressIntervalSeconds());
    }

    @Override
    public void beforeJob(JobExecution execution) {
        Watch watch = new Watch(execution, intervalNanos);
        try {
            watched.put(
                    execution.getId(),
                    timer.scheduleAtFixedRate(() -> tick(watch), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            log.debug("No progress lines for execution {}: the process is stopping", execution.getId());
        }
    }

    /** Logs what is due; a tick that throws would end the schedule for good, so it is caught here. */
    private static void tick(Watch watch) {
        try {
            watch.lines(System.nanoTime()).forEach(log::info);
        } catch (RuntimeException e) {
            log.debug("A progress tick failed", e);
        }
    }

    @Override
    public void afterJob(JobExecution execution) {
        ScheduledFuture<?> watch = watched.remove(execution.getId());
        if (watch != null) {
            watch.cancel(false);
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    /**
     * One execution's running steps, looked at every tick. A step's time counts from the tick that first saw
     * it running, so it is at most a tick short.
     */
    static final class Watch {

        private final JobExecution execution;
        private final long intervalNanos;
        private final Map<Long, Long> firstSeen = new HashMap<>();
        private final Map<Long, Long> lastLogged = new HashMap<>();

        Watch(JobExecution execution, long intervalNanos) {
            this.execution = execution;
            this.intervalNanos = intervalNanos;
        }

        /** The lines to log at {@code now} (a {@link System#nanoTime} reading): one per step due one. */
        List<String> lines(long now) {
            List<String> lines = new ArrayList<>();
            for (StepExecution step : execution.getStepExecutions()) {
                if (!isRunning(step)) {
                    continue;
                }
                long since = firstSeen.computeIfAbsent(step.getId(), id -> now);
                long last = lastLogged.getOrDefault(step.getId(), since);
                if (now - last >= intervalNanos) {
                    lastLogged.put(step.getId(), now);
                    lines.add(line(step, now - since));
                }
            }
            return lines;
        }

        private static String line(StepExecution step, long runningNanos) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(runningNanos);
            String line = String.format(Locale.ROOT, "Run progress: %s running for %d s", step.getStepName(), seconds);
            if (step.getReadCount() + step.getWriteCount() > 0) {
                return line
                        + String.format(
                                Locale.ROOT,
                                "; %,d items read, %,d written (%,d written/s)",
                                step.getReadCount(),
                                step.getWriteCount(),
                                step.getWriteCount() / Math.max(1, seconds));
            }
            return line;
        }

        /**
         * Whether the step has started and not ended. A file partition ({@code ingestFileStep:file-N}) is {@code
         * STARTING} from the moment the partition handler creates it, waiting for an ingest thread or a worker, and
         * is not running yet; a step waiting for its turn at a step lock is {@code STARTING} too, and is said to run.
         */
        private static boolean isRunning(StepExecution step) {
            boolean queuedPartition = step.getStatus() == BatchStatus.STARTING
                    && step.getStepName().contains(":");
            return step.getStatus().isRunning() && !queuedPartition && step.getEndTime() == null;
        }
    }
}
