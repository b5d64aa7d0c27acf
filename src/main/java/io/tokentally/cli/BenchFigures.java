package io.tokentally.cli;

import io.tokentally.job.RunSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

/** The figures the bench prints for a night: rows per second for the job and each step, heap, outbox and uploads. */
final class BenchFigures {

    private BenchFigures() {}

    /**
     * The job's status and rows per second, its row counts, each step's rows per second, and the heap in use: its
     * peak and its highest after GC.
     */
    static void printJob(
            PrintWriter out,
            JobExecution execution,
            Path runFolder,
            long rows,
            long jobNanos,
            long peakHeap,
            long heapAfterGc) {
        out.printf(
                "Job %s in %.2f s: %,.0f rows/s end to end%n",
                execution.getStatus(), seconds(jobNanos), rows / seconds(jobNanos));
        printRows(out, runFolder);
        double inSteps = 0;
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().contains(":")) {
                continue;
            }
            inSteps += stepSeconds(step);
            out.printf(
                    "  %-20s %7.2f s  %,12.0f rows/s  (read %,d, written %,d)%n",
                    step.getStepName(),
                    stepSeconds(step),
                    rows / Math.max(stepSeconds(step), 1e-3),
                    step.getReadCount(),
                    step.getWriteCount());
        }
        out.printf(
                "  %-20s %7.2f s  (starting the run, and the run folder's files written after its last step)%n",
                "outside the steps", Math.max(seconds(jobNanos) - inSteps, 0));
        out.printf(
                "Peak heap: %,d MB (max heap %,d MB; the most in use, garbage included, as a collection began)%n",
                peakHeap / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        out.printf("Heap in use after GC, highest: %,d MB%n", heapAfterGc / (1024 * 1024));
    }

    /** The run's row counts (read, accepted, rejected, duplicates and more) and rejects by reason, from its report. */
    private static void printRows(PrintWriter out, Path runFolder) {
        RunSummary.read(runFolder)
                .lines()
                .filter(line -> line.startsWith("  rows:") || line.startsWith("  rejected rows"))
                .forEach(out::println);
    }

    /** The meter events per million rows, the other outbox rows, and the upload rate unless it was a dry run. */
    static void printStripe(
            PrintWriter out, JobExecution execution, long rows, OutboxCounts run, boolean dryRun, int limit) {
        out.printf(
                "Meter events: %,d for %,d rows = %,.0f per million input rows%n",
                run.meterEvents(), rows, run.meterEvents() * 1e6 / rows);
        if (run.otherRows() > 0) {
            out.printf("Other outbox rows (invoice items for closed periods, credit grants): %,d%n", run.otherRows());
        }
        if (dryRun) {
            out.println("Upload: dry run (requests written to stripe-requests.jsonl in the run folder)");
            return;
        }
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStepName().equals("uploadMeterEventsStep")) {
                double rate = run.sent() / stepSeconds(step);
                out.printf(
                        "Upload: %,d sent in %.1f s = %.1f calls/s at a limit of %d/s (%.0f%% of the limit), %,d retried calls (429, 409, 5xx, timeouts)%n",
                        run.sent(), stepSeconds(step), rate, limit, 100 * rate / limit, run.retries());
            }
        }
    }

    /** A run's outbox rows: the meter events and other rows it queued, those it sent and its calls beyond each row's first. */
    record OutboxCounts(long meterEvents, long otherRows, long sent, long retries) {

        static OutboxCounts ofRun(JdbcTemplate jdbc, long run) {
            return jdbc.queryForObject(
                    "SELECT COUNT(CASE WHEN created_run = ? AND kind = 'METER_EVENT' THEN 1 END),"
                            + " COUNT(CASE WHEN created_run = ? AND kind <> 'METER_EVENT' THEN 1 END),"
                            + " COUNT(CASE WHEN sent_run = ? AND state = 'SENT' THEN 1 END),"
                            + " COALESCE(SUM(CASE WHEN sent_run = ? AND attempts > 0 THEN attempts - 1 ELSE 0 END), 0)"
                            + " FROM outbox",
                    (rs, n) -> new OutboxCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
                    run,
                    run,
                    run,
                    run);
        }
    }

    private static double stepSeconds(StepExecution step) {
        return Duration.between(step.getStartTime(), step.getEndTime()).toNanos() / 1e9;
    }

    /** {@code nanos} in seconds. */
    static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
