package io.tokentally.schedule;

import io.tokentally.ingest.InputSource;
import io.tokentally.job.BillingJobParameters;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.scheduling.support.CronExpression;

/**
 * One file of {@code jobs/}: a job, when it runs (a five-field cron in a time zone), which usage day each
 * run bills, whether missed fire times are caught up, and the job's default parameters.
 */
public record JobSchedule(
        String name,
        String job,
        String cron,
        ZoneId zone,
        WindowRule window,
        boolean catchUp,
        List<String> inputs,
        Path customers,
        Path plans,
        Path prices) {

    /** The same cron as Spring's six-field form (seconds first). */
    CronExpression cronExpression() {
        return CronExpression.parse("0 " + cron);
    }

    /** Fire times in (after, until], oldest first, at most {@code limit} of the newest. */
    public List<Instant> fireTimesBetween(Instant after, Instant until, int limit) {
        return fireTimes(after, until, limit).newest();
    }

    /** The newest fire times in (after, until], oldest first, and how many older ones there were. */
    public record FireTimes(List<Instant> newest, long older) {}

    FireTimes fireTimes(Instant after, Instant until, int limit) {
        CronExpression expression = cronExpression();
        List<Instant> times = new ArrayList<>();
        long older = 0;
        ZonedDateTime next = expression.next(after.atZone(zone));
        while (next != null && !next.toInstant().isAfter(until)) {
            times.add(next.toInstant());
            if (times.size() > limit) {
                times.remove(0);
                older++;
            }
            next = expression.next(next);
        }
        return new FireTimes(times, older);
    }

    /** The next fire time after {@code instant}. */
    public Instant nextFireAfter(Instant instant) {
        ZonedDateTime next = cronExpression().next(instant.atZone(zone));
        return next == null ? null : next.toInstant();
    }

    public LocalDate dateFor(Instant fireTime) {
        return window.dateFor(fireTime, zone);
    }

    /** The job parameters of the run for one usage day; relative paths are taken from the working directory. */
    public BillingJobParameters parametersFor(LocalDate date) {
        List<String> sources = inputs.stream()
                .map(InputSource::parse)
                .map(source -> source.withRoot(source.root().toAbsolutePath().normalize())
                        .spec())
                .toList();
        return new BillingJobParameters(date, 0, sources, customers, plans, prices);
    }
}
