package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokentally.schedule.JobSchedule;
import io.tokentally.schedule.JobSchedules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The day {@code run --job-file} takes from the file's window rule. */
class RunCommandTests {

    @TempDir
    Path work;

    @Test
    void refusesASameDayWindowWhoseDayHasNotBegunInUtc() throws IOException {
        // given a same-day window at UTC+14, read at 10:35 UTC, when it is already the next day there
        JobSchedule schedule = schedule("Pacific/Kiritimati", "same-day");
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:35:00Z"), ZoneOffset.UTC);

        // when, then: as a schedule's run of that day and a --date of it are refused
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RunCommand.dayOf(schedule, clock))
                .withMessage(
                        "gives a day that has not begun: 2026-12-05 is after today, 2026-12-04 (UTC): a day is run once it has"
                                + " begun");
    }

    @Test
    void takesTheDayTheWindowGivesOnceItHasBegun() throws IOException {
        // given the same window read at 00:35 UTC, still 2026-12-04 at UTC+14's midday
        JobSchedule schedule = schedule("Pacific/Kiritimati", "same-day");
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T00:35:00Z"), ZoneOffset.UTC);

        // when
        LocalDate day = RunCommand.dayOf(schedule, clock);

        // then
        assertThat(day).isEqualTo(LocalDate.parse("2026-12-04"));
    }

    private JobSchedule schedule(String zone, String window) throws IOException {
        return JobSchedules.read(Files.writeString(
                work.resolve("job.yaml"),
                Files.readString(Path.of("jobs/nightly-billing.yaml"))
                        .replace("zone: UTC", "zone: " + zone)
                        .replace("window: previous-day", "window: " + window)));
    }
}
