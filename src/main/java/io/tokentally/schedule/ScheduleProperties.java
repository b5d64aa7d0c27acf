package io.tokentally.schedule;

import static io.tokentally.shared.DurationSettings.NOT_NEGATIVE;
import static io.tokentally.shared.DurationSettings.POSITIVE;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The scheduler of {@code serve}.
 *
 * @param enabled whether this process runs the schedules of {@code dir} (true in {@code serve}, false when
 *     Kubernetes CronJobs run them)
 * @param dir the jobs folder, one YAML file per scheduled job
 * @param pollInterval how often the scheduler looks for due fire times
 * @param grace how late a fire time may be noticed and still count as on time rather than missed
 * @param lockAtMostFor how long a replica's lock on a schedule lasts if that replica dies holding it
 * @param maxCatchUp at most this many of the newest missed fire times of a schedule are run
 */
@Validated
@ConfigurationProperties("tokentally.schedules")
public record ScheduleProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("jobs") @NotNull Path dir,

        @DefaultValue("30s") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration pollInterval,

        @DefaultValue("15m") @NotNull @DurationMin(millis = 0, message = NOT_NEGATIVE)
        Duration grace,

        @DefaultValue("10m") @NotNull @DurationMin(millis = 1, message = POSITIVE)
        Duration lockAtMostFor,

        @DefaultValue("7") @Min(0) @Max(366) int maxCatchUp) {}
