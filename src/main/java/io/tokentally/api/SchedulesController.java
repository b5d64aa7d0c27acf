package io.tokentally.api;

import io.tokentally.schedule.JobSchedule;
import io.tokentally.schedule.JobSchedules;
import io.tokentally.schedule.ScheduleFire;
import io.tokentally.schedule.ScheduleFireRepository;
import io.tokentally.schedule.ScheduleRunner;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The schedules of {@code jobs/}: when each fires next and what became of its recent fire times (missed ones too). */
@RestController
@Profile("serve")
@RequestMapping(path = "/api/schedules", produces = MediaType.APPLICATION_JSON_VALUE)
class SchedulesController {

    private final ObjectProvider<JobSchedules> schedules;
    private final ObjectProvider<ScheduleRunner> runner;
    private final ScheduleFireRepository fires;

    SchedulesController(
            ObjectProvider<JobSchedules> schedules,
            ObjectProvider<ScheduleRunner> runner,
            ScheduleFireRepository fires) {
        this.schedules = schedules;
        this.runner = runner;
        this.fires = fires;
    }

    /** One schedule; {@code nextFire} is null when this process does not run the schedules. */
    record ScheduleView(
            String name,
            String job,
            String cron,
            String zone,
            String window,
            boolean catchUp,
            Instant nextFire,
            List<ScheduleFire> recentFires) {}

    @GetMapping
    List<ScheduleView> schedules() {
        JobSchedules all = schedules.getIfAvailable();
        if (all == null) {
            return List.of();
        }
        ScheduleRunner scheduler = runner.getIfAvailable();
        return all.all().stream()
                .map(schedule -> view(schedule, scheduler == null ? null : scheduler.nextFire(schedule)))
                .toList();
    }

    private ScheduleView view(JobSchedule schedule, Instant nextFire) {
        return new ScheduleView(
                schedule.name(),
                schedule.job(),
                schedule.cron(),
                schedule.zone().getId(),
                schedule.window().text(),
                schedule.catchUp(),
                nextFire,
                fires.recent(schedule.name(), 20));
    }
}
