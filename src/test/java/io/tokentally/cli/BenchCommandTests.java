package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The bench command on a small synthetic log, two nights one after the other. */
class BenchCommandTests {

    private static final Pattern INGEST = Pattern.compile("ingestStep .*\\(read ([\\d,]+), written ([\\d,]+)\\)");
    private static final Pattern METER_EVENTS = Pattern.compile("Meter events: ([\\d,]+) for");

    /** The last night's day; taken before the bench runs, so a run across midnight fails the date checks loudly. */
    static final LocalDate YESTERDAY = LocalDate.now(Clock.systemUTC()).minusDays(1);

    @TempDir
    static Path work;

    static Path benchDir;
    static int exit;
    static String printed;

    @BeforeAll
    static void runTwoNights() {
        benchDir = work.resolve("bench");
        StringWriter out = new StringWriter();
        exit = command(out, new StringWriter())
                .execute(
                        "bench",
                        "--rows",
                        "3000",
                        "--customers",
                        "20",
                        "--files",
                        "2",
                        "--days",
                        "2",
                        "--work-dir",
                        benchDir.toString());
        printed = out.toString();
    }

    @Test
    void eachNightReadsItsOwnLog() {
        // each night read its 3,000 rows and accepted about as many as the other: no request id of one night is
        // a duplicate of the other's
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Night 1 of 2: " + YESTERDAY.minusDays(1), "Night 2 of 2: " + YESTERDAY);
        List<long[]> ingest = numbers(INGEST);
        assertThat(ingest).hasSize(2);
        assertThat(ingest.get(0)[0]).isEqualTo(3000);
        assertThat(ingest.get(1)[0]).isEqualTo(3000);
        assertThat(ingest.get(1)[1]).isBetween(ingest.get(0)[1] * 95 / 100, 3000L);
    }

