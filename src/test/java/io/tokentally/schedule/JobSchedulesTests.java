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
import org.junit.jupiter.params.provider.ValueSource;

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
    @CsvSource(
            delimiterString = " => ",
            value = {
                "schedule-with-six-field-cron.yaml => line 3: cron '0 30 2 * * *' must have five fields (minute hour"
                        + " day-of-month month day-of-week)",
                "schedule-with-unknown-key.yaml => line 4: unknown key 'timezone' (known here: catch-up, cron, job,"
                        + " name, parameters, window, zone)",
                "schedule-with-unknown-job.yaml => line 2: job 'weekly-billing' is not a known job; known jobs:"
                        + " nightly-billing",
                "schedule-with-bad-zone.yaml => line 4: zone 'Mars/Olympus' is not a time zone: Unknown time-zone ID:"
                        + " Mars/Olympus",
                "schedule-with-too-long-source-name.yaml => line 6: 'parameters.input' ssss"
            })
    void refusesABadFileNamingTheFileTheLineAndTheProblem(String file, String problem) {
        // when, then
        assertThatThrownBy(() -> JobSchedules.read(FIXTURES.resolve(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(FIXTURES.resolve(file) + " " + problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                "price: sample-data/prices.csv => line 20: unknown key 'parameters.price' (known here: customers,"
                        + " input, plans, prices)",
                "prices: sample-data/other.csv => line 21: 'parameters.prices' is given twice (first on line 20)",
                "'' => line 13: 'parameters.prices' is missing",
                "prices: [a, b] => line 20: 'parameters.prices' must be a single value, not a list or mapping"
            })
    void refusesABadParameterNamingItsLine(String lastLine, String problem, @TempDir Path jobs) throws Exception {
        // given the shipped file with a line after its prices line, or in its place
        String shipped = Files.readString(Path.of("jobs/nightly-billing.yaml"));
        Path file = Files.writeString(
                jobs.resolve("nightly.yaml"),
                shipped.replace("  prices: sample-data/prices.csv\n", replaced(lastLine)));

        // when, then
        assertThatThrownBy(() -> JobSchedules.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " " + problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                "cron: \"30 2 * * *\" => cron: \"61 2 * * *\" => line 6: cron '61 2 * * *' is not valid: Invalid value for MinuteOfHour (valid values 0 - 59): 61",
                "window: previous-day => window: yesterday => line 10: window 'yesterday' is not one of",
                "catch-up: true => catch-up: maybe => line 12: 'catch-up' must be true or false",
                "name: nightly-billing => name: [nightly] => line 3: 'name' must be a single value, not a list or mapping",
                // the YAML reader's own line: a tab, where the line before is the last that could be read
                "'  plans: sample-data/plans.yaml' => '\tplans: sample-data/plans.yaml' => line 19: not valid YAML:"
                        + " while scanning for the next token: found character '\\t(TAB)' that cannot start any token",
                // a quote not closed: the line it opens on, not the end of the text where the reader stood
                "zone: UTC => 'zone: \"UTC' => line 7: not valid YAML: while scanning a quoted scalar: found unexpected"
                        + " end of stream",
                // a mapping under a key already given a value: where the reader found it
                "parameters: => 'parameters: sample-data' => line 16: not valid YAML: while parsing a block mapping:"
                        + " expected <block end>, but found"
                        + " '<block mapping start>'"
            })
    void refusesABadValueNamingItsLine(String shipped, String written, String problem, @TempDir Path jobs)
            throws Exception {
        // given
        String text = Files.readString(Path.of("jobs/nightly-billing.yaml")).replace(shipped, written);
        Path file = Files.writeString(jobs.resolve("nightly.yaml"), text);

        // when, then
        assertThatThrownBy(() -> JobSchedules.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " " + problem);
    }

    /** The prices line followed by the line (a key given twice), or the line in its place. */
    private static String replaced(String line) {
        if (line.startsWith("prices: sample-data/other")) {
            return "  prices: sample-data/prices.csv\n  " + line + "\n";
        }
        return line.isEmpty() ? "" : "  " + line + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                "'- name: nightly-billing\n- job: nightly-billing\n' => line 1: a job file is one mapping of keys",
                "'nightly-billing\n' => line 1: a job file is one mapping of keys",
                "'name: a\n---\nname: b\n' => line 3: a second document (after ---); a job file holds one schedule",
                "'name: a\nparameters: sample-data\n' => line 2: 'parameters' must be a mapping of keys",
                "'name: &n a\njob: *n\n' => line 2: a YAML alias (*name) is not read as the value it names"
            })
    void refusesAFileOrAValueOfTheWrongShape(String text, String problem, @TempDir Path jobs) throws Exception {
        // given
        Path file = Files.writeString(jobs.resolve("nightly.yaml"), text);

        // when, then
        assertThatThrownBy(() -> JobSchedules.read(file)).hasMessageStartingWith(file + " " + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"# nothing yet\n", "---\n", "null\n"})
    void refusesAnEmptyFileOrDocument(String text, @TempDir Path jobs) throws Exception {
        // given
        Path file = Files.writeString(jobs.resolve("nightly.yaml"), text);

        // when, then
        assertThatThrownBy(() -> JobSchedules.read(file))
                .hasMessage(file + ": the file holds no keys (name, job, cron, parameters, ...)");
    }

    @Test
    void refusesAFileThatIsNotThereOrAFolderSayingSo(@TempDir Path jobs) throws Exception {
        // given: a folder whose name looks like a job file's (the YAML reader said "not valid YAML" of both)
        Path missing = jobs.resolve("missing.yaml");
        Path folder = Files.createDirectories(jobs.resolve("folder.yaml"));

        // when, then
        assertThatThrownBy(() -> JobSchedules.read(missing))
                .hasMessage("the file " + missing.toAbsolutePath() + " does not exist");
        assertThatThrownBy(() -> JobSchedules.read(folder))
                .hasMessage(folder.toAbsolutePath() + " is a folder, not a file");
    }

    @Test
    void aScheduledJobWhosePricesFileIsNotThereIsRefusedWhereARunOfItsFileMayGiveAnother(@TempDir Path jobs)
            throws Exception {
        // given
        Path file = Files.writeString(
                jobs.resolve("nightly.yaml"),
                Files.readString(Path.of("jobs/nightly-billing.yaml"))
                        .replace("prices: sample-data/prices.csv", "prices: sample-data/missing.csv"));

        // when, then: serve's schedules refuse it (every fire would fail); run --job-file --prices may replace it
        assertThatThrownBy(() -> JobSchedules.load(jobs))
                .hasMessageStartingWith(file + " line 20: 'parameters.prices': the file ")
                .hasMessageEndingWith("missing.csv does not exist");
        assertThat(JobSchedules.read(file).prices()).isEqualTo(Path.of("sample-data/missing.csv"));
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
