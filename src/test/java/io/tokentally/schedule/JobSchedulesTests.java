package io.tokentally.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobSchedulesTests {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/schedule");

    @Test
    void readsTheShippedNightlyScheduleAsYesterdayInUtcAt0230() {
        // when
        JobSchedules schedules = JobSchedules.load(Path.of("jobs"));

        // then
        JobSchedule nightly = schedules.named("nightly-billing").orElseThrow();
        assertThat(nightly.job()).isEqualTo("nightly-billing");
        assertThat(nightly.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(nightly.catchUp()).isTrue();
        assertThat(nightly.nextFireAfter(Instant.parse("2026-11-28T09:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-29T02:30:00Z"));
        assertThat(nightly.dateFor(Instant.parse("2026-11-29T02:30:00Z"))).isEqualTo(LocalDate.parse("2026-11-28"));
        assertThat(nightly.parametersFor(LocalDate.parse("2026-11-28")).inputs())
                .containsExactly("usage=" + Path.of("sample-data/usage").toAbsolutePath());
    }

    @Test
    void aSameDayScheduleInParisBillsTheParisDayAndFollowsDaylightSavingTime() {
        // when
        JobSchedule paris = JobSchedules.read(FIXTURES.resolve("schedule-in-paris-same-day-without-catch-up.yaml"));

        // then: 23:00 in Paris is 22:00 UTC in winter and 21:00 UTC in summer
        assertThat(paris.catchUp()).isFalse();
        assertThat(paris.nextFireAfter(Instant.parse("2026-01-15T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-01-15T22:00:00Z"));
        assertThat(paris.nextFireAfter(Instant.parse("2026-07-15T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-07-15T21:00:00Z"));
        assertThat(paris.dateFor(Instant.parse("2026-01-15T22:00:00Z"))).isEqualTo(LocalDate.parse("2026-01-15"));
    }

    @Test
    void listsFireTimesBetweenTwoInstantsOldestFirstKeepingTheNewest() {
        // given
        JobSchedule nightly = JobSchedules.load(Path.of("jobs")).all().get(0);

        // when
        List<Instant> all = nightly.fireTimesBetween(
                Instant.parse("2026-11-20T02:30:00Z"), Instant.parse("2026-11-24T02:30:00Z"), 10);
        List<Instant> newest = nightly.fireTimesBetween(
                Instant.parse("2026-11-20T02:30:00Z"), Instant.parse("2026-11-24T02:30:00Z"), 2);

        // then: the start is excluded, the end included
        assertThat(all)
                .containsExactly(
                        Instant.parse("2026-11-21T02:30:00Z"),
                        Instant.parse("2026-11-22T02:30:00Z"),
                        Instant.parse("2026-11-23T02:30:00Z"),
                        Instant.parse("2026-11-24T02:30:00Z"));
        assertThat(newest)
                .containsExactly(Instant.parse("2026-11-23T02:30:00Z"), Instant.parse("2026-11-24T02:30:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "schedule-with-six-field-cron.yaml, must have five fields",
        "schedule-with-unknown-key.yaml, timezone",
        "schedule-with-unknown-job.yaml, 'job ''weekly-billing'' is not a known job'",
        "schedule-with-bad-zone.yaml, Mars/Olympus",
        "schedule-with-too-long-source-name.yaml, the source name has 201 characters; at most 200 are allowed"
    })
    void refusesABadFileNamingTheFileAndTheProblem(String file, String problem) {
        // when, then
        assertThatThrownBy(() -> JobSchedules.read(FIXTURES.resolve(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file)
                .hasMessageContaining(problem);
    }

    @Test
    void refusesTwoFilesWithTheSameName(@TempDir Path jobs) throws Exception {
        // given
        Path nightly = Path.of("jobs/nightly-billing.yaml");
        Files.copy(nightly, jobs.resolve("a.yaml"));
        Files.copy(nightly, jobs.resolve("b.yml"));

        // when, then
        assertThatThrownBy(() -> JobSchedules.load(jobs))
                .hasMessageContaining("b.yml")
                .hasMessageContaining("name");
    }
}