    @Test
    void eachNightPrintsItsRowCountsAndItsBadRowsOfEveryKind() {
        // the report's counts (rejected and duplicates were only in report.json), and bad rows of five kinds that
        // give four codes (they were all a count of 12.5)
        assertThat(printed).containsPattern("(?s)Job COMPLETED .*\n  rows: read 3,000  accepted [\\d,]+  rejected");
        assertThat(printed.lines().filter(line -> line.startsWith("  rejected rows")))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line)
                        .contains("MALFORMED_ROW", "INVALID_NUMBER", "NEGATIVE_NUMBER", "TIMESTAMP_WITHOUT_OFFSET"));
    }

    @Test
    void eachNightPrintsTheMeterEventsItQueued() throws Exception {
        List<long[]> events = numbers(METER_EVENTS);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)[0]).isPositive();
        assertThat(events.get(1)[0]).isPositive();
        assertThat(events.get(0)[0] + events.get(1)[0])
                .isEqualTo(queryLong("SELECT COUNT(*) FROM outbox WHERE kind = 'METER_EVENT'"));
    }

    @Test
    void eachNightRunsOnTheMorningAfterItsDayAndItsPeriodIsOpen() throws Exception {
        // the second night rated at 01:30 UTC today, plus the seconds it took; nothing went out as an invoice item
        // for a closed period, even when yesterday ended a month
        Instant morning = YESTERDAY.plusDays(1).atTime(1, 30).toInstant(ZoneOffset.UTC);
        Instant ratedAt = queryInstant("SELECT MAX(rated_at) FROM rated_aggregate");
        assertThat(ratedAt).isBetween(morning, morning.plus(Duration.ofMinutes(10)));
        assertThat(printed).doesNotContain("Other outbox rows");
    }

    @Test
    void theWorkFolderHoldsThePricesPlansAndCustomersTheNightsRead() throws Exception {
        // so that `run nightly-billing` can repeat a night there, wherever the options' files were
        assertThat(benchDir.resolve("prices.csv")).hasSameTextualContentAs(Path.of("sample-data/prices.csv"));
        assertThat(benchDir.resolve("plans.yaml")).hasSameTextualContentAs(Path.of("sample-data/plans.yaml"));
        assertThat(benchDir.resolve("customers.csv")).isRegularFile();
        assertThat(queryLong("SELECT COUNT(*) FROM batch_job_execution_params WHERE parameter_value = '"
                        + benchDir.resolve("prices.csv").toAbsolutePath() + "'"))
                .isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({"prices.csv", "customers.csv", "zz-mine.csv", "hello.txt"})
    void refusesAWorkFolderHoldingAFileOfItsOwn(String name) throws Exception {
        // given
        Path folder = Files.createDirectories(work.resolve("bench-with-own-" + name));
        Files.writeString(folder.resolve(name), "someone's own\n");
        StringWriter err = new StringWriter();

        // when
        int refused =
                command(new StringWriter(), err).execute("bench", "--rows", "10", "--work-dir", folder.toString());

        // then
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString())
                .contains("--work-dir: " + folder + " holds " + name + "; give a new or empty folder (it may hold the"
                        + " --prices and --plans files given, nothing else)");
        assertThat(folder.resolve(name)).hasContent("someone's own");
        assertThat(folder.resolve("usage")).doesNotExist();
    }

    @Test
    void refusesAWorkFolderThatIsAFile() throws Exception {
        // given
        Path file = Files.writeString(work.resolve("a-file.txt"), "not a folder\n");
        StringWriter err = new StringWriter();

        // when
        int refused = command(new StringWriter(), err).execute("bench", "--rows", "10", "--work-dir", file.toString());

        // then: it printed the path alone, and exited 1 (not as an option refused)
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--work-dir: " + file + " is a file; give a new or empty folder");
    }

    @Test
    void refusesAWorkFolderUnderAFile() throws Exception {
        // given
        Path file = Files.writeString(work.resolve("plain-file.txt"), "not a folder\n");
        StringWriter err = new StringWriter();

        // when
        int refused = command(new StringWriter(), err)
                .execute(
                        "bench",
                        "--rows",
                        "10",
                        "--work-dir",
                        file.resolve("bench").toString());

        // then
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--work-dir: " + file + " is a file");
    }

    @Test
    void refusesToWriteItsCustomersOverThePricesFileGiven() throws Exception {
        // given: the prices file given is the work folder's customers.csv, which the bench writes
        Path folder = Files.createDirectories(work.resolve("bench-prices-named-customers"));
        Path prices = Files.copy(Path.of("sample-data/prices.csv"), folder.resolve("customers.csv"));
        StringWriter err = new StringWriter();

        // when
        int refused = command(new StringWriter(), err)
                .execute("bench", "--rows", "10", "--prices", prices.toString(), "--work-dir", folder.toString());

        // then
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--work-dir: " + folder + " holds a customers.csv of its own");
        assertThat(prices).hasSameTextualContentAs(Path.of("sample-data/prices.csv"));
    }

    @Test
    void takesAWorkFolderHoldingOnlyThePricesAndPlansFilesGiven() throws Exception {
        // given
        Path folder = Files.createDirectories(work.resolve("bench-with-its-files"));
        Path prices = Files.copy(Path.of("sample-data/prices.csv"), folder.resolve("prices.csv"));
        Path plans = Files.copy(Path.of("sample-data/plans.yaml"), folder.resolve("plans.yaml"));
        StringWriter out = new StringWriter();

        // when
        int ran = command(out, new StringWriter())
                .execute(
                        "bench",
                        "--rows",
                        "10",
                        "--customers",
                        "2",
                        "--files",
                        "1",
                        "--prices",
                        prices.toString(),
                        "--plans",
                        plans.toString(),
                        "--work-dir",
                        folder.toString());

        // then
        assertThat(ran).as(out.toString()).isZero();
        assertThat(out.toString()).contains("rows: read 10 ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --days 367                 | --days: at most 366 (a year of nights), was 367
            --stripe-rate 5            | --stripe-rate: paces uploads, which only --stripe-api-base makes
            --rows 99999999999999      | --rows: 99,999,999,999,999 rows need about
            --rows 9223372036854775807 | need about more than 9 EB
            """)
    void refusesOptionsItCannotRunBeforeItWritesAnything(String options, String said) {
        // given: a huge --rows filled the disk with one growing file, a huge --days failed on a negative year
        StringWriter err = new StringWriter();
        Path folder = work.resolve("refused-" + options.replace(' ', '-'));
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--work-dir", folder.toString()));
        args.addAll(List.of(options.split(" ")));

        // when
        int refused = command(new StringWriter(), err).execute(args.toArray(String[]::new));

        // then
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(said);
        assertThat(folder).doesNotExist();
    }

    @Test
    void refusesAWorkFolderHoldingAnEarlierBenchsDatabase() {
        // given
        StringWriter err = new StringWriter();

        // when
        int again =
                command(new StringWriter(), err).execute("bench", "--rows", "10", "--work-dir", benchDir.toString());

        // then
        assertThat(again).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--work-dir: " + benchDir + " holds data/, an earlier bench's database;");
    }

    @ParameterizedTest
    @CsvSource({"--days, 0", "--rows, 0", "--rows, -5", "--files, 0", "--customers, 0"})
    void refusesLessThanOne(String option, String value) {
        // given
        StringWriter err = new StringWriter();
        Path folder = work.resolve("refused" + option + value);

        // when
        int refused = command(new StringWriter(), err).execute("bench", option, value, "--work-dir", folder.toString());

        // then
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(option + ": must be at least 1, was " + value);
        assertThat(folder).doesNotExist();
    }

    private static List<long[]> numbers(Pattern pattern) {
        return printed.lines()
                .map(pattern::matcher)
                .filter(Matcher::find)
                .map(m -> {
                    long[] values = new long[m.groupCount()];
                    for (int g = 0; g < values.length; g++) {
                        values[g] = Long.parseLong(m.group(g + 1).replace(",", ""));
                    }
                    return values;
                })
                .collect(Collectors.toList());
    }

    private static long queryLong(String sql) throws Exception {
        try (Connection connection = database();
                ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Instant queryInstant(String sql) throws Exception {
        try (Connection connection = database();
                ResultSet rs = connection.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + benchDir.resolve("data/tokentally"), "sa", "");
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine commandLine = new CommandLine(new TokentallyCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
