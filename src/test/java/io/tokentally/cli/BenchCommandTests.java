package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The bench command on a small synthetic log: one night, and nights run one after the other. */
class BenchCommandTests {

    private static final Pattern INGEST = Pattern.compile("ingestStep .*\\(read ([\\d,]+), written ([\\d,]+)\\)");
    private static final Pattern METER_EVENTS = Pattern.compile("Meter events: ([\\d,]+) for");

    @TempDir
    Path work;

    @Test
    void eachDayReadsItsOwnLogAndPrintsItsOwnMeterEvents() throws Exception {
        // given
        StringWriter out = new StringWriter();
        Path benchDir = work.resolve("bench");

        // when
        int exit = command(out)
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

        // then: each day read its 3,000 rows and accepted about as many as the other (no request id of one day
        // is a duplicate of the other's), and the days' meter events add up to the outbox's rows
        String printed = out.toString();
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Day 1 of 2: ", "Day 2 of 2: ");
        List<long[]> ingest = numbers(INGEST, printed);
        assertThat(ingest).hasSize(2);
        assertThat(ingest.get(0)[0]).isEqualTo(3000);
        assertThat(ingest.get(1)[0]).isEqualTo(3000);
        assertThat(ingest.get(1)[1]).isBetween(ingest.get(0)[1] * 95 / 100, 3000L);
        List<long[]> events = numbers(METER_EVENTS, printed);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)[0]).isPositive();
        assertThat(events.get(1)[0]).isPositive();
        assertThat(events.get(0)[0] + events.get(1)[0]).isEqualTo(outboxRows(benchDir));
    }

    @ParameterizedTest
    @CsvSource({"--days, 0", "--rows, 0", "--rows, -5"})
    void refusesLessThanOneRowOrDay(String option, String value) {
        // given
        StringWriter err = new StringWriter();
        CommandLine bench = command(new StringWriter());
        bench.setErr(new PrintWriter(err, true));

        // when
        int exit = bench.execute(
                "bench", option, value, "--work-dir", work.resolve("bench").toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(option + ": must be at least 1, was " + value);
        assertThat(work.resolve("bench")).doesNotExist();
    }

    private static List<long[]> numbers(Pattern pattern, String printed) {
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

    private static long outboxRows(Path benchDir) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection("jdbc:h2:file:" + benchDir.resolve("data/tokentally"), "sa", "");
                ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static CommandLine command(StringWriter out) {
        CommandLine commandLine = new CommandLine(new TokentallyCommand());
        commandLine.setOut(new PrintWriter(out, true));
        return commandLine;
    }
}
