package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ChildJvm;
import io.tokentally.UsageFixtures;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Graceful stop of a command-line run: {@code tokentally run} in a JVM of its own gets SIGTERM while it
 * reads four files on threads of their own. The run is marked STOPPED at once, while its file partitions
 * still finish their chunk; the process must wait for them, or their step executions stay STARTED and no
 * run or restart of the day is accepted. The next run of the day then resumes it with every row counted
 * once, also when a step was left STARTED (by a process that did not wait, as before this was mended). A SIGTERM
 * while the rate step reads ends the run STOPPED too, not FAILED ({@link io.tokentally.job.RunStops}).
 */
class RunShutdownIntegrationTests {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job").toAbsolutePath();
    static final LocalDate DAY = LocalDate.parse("2026-11-14");
    static final int FILES = 4;
    static final int ROWS_PER_FILE = 150_000;

    @TempDir
    Path work;

    @ParameterizedTest(name = "a step left STARTED before resuming: {0}")
    @ValueSource(booleans = {false, true})
    void sigtermDuringIngestLeavesNoStepRunningAndTheNextRunResumesTheDay(boolean stepLeftStarted) throws Exception {
        // given a run reading four files at once
        List<String> run = runOfFourFiles("alice", "bob");

        // when, then: it is stopped in its ingest step, not finished
        Path log = sigtermStops(run, "Price catalog", 1_000);
        assertThat(query("SELECT STEP_NAME || ' ' || STATUS FROM BATCH_STEP_EXECUTION WHERE STATUS IN"
                        + " ('STARTING', 'STARTED', 'STOPPING')"))
                .as("step executions left running")
                .isEmpty();
        List<String> printed = Files.readAllLines(log);
        assertThat(printed)
                .as("the stopped run's failures, once each, without Spring Batch's notice per file not read")
                .filteredOn(line -> line.startsWith("  failure: "))
                .doesNotHaveDuplicates()
                .noneMatch(line -> line.contains("Job interrupted"));
        assertThat(printed)
                .filteredOn(line -> line.startsWith("Exit code 1 (STOPPED): "))
                .singleElement()
                .asString()
                .doesNotContain("Job interrupted");

        // and when the day is run again (after, in one case, a step is marked STARTED as before the mend)
        if (stepLeftStarted) {
            update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE STEP_NAME = "
                    + "(SELECT MIN(STEP_NAME) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'ingestFileStep:%')");
        }
        int exit = runInThisJvm(run);

        // then it completes with every row counted once
        assertResumedWithEveryRow(exit);
    }

    @Test
    void sigtermAsTheRateStepStartsStopsTheRunInsteadOfFailingItAndTheNextRunResumesIt() throws Exception {
        // given a run of 300 customers (two known) that has recorded its closing positions and started rating
        String[] customers = new String[300];
        customers[0] = "alice";
        customers[1] = "bob";
        for (int other = 2; other < customers.length; other++) {
            customers[other] = "other-" + other;
        }
        List<String> run = runOfFourFiles(customers);

        // when, then: stopped, not failed (Spring Batch's own stop closed the rate step's reader under it: "Unable
        // to process chunk", FAILED), and the next run of the day completes it
        Path log = sigtermStops(run, "Closed periods", 300);
        assertThat(Files.readString(log)).doesNotContain("Unable to process chunk");
        assertResumedWithEveryRow(runInThisJvm(run));
    }

    /**
     * Runs {@code run} in a JVM of its own, sends it SIGTERM {@code afterMillis} after it logs {@code line}, and checks
     * that it exits with the execution STOPPED; returns its log.
     */
    private Path sigtermStops(List<String> run, String line, long afterMillis) throws Exception {
        Path log = work.resolve("run-1.log");
        Process first = child(run, log);
        awaitLogLine(log, first, line);
        Thread.sleep(afterMillis);
        first.destroy();
        assertThat(first.waitFor(90, TimeUnit.SECONDS))
                .as("the run exits after SIGTERM; log in " + log)
                .isTrue();
        assertThat(query("SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = 1"))
                .as("the run was stopped, not finished or failed; log in " + log)
                .containsExactly("STOPPED");
        return log;
    }

    /**
     * The arguments of a run of {@link #DAY} over four files of {@link #ROWS_PER_FILE} rows of the customers, written
     * here.
     */
    private List<String> runOfFourFiles(String... customers) throws Exception {
        Path usage = Files.createDirectories(work.resolve("usage"));
        for (int file = 0; file < FILES; file++) {
            UsageFixtures.write(
                    usage.resolve("gateway-" + file + ".csv"),
                    UsageFixtures.rows("term" + file, DAY, ROWS_PER_FILE, file, customers));
        }
        return List.of(
                "run",
                "nightly-billing",
                "--date",
                DAY.toString(),
                "--input",
                "gateway=" + usage,
                "--customers",
                FIXTURES.resolve("job-customers.csv").toString(),
                "--plans",
                FIXTURES.resolve("job-plans.yaml").toString(),
                "--prices",
                FIXTURES.resolve("job-prices.csv").toString());
    }

    private int runInThisJvm(List<String> run) {
        System.setProperty("tokentally.data-dir", work.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", work.resolve("runs").toString());
        try {
            return TokentallyCommand.execute(run.toArray(String[]::new));
        } finally {
            System.clearProperty("tokentally.data-dir");
            System.clearProperty("tokentally.runs-dir");
        }
    }

    private void assertResumedWithEveryRow(int exit) throws Exception {
        assertThat(exit).isZero();
        long resumed = Long.parseLong(
                query("SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION").get(0));
        JsonNode report = JsonMapper.builder()
                .build()
                .readTree(work.resolve("runs/nightly-billing/" + DAY + "/execution-" + resumed + "/report.json")
                        .toFile());
        assertThat(report.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(report.get("counts").get("read").asLong()).isEqualTo((long) FILES * ROWS_PER_FILE);
        assertThat(report.get("counts").get("accepted").asLong()).isEqualTo((long) FILES * ROWS_PER_FILE);
    }

    private Process child(List<String> arguments, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(
                List.of(
                        "-Dtokentally.data-dir=" + work.resolve("data"),
                        "-Dtokentally.runs-dir=" + work.resolve("runs"),
                        "-Dtokentally.ingest.threads=4",
                        // the rate step in one chunk: a stop while it rates comes in the middle of reading
                        "-Dtokentally.rating.chunk-size=100000"),
                arguments));
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        builder.directory(new File("."));
        return builder.start();
    }

    private static void awaitLogLine(Path log, Process process, String text) throws Exception {
        for (int attempt = 0; attempt < 1_200 && process.isAlive(); attempt++) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not log '" + text + "'; log in " + log);
    }

    private List<String> query(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = h2();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private void update(String sql) throws Exception {
        try (Connection connection = h2();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private Connection h2() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/tokentally"), "sa", "");
    }
}
