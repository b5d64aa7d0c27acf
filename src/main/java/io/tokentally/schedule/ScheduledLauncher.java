package io.tokentally.schedule;

import java.time.LocalDate;

/** Starts the run of a schedule for one usage day and returns its execution id. */
@FunctionalInterface
public interface ScheduledLauncher {

    long launch(JobSchedule schedule, LocalDate date) throws Exception;
}
