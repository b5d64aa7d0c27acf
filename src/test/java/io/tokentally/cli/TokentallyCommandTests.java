package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import picocli.CommandLine;

/** The command line as a user meets it: help, exit codes, the sample-data run, bad configuration. */
class TokentallyCommandTests {

    @TempDir
    Path work;

    /** The system properties the test set: Spring reads its settings from them, and the next test must not. */
    private final List<String> settings = new ArrayList<>();

    private void setting(String name, String value) {
        settings.add(name);
        System.setProperty(name, value);
    }

    @AfterEach
    void clearSettings() {
        settings.forEach(System::clearProperty);
    }

    @Test
    void helpListsTheCommandsAndExitsZero() {
        // given
        StringWriter out = new StringWriter();

        // when
        int exit = command(out, new StringWriter()).execute("--help");

        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("run", "restart", "serve", "bench", "prices", "findings");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {
            "run",
            "restart",
            "serve",
            "worker",
            "bench",
            "prices",
            "prices sync",
            "prices override",
            "prices rerate",
            "findings",
            "findings list"
        }) {
            // given
            StringWriter out = new StringWriter();

            // when
            String[] words = (command + " --help").split(" ");
            int exit = command(out, new StringWriter()).execute(words);

            // then
            assertThat(exit).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: tokentally " + command);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandPrintsTheVersionAndItsOwnDescription(String command) {
        // given
        StringWriter out = new StringWriter();
        StringWriter help = new StringWriter();

        // when
        int exit = command(out, new StringWriter())
                .execute((command + " -V").trim().split(" "));
        int helpExit = command(help, new StringWriter())
                .execute((command + " --help").trim().split(" "));

        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("tokentally ");
        assertThat(helpExit).isZero();
        assertThat(help.toString()).startsWith(("Usage: tokentally " + command).trim());
        assertThat(help.toString().contains("Batch reconciliation and invoicing engine"))
                .as("the root's description shows in " + command + "'s help")
                .isEqualTo(command.isEmpty());
    }

    /** Every command of the tree but picocli's help command, by its words. */
    static Stream<String> commands() {
        return commands("", new CommandLine(new TokentallyCommand()));
    }

    private static Stream<String> commands(String words, CommandLine command) {
        return Stream.concat(
                Stream.of(words),
                command.getSubcommands().entrySet().stream()
                        .filter(sub -> !sub.getKey().equals("help"))
                        .flatMap(sub -> commands((words + " " + sub.getKey()).trim(), sub.getValue())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            --date  | 27.11.2026 | '27.11.2026' is not a day written YYYY-MM-DD, such as 2026-11-27
            --date  | 2026-11-31 | '2026-11-31' is written YYYY-MM-DD but is no day of the calendar
            --date  | 2026-13-01 | '2026-13-01' is written YYYY-MM-DD but is no day of the calendar
            --rerun | abc        | 'abc' is not a whole number up to 9223372036854775807
            """)
    void rejectsAnOptionValueOfTheWrongFormInItsOwnWordsNotJavas(String option, String value, String reason) {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err)
                .execute("run", "nightly-billing", "--date", "2026-11-27", option, value);

        // then: what the value should look like, not "cannot convert ... to class java.time.LocalDate"
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("Invalid value for option '" + option + "': " + reason + System.lineSeparator());
    }

    @Test
    void refusesAnInstantFinerThanTheDatabaseKeeps() {
        // given
        StringWriter err = new StringWriter();

        // when: stored rounded to the microsecond, the sync's versions would not be found again at its instant
        int exit = command(new StringWriter(), err)
                .execute("prices", "approve", "--by", "ops", "--effective", "2026-12-01T00:00:00.0000001Z");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("Invalid value for option '--effective': '2026-12-01T00:00:00.0000001Z' has more than six"
                        + " decimals of a second (the database keeps instants to the microsecond)");
    }

    @Test
    void refusesAFeedNameThatWouldNotBeReadBackFromItsVersionsOrigins() {
        // given
        StringWriter err = new StringWriter();

        // when: "feed my feed (key)" would name another feed, and a long name is cut from derived prices' origins
        int exit = command(new StringWriter(), err)
                .execute("prices", "sync", "--feed", "feed.json", "--name", "my (feed)");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("--name: 'my (feed)' is not a feed name: 1 to 50 letters, digits, '.', '_' or '-'");
    }

    @Test
    void refusesAFeedFileThatIsMissingOrAPipeBeforeTheJobStarts() throws Exception {
        // given: a feed file that is not there, and one that is a pipe (--feed <(...))
        Path pipe = work.resolve("feed.json");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor())
                .isZero();
        StringWriter err = new StringWriter();

        // when
        int missing = command(new StringWriter(), err).execute("prices", "sync", "--feed", work + "/nope.json");
        int piped = command(new StringWriter(), err).execute("prices", "sync", "--feed", pipe.toString());

        // then: usage errors naming the option, where the job's step failed with a trace and exit 1
        assertThat(missing).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(piped).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("--feed: the file " + work + "/nope.json does not exist")
                .contains("--feed: " + pipe + " is not a regular file (a pipe or a device); give a file");
    }

    @Test
    void rejectsAnUnknownJob() {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute("run", "weekly-magic", "--date", "2026-11-27");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("unknown job 'weekly-magic'");
    }

    @ParameterizedTest
    @CsvSource({
        "prices rerate --from 2026-11-27 --to 2026-11-27 --reason why --by, 201, --by has 201 characters; at most 200",
        "prices rerate --from 2026-11-27 --to 2026-11-27 --by ops --reason, 2001, --reason has 2001 characters; at most 2000",
        "prices approve --effective 2026-11-27T00:00:00Z --by, 201, --by has 201 characters; at most 200"
    })
    void refusesAnApproverOrReasonLongerThanIsKeptBeforeStarting(String words, int length, String reason) {
        // given: storing it failed the re-rate job, or the approval, with the database's words
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of(words.split(" ")));
        args.add("x".repeat(length));

        // when
        int exit = command(new StringWriter(), err).execute(args.toArray(String[]::new));

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(reason);
    }

    @Test
    void aPricesFileSettingThatRunDoesNotReadIsAWarning() throws Exception {
        // given: TOKENTALLY_PRICES_FILE (the S3 watcher's runs' prices) set, and run given no --prices
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting("tokentally.prices-file", work.resolve("our-prices.csv").toString());
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute("run", "nightly-billing", "--date", "2026-11-27");

        // then: the run bills the sample's prices, and says that it does not read the setting's file
        assertThat(exit).isZero();
        assertThat(err.toString())
                .contains("tokentally: warning: tokentally.prices-file is set to " + work.resolve("our-prices.csv")
                        + ", which run does not read: it reads --prices (sample-data/prices.csv); the setting names"
                        + " the file of runs the S3 watcher starts. Give --prices " + work.resolve("our-prices.csv")
                        + " to bill with it")
                .doesNotContain("tokentally.customers-file");
    }

    @Test
    void runsTheSampleDayAndPrintsTheRunFolder() throws Exception {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter out = new StringWriter();
        // when
        int exit = command(out, new StringWriter()).execute("run", "nightly-billing", "--date", "2026-11-27");

        // then
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("COMPLETED")
                .contains("rejected 16") // two of them rows held back for want of a price:
                .contains("220 tokens of mistral/mistral-large, openai/gpt-9-ultra")
                .contains("duplicates 5")
                .contains("Run folder: " + work.resolve("runs").toAbsolutePath());
        Path folder = work.resolve("runs/nightly-billing/2026-11-27/execution-1");
        assertThat(folder.resolve("report.json")).exists();
        assertThat(Files.readAllLines(folder.resolve("rejects.csv")))
                .hasSize(17)
                .filteredOn(line -> line.contains(",NO_PRICE,"))
                .hasSize(2);
        // and its findings are listed with their evidence: the numbers and the lines of the files behind them
        StringWriter listed = new StringWriter();
        assertThat(command(listed, new StringWriter()).execute("findings", "list", "--status", "all"))
                .isZero();
        assertThat(listed.toString())
                .contains("unattributed-usage:stark-industries:2026-11-27")
                .contains("evidence: {\"numbers\":{\"customer_id\":\"stark-industries\",\"tokens\":527940,"
                        + "\"requests\":77,")
                .contains("gateway-2026-11-27.csv\",\"lines\":\"6-2997\"");
        // and one resolved by hand is listed with when, and by no run
        assertThat(command(new StringWriter(), new StringWriter())
                        .execute("findings", "resolve", "unattributed-usage:stark-industries:2026-11-27"))
                .isZero();
        StringWriter resolved = new StringWriter();
        assertThat(command(resolved, new StringWriter()).execute("findings", "list", "--status", "resolved"))
                .isZero();
        assertThat(resolved.toString())
                .containsPattern("RESOLVED +unattributed-usage:stark-industries:2026-11-27 \\(last seen \\S+Z,"
                        + " resolved \\S+Z by hand\\)");
        // and a completed run is not restarted: its date is run again instead
        StringWriter err = new StringWriter();
        assertThat(failing(command(new StringWriter(), err)).execute("restart", "1"))
                .isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString()).contains("execution 1 is COMPLETED; run its date again to rerun it");
        // and one whose process ended while writing its report (none in its folder) has it written by a restart
        Files.delete(folder.resolve("report.json"));
        StringWriter restarted = new StringWriter();
        assertThat(command(restarted, new StringWriter()).execute("restart", "1"))
                .isZero();
        assertThat(folder.resolve("report.json")).exists();
        assertThat(restarted.toString()).contains("Run folder: " + folder.toAbsolutePath());
    }

    @Test
    void aRunWithFindingsAtTheFailLevelSaysWhyItExitsFour() {
        // given the sample day, whose run raises four warnings, failing on warnings
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting("tokentally.reconcile.fail-on", "WARNING");
        StringWriter out = new StringWriter();
        // when
        int exit = command(out, new StringWriter()).execute("run", "nightly-billing", "--date", "2026-11-27");

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FINDINGS);
        assertThat(out.toString())
                .endsWith("Exit code 4 (COMPLETED_WITH_FINDINGS): 4 open finding(s) at or above WARNING"
                        + " (tokentally.reconcile.fail-on)" + System.lineSeparator());
    }

    @Test
    void aRunWhoseReportCannotBeWrittenSaysSoAndExitsOne() throws Exception {
        // given a plain file where the run's date folder would be, so its run folder cannot be created
        Path blocker = Files.writeString(
                Files.createDirectories(work.resolve("runs/nightly-billing")).resolve("2026-11-27"), "");
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter out = new StringWriter();
        // when
        int exit = command(out, new StringWriter()).execute("run", "nightly-billing", "--date", "2026-11-27");

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(out.toString())
                .contains("No report was written")
                .contains("Exit code 1 (FAILED): ")
                .contains(blocker.toString());
    }

    @Test
    void anOverriddenPriceSurvivesASyncOfTheSampleFeed() throws Exception {
        // given: a negotiated gpt-4o input price
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        Path overrides = work.resolve("negotiated.csv");
        Files.writeString(
                overrides, "model,token_type,usd_per_million,effective_from\nopenai/gpt-4o,input,2.0,2026-01-01\n");
        StringWriter out = new StringWriter();
        // when
        int overridden = command(out, new StringWriter()).execute("prices", "override", overrides.toString());
        int synced = command(out, new StringWriter())
                .execute(
                        "prices",
                        "sync",
                        "--feed",
                        "sample-data/price-feeds/litellm-2026-07-24.json",
                        "--effective",
                        "2026-12-01T00:00:00Z");

        // then
        assertThat(overridden).isZero();
        assertThat(synced).isZero();
        assertThat(out.toString())
                .contains("override versions added")
                .containsPattern("[0-9]+ added \\(9 new models\\)")
                .contains("1 overrides kept");
        assertThat(work.resolve("runs/price-sync/2026-12-01/execution-1/changes.csv"))
                .exists();
    }

    @Test
    void aSyncWhoseFeedFailsSaysWhyInOneLineWithoutAStackTrace() throws Exception {
        // given: a feed that answers 503
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        HttpServer feed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        feed.createContext("/feed.json", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        feed.start();
        String url = "http://127.0.0.1:" + feed.getAddress().getPort() + "/feed.json";
        StringWriter out = new StringWriter();
        int exit;
        try {
            // when
            exit = command(out, new StringWriter())
                    .execute("prices", "sync", "--feed", url, "--effective", "2026-12-01T00:00:00Z");
        } finally {
            feed.stop(0);
        }

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(out.toString())
                .startsWith("Price sync of " + url + ": FAILED (execution ")
                .contains("Exit code 1 (FAILED): price feed " + url + " answered HTTP 503; the same sync again (or"
                        + " tokentally restart ")
                .doesNotContain("\tat ", "Exception");
    }

    @Test
    void aCorrectedFeedAtTheSameEffectiveInstantIsToldToSyncLaterNotToResume() throws Exception {
        // given a feed synced at 1 December, then corrected
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        Path feed = work.resolve("feed.json");
        String entry =
                "{\"gpt-fix\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\": %s}}";
        Files.writeString(feed, entry.formatted("3e-06"));
        String[] sync = {"prices", "sync", "--feed", feed.toString(), "--effective", "2026-12-01T00:00:00Z"};
        assertThat(command(new StringWriter(), new StringWriter()).execute(sync))
                .isZero();
        Files.writeString(feed, entry.formatted("3.1e-06"));
        StringWriter out = new StringWriter();

        // when the same sync is given again
        int exit = command(out, new StringWriter()).execute(sync);

        // then (hunt EH) it is told to give a later --effective, not a prices file's row, nor that a rerun resumes it
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(out.toString())
                .contains("is already 3 (from feed litellm (gpt-fix)); feed litellm (gpt-fix) says 3.1. Prices are"
                        + " versioned: sync the feed with a later --effective instead; the same sync again would fail"
                        + " the same way")
                .doesNotContain("resumes it");
    }

    @Test
    void aBadArgumentIsSaidWithASuggestionAndWhereTheHelpIsWithoutTheWholeUsage() {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute("run", "nightly-billing", "--dat", "2026-11-27");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("Unknown options: '--dat', '2026-11-27'" + System.lineSeparator())
                .contains("Possible solutions: --date")
                .endsWith("Run 'tokentally run --help' for its options." + System.lineSeparator())
                .doesNotContain("Usage:");
    }

    @Test
    void runNeedsADateOrAJobFile() {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute("run", "nightly-billing");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--date is required (or --job-file");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serve  | -1    | --port must be 0 to 65535 (0 takes any free port), not -1",
                "worker | -5    | --port must be -1 to 65535 (0 takes any free port, -1 serves none), not -5",
                "worker | 65536 | --port must be -1 to 65535 (0 takes any free port, -1 serves none), not 65536"
            })
    void aPortOutsideTheRangeIsAUsageError(String command, String port, String message) {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute(command, "--port", port);

        // then: no process left running without an HTTP server
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serve  | -5    | serve's port must be 0 to 65535 (0 takes any free port; a negative one started no"
                        + " HTTP server: no API, no health for the probes)",
                "worker | -2    | a worker's port must be -1 to 65535 (0 takes any free port, -1 serves none)",
                // hex, as Spring Boot reads it: 65536
                "worker | 0x10000 | a worker's port must be -1 to 65535 (0 takes any free port, -1 serves none)",
                "worker | 70000 | a worker's port must be -1 to 65535 (0 takes any free port, -1 serves none)"
            })
    void aServerPortSettingOutsideTheRangeStopsStartUpNamingIt(String command, String port, String reason) {
        // given: the port from the environment or a system property, not --port
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("server.port", port);
        StringWriter err = new StringWriter();

        // when (serve with no HTTP server ran on, so it must stop on its own)
        int exit = assertTimeoutPreemptively(
                Duration.ofSeconds(90),
                () -> command(new StringWriter(), err)
                        .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                        .execute(command));

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .isEqualTo("tokentally: Property server.port with value '" + port + "' is invalid: " + reason);
    }

    @Test
    void aJobFileOfAnotherJobOrWithErrorsIsAUsageError() throws Exception {
        // given
        Path broken = Files.writeString(work.resolve("broken.yaml"), "name: x\njob: nightly-billing\n");
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err).execute("run", "nightly-billing", "--job-file", broken.toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("broken.yaml").contains("'cron' is missing");
    }

    @Test
    void aJobFilesMissingPricesFileIsRefusedNamingItsKeyUnlessPricesReplacesIt() throws Exception {
        // given the shipped schedule with an empty input folder and a prices file that is not there
        Files.createDirectories(work.resolve("empty-usage"));
        Path missing = work.resolve("missing-prices.csv");
        Path jobFile = Files.writeString(
                work.resolve("nightly.yaml"),
                Files.readString(Path.of("jobs/nightly-billing.yaml"))
                        .replace("- sample-data/usage", "- " + work.resolve("empty-usage"))
                        .replace("prices: sample-data/prices.csv", "prices: " + missing));
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();

        // when
        int refused = command(new StringWriter(), err)
                .execute("run", "nightly-billing", "--date", "2026-11-25", "--job-file", jobFile.toString());
        int replaced = command(new StringWriter(), new StringWriter())
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-25",
                        "--job-file",
                        jobFile.toString(),
                        "--prices",
                        "sample-data/prices.csv");

        // then: the job file's key is named, not --prices, which was not given; given, it replaces the file's
        assertThat(refused).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("--job-file " + jobFile + " 'parameters.prices': the file " + missing.toAbsolutePath()
                        + " does not exist");
        assertThat(replaced).isZero();
    }

    @Test
    void runTakesItsParametersFromAJobFile() throws Exception {
        // given: the shipped schedule, with its input replaced by an empty folder through the file
        Files.createDirectories(work.resolve("empty-usage"));
        Path jobFile = Files.writeString(
                work.resolve("nightly.yaml"),
                Files.readString(Path.of("jobs/nightly-billing.yaml"))
                        .replace("- sample-data/usage", "- " + work.resolve("empty-usage")));
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter out = new StringWriter();
        // when
        int exit = command(out, new StringWriter())
                .execute("run", "nightly-billing", "--date", "2026-11-25", "--job-file", jobFile.toString());

        // then
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("2026-11-25").contains("COMPLETED").contains("read 0");
    }

    static Stream<Arguments> plansFaults() {
        return Stream.of(
                // a default markup that would bill below zero
                Arguments.of(
                        "markup_percent: 30",
                        "markup_percent: -150",
                        "line 6: plans[id=payg].markup_percent is below -100%: -150"),
                // values Jackson would not convert: they failed the run's start with Jackson's words and exit 1
                Arguments.of(
                        "currency: USD",
                        "allow_overage: maybe",
                        "line 5: plans[id=payg].allow_overage 'maybe' is not true or false"),
                Arguments.of(
                        "      - provider: google\n        markup_percent: 10",
                        "      provider: google\n      markup_percent: 10",
                        "line 18: plans[id=enterprise].overrides must be a list"));
    }

    @ParameterizedTest
    @MethodSource("plansFaults")
    void aFaultInThePlansFileIsAUsageErrorNamingFileAndReasonAndStartsNoRun(String written, String fault, String reason)
            throws Exception {
        // given: a copy of the sample plans file with one fault
        Path plans = work.resolve("bad-plans.yaml");
        Files.writeString(
                plans, Files.readString(Path.of("sample-data/plans.yaml")).replace(written, fault));
        Path runsDir = work.resolve("runs-bad-plans");
        setting("tokentally.data-dir", work.resolve("data-bad-plans").toString());
        setting("tokentally.runs-dir", runsDir.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // when
        int exit = command(out, err)
                .execute("run", "nightly-billing", "--date", "2026-11-24", "--plans", plans.toString());

        // then: refused before the job starts, so no failed run of the day is left to be restarted
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .isEqualTo("tokentally: " + plans.toAbsolutePath() + " " + reason + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
        assertThat(runsDir).doesNotExist();
    }

    @Test
    void faultsInThePricesAndThePlansFileAreReportedTogether() throws Exception {
        // given: a prices file with a decimal comma on its first price and a plans file with a misspelt key
        Path prices = work.resolve("comma-prices.csv");
        List<String> priceLines = Files.readAllLines(Path.of("sample-data/prices.csv"));
        priceLines.set(1, priceLines.get(1).replaceFirst(",2025-", ",0,5,2025-"));
        Files.write(prices, priceLines);
        Path plans = work.resolve("misspelt-plans.yaml");
        Files.writeString(
                plans,
                Files.readString(Path.of("sample-data/plans.yaml")).replace("markup_percent: 30", "markup_percnt: 30"));
        setting("tokentally.data-dir", work.resolve("data-two-faults").toString());
        setting("tokentally.runs-dir", work.resolve("runs-two-faults").toString());
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err)
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-24",
                        "--prices",
                        prices.toString(),
                        "--plans",
                        plans.toString());

        // then: one line per file, so one run shows both
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString().lines().toList())
                .satisfiesExactly(
                        line -> assertThat(line).startsWith("tokentally: " + prices.toAbsolutePath() + " line 2: "),
                        line -> assertThat(line)
                                .startsWith("tokentally: " + plans.toAbsolutePath() + " line 6: ")
                                .contains("markup_percnt"));
    }

    @Test
    void headerOnlyPricesOnAFreshDatabaseAndHeaderOnlyCustomersAreRefusedTogether() throws Exception {
        // given: the files' headers and no rows, as an export of an empty sheet leaves them
        Path prices = headerOnlyCopy("prices.csv");
        Path customers = headerOnlyCopy("customers.csv");
        setting("tokentally.data-dir", work.resolve("data-header-only").toString());
        setting("tokentally.runs-dir", work.resolve("runs-header-only").toString());
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err)
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-24",
                        "--prices",
                        prices.toString(),
                        "--customers",
                        customers.toString());

        // then: refused before the job starts, where it used to bill nothing and exit 0
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString().lines().toList())
                .containsExactly(
                        "tokentally: " + prices.toAbsolutePath() + ": no prices, only a header, and none are stored"
                                + " yet: every usage row would be held back unpriced",
                        "tokentally: " + customers.toAbsolutePath() + ": no customers, only a header, and none are"
                                + " stored yet: every usage row would be kept unattributed and nothing billed");
        assertThat(work.resolve("runs-header-only")).doesNotExist();
    }

    @Test
    void headerOnlyPricesAndCustomersFilesAreTakenOnceSomeAreStored() throws Exception {
        // given: the sample day run, with its prices and customers stored
        setting("tokentally.data-dir", work.resolve("data-prices-stored").toString());
        setting("tokentally.runs-dir", work.resolve("runs-prices-stored").toString());
        assertThat(command(new StringWriter(), new StringWriter())
                        .execute("run", "nightly-billing", "--date", "2026-11-24"))
                .isZero();
        Path prices = headerOnlyCopy("prices.csv");
        Path customers = headerOnlyCopy("customers.csv");
        Path usage = Files.createDirectories(work.resolve("usage-two-days-earlier"));
        Files.writeString(
                usage.resolve("gateway.csv"),
                Files.readString(Path.of("sample-data/usage/gateway-2026-11-27.csv"))
                        .replace("2026-11-27T", "2026-11-25T")
                        .replace("gw-", "gw25-"));

        // when: the sample's gateway rows, two days earlier, with files that add no price and no customer
        StringWriter second = new StringWriter();
        int exit = command(second, new StringWriter())
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-25",
                        "--input",
                        usage.toString(),
                        "--prices",
                        prices.toString(),
                        "--customers",
                        customers.toString());

        // then: the stored prices and customers bill them, as they billed the sample's gateway rows
        assertThat(exit).isZero();
        assertThat(summaryLine(second, "rows:")).contains("accepted 3,004").contains("unattributed 77");
        assertThat(summaryLine(second, "billed usage:")).doesNotContain("billed $0.00");
    }

    @Test
    void aCustomersFileThatMovesAStoredCustomersTimeZoneEarlierRaisesAnError() throws Exception {
        // given: the sample day run, then its customers file with acme billed in Berlin's months
        setting("tokentally.data-dir", work.resolve("data-cycle").toString());
        setting("tokentally.runs-dir", work.resolve("runs-cycle").toString());
        assertThat(command(new StringWriter(), new StringWriter())
                        .execute("run", "nightly-billing", "--date", "2026-11-24"))
                .isZero();
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of("sample-data/customers.csv")));
        lines.set(0, lines.get(0) + ",billing_time_zone");
        for (int i = 1; i < lines.size(); i++) {
            lines.set(i, lines.get(i) + (lines.get(i).startsWith("acme,") ? ",Europe/Berlin" : ","));
        }
        Path customers = work.resolve("berlin-customers.csv");
        Files.write(customers, lines);
        StringWriter out = new StringWriter();

        // when
        int exit = command(out, new StringWriter())
                .execute("run", "nightly-billing", "--date", "2026-11-25", "--customers", customers.toString());

        // then: Berlin's open month begins an hour before the UTC one, an hour of a closed period reopened
        assertThat(exit).isEqualTo(4);
        assertThat(summaryLine(out, "findings:")).contains("BILLING_CYCLE_CHANGED 1");
    }

    @Test
    void aSecondDatabaseSharingTheRunsFolderMovesTheFirstsRunFolderAsideInsteadOfWritingOverIt() throws Exception {
        // given: the sample day run on one database
        Path runs = work.resolve("runs-shared");
        setting("tokentally.runs-dir", runs.toString());
        setting("tokentally.data-dir", work.resolve("data-first").toString());
        assertThat(command(new StringWriter(), new StringWriter())
                        .execute("run", "nightly-billing", "--date", "2026-11-24"))
                .isZero();
        Path date = runs.resolve("nightly-billing").resolve("2026-11-24");
        String firstReport = Files.readString(date.resolve("execution-1").resolve("report.json"));

        // when: the same day on a fresh database (TOKENTALLY_DATA_DIR alone changed), whose first execution is 1 too
        setting("tokentally.data-dir", work.resolve("data-second").toString());
        StringWriter out = new StringWriter();
        int exit = command(out, new StringWriter()).execute("run", "nightly-billing", "--date", "2026-11-24");

        // then: the first database's report is kept beside the second's, and the run says so
        assertThat(exit).isZero();
        assertThat(summaryLine(out, "findings:")).contains("RUN_FOLDER_MOVED_ASIDE 1");
        try (var folders = Files.list(date)) {
            Path aside = folders.filter(
                            folder -> folder.getFileName().toString().startsWith("execution-1.moved-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(aside.resolve("report.json"))).isEqualTo(firstReport);
        }
        assertThat(date.resolve("execution-1").resolve("report.json")).exists();
    }

    /** A copy of the sample's {@code file} that keeps its header line only. */
    private Path headerOnlyCopy(String file) throws IOException {
        Path copy = work.resolve("header-only-" + file);
        Files.writeString(copy, Files.readAllLines(Path.of("sample-data", file)).get(0) + "\n");
        return copy;
    }

    private static String summaryLine(StringWriter out, String start) {
        return out.toString()
                .lines()
                .map(String::strip)
                .filter(line -> line.startsWith(start))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aPricesFileGivingALoadedVersionAnotherAmountIsAUsageErrorNamingTheFile() throws Exception {
        // given: a day run with the sample prices, then a copy whose gpt-4o input price was edited in place
        setting("tokentally.data-dir", work.resolve("data-edited-prices").toString());
        setting("tokentally.runs-dir", work.resolve("runs-edited-prices").toString());
        Path edited = work.resolve("edited-prices.csv");
        Files.writeString(
                edited,
                Files.readString(Path.of("sample-data/prices.csv"))
                        .replace(
                                "openai/gpt-4o,input,standard,standard,2.5,",
                                "openai/gpt-4o,input,standard,standard,3,"));
        StringWriter err = new StringWriter();
        assertThat(command(new StringWriter(), new StringWriter())
                        .execute("run", "nightly-billing", "--date", "2026-11-23"))
                .isZero();

        // when
        int exit = command(new StringWriter(), err)
                .execute("run", "nightly-billing", "--date", "2026-11-22", "--prices", edited.toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("tokentally: " + edited.toAbsolutePath()
                        + " line 72: input of openai/gpt-4o (standard, standard)")
                .contains("is already 2.5 (from prices.csv); edited-prices.csv says 3.");
    }

    @Test
    void aMissingInputFolderIsAUsageErrorNamingTheOptionAndStartsNoRun() {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // when
        int exit = command(out, err)
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-26",
                        "--input",
                        work.resolve("nowhere").toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--input").contains("nowhere").contains("does not exist");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void aMissingPricesFileIsAUsageErrorNamingTheOptionAndStartsNoRun() {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        StringWriter err = new StringWriter();
        // when
        int exit = command(new StringWriter(), err)
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-26",
                        "--prices",
                        work.resolve("no-prices.csv").toString());

        // then a run that failed on the file would be restarted, with the same path, by the day's next run
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--prices: the file " + work.resolve("no-prices.csv") + " does not exist");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void benchRefusesAMissingPricesFileBeforeItWritesAnyUsage() {
        // given: a prices file that does not exist, as the default one when bench runs outside the repository
        StringWriter err = new StringWriter();
        Path benchDir = work.resolve("bench-without-prices");

        // when
        int exit = command(new StringWriter(), err)
                .execute(
                        "bench",
                        "--rows",
                        "10",
                        "--work-dir",
                        benchDir.toString(),
                        "--prices",
                        work.resolve("no-prices.csv").toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--prices: the file " + work.resolve("no-prices.csv") + " does not exist");
        assertThat(benchDir).doesNotExist();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aFailedDayRestartsWithTheFilesItStartedWithAndSaysSo(CapturedOutput output) throws Exception {
        // given a day whose run, with a copy of the prices file, failed on a purchases file of its input
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        Path input = Files.createDirectories(work.resolve("input-with-bad-purchases"));
        Files.writeString(input.resolve("purchases.csv"), "not,a,purchases,file\n");
        Path pricesCopy = Files.copy(Path.of("sample-data/prices.csv"), work.resolve("prices-copy.csv"));
        StringWriter failedOut = new StringWriter();
        int failed = command(failedOut, new StringWriter())
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-26",
                        "--input",
                        input.toString(),
                        "--prices",
                        pricesCopy.toString());

        // when the day is run again with the default prices file
        int restarted = command(new StringWriter(), new StringWriter())
                .execute("run", "nightly-billing", "--date", "2026-11-26", "--input", input.toString());

        // then
        assertThat(failed).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(failedOut.toString())
                .contains("Exit code 1 (FAILED): ")
                .contains("purchases.csv")
                .endsWith("; rerunning its day (or tokentally restart 1) resumes it where it stopped"
                        + System.lineSeparator());
        assertThat(restarted).isEqualTo(TokentallyCommand.EXIT_FAILED);
        // the step's failure is logged with the feed's refusal alone, no stack trace (72 lines of it were)
        assertThat(output.getOut())
                .contains("Encountered an error executing step loadPurchasesStep")
                .contains("purchases.csv: the header lacks required column purchase_id")
                .doesNotContain("\tat ");
        assertThat(output.getOut())
                .contains("Execution 1 of nightlyBillingJob started in process "
                        + ProcessHandle.current().pid() + "; should the process die, 'tokentally restart 1' resumes it")
                .contains("Execution 2 of nightlyBillingJob started in process ")
                .contains("restarts with the prices it started with, " + pricesCopy.toAbsolutePath() + ", not "
                        + Path.of("sample-data/prices.csv").toAbsolutePath());
        // and the first execution, resumed by the second, is not restarted again
        StringWriter err = new StringWriter();
        assertThat(failing(command(new StringWriter(), err)).execute("restart", "1"))
                .isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString())
                .contains("execution 1 was resumed by execution 2, which is FAILED; restart that one if it did"
                        + " not complete");
    }

    @Test
    void restartingAnUnknownExecutionSaysSo() {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        StringWriter err = new StringWriter();
        // when
        int exit = failing(command(new StringWriter(), err)).execute("restart", "424242");

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString()).contains("no job execution 424242");
    }

    @Test
    void aBadSettingStopsStartUpNamingTheProperty() {
        assertThatThrownBy(() -> SpringContexts.start(Map.of(
                        "tokentally.data-dir", work.resolve("data").toString(), "tokentally.ingest.batch-size", "0")))
                .hasStackTraceContaining("tokentally.ingest.batch-size");
    }

    @Test
    void settingsNothingReadsStopStartUpALineEachWithTheNearestKnownName() {
        // given a misspelt mapping file: ignored, it left every provider record unattributed and billed nothing
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting(
                "tokentally.attribution.mapping-fle",
                work.resolve("customer-keys.csv").toString());
        setting("tokentally.ingest.chunk-size", "20");
        StringWriter err = new StringWriter();

        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .containsExactlyInAnyOrder(
                        "tokentally: tokentally.attribution.mapping-fle (a system property) is not a setting of"
                                + " tokentally; did you mean tokentally.attribution.mapping-file?",
                        "tokentally: tokentally.ingest.chunk-size (a system property) is not a setting of tokentally;"
                                + " did you mean tokentally.rating.chunk-size?");
        assertThat(work.resolve("runs")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "tokentally.schedules.poll-interval => 30 => cannot be read (has no unit",
                "tokentally.schedules.grace => -1m => must be a duration of zero or more",
                "tokentally.schedules.max-catch-up => -1 => must be greater than or equal to 0"
            })
    void aBadScheduleSettingStopsRunAsItStopsServe(String name, String value, String reason) {
        // given a run, which runs no schedules: it bound none of their settings, and took any value
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting(name, value);

        // when
        String said = refusedStart();

        // then
        assertThat(said).startsWith("tokentally: " + name + " = " + value + ": " + reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "yes", "1"})
    void aSchedulerSwitchThatIsNeitherTrueNorFalseStopsStartUpInOneLineNamingIt(String value) {
        // given a value the scheduler's condition took for off (it takes only true): serve then ran no schedules
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.schedules.enabled", value);

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .isEqualTo("tokentally: Property tokentally.schedules.enabled with value '" + value
                        + "' is invalid: must be true or false");
        assertThat(work.resolve("runs")).doesNotExist();
    }

    @Test
    void anS3KeyWithoutItsSecretStopsStartUpNamingBothProperties() {
        assertThatThrownBy(() -> SpringContexts.start(Map.of(
                        "tokentally.data-dir", work.resolve("data").toString(), "tokentally.s3.access-key-id", "AKIA")))
                .hasStackTraceContaining("tokentally.s3.secret-access-key");
    }

    @Test
    void aWatcherWithoutADropFolderStopsStartUpNamingThePropertyInOneLine() {
        // given
        Exception failure = catchException(() -> SpringContexts.start(
                Map.of("tokentally.data-dir", work.resolve("data").toString(), "tokentally.s3.watch", "true")));

        // when
        String said = reported(failure);

        // then: said as a bad setting, not as the watcher's construction that failed
        assertThat(said.lines())
                .singleElement()
                .isEqualTo("tokentally: Property tokentally.s3.drop with value '' is invalid: it must name the drop"
                        + " folder as [name=]s3://bucket/prefix when tokentally.s3.watch=true");
    }

    @Test
    void aFailureWithoutAMessageIsSaidByItsKindsNotAsAnEmptyLine() {
        // given (hunt EB: serve stopped by a SIGTERM in its start-up printed "tokentally: " and nothing more)
        Exception failure = new IllegalStateException(null, new InterruptedException());

        // when
        String said = reported(failure);

        // then
        assertThat(said.lines())
                .singleElement()
                .isEqualTo("tokentally: java.lang.IllegalStateException caused by java.lang.InterruptedException,"
                        + " without a message");
    }

    /** What the command line prints of a failure to its error stream; its exit code is the failure's. */
    private static String reported(Exception failure) {
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(new TokentallyCommand());
        line.setErr(new PrintWriter(err, true));
        assertThat(TokentallyCommand.reportFailure(failure, line, null)).isEqualTo(TokentallyCommand.EXIT_FAILED);
        return err.toString();
    }

    @Test
    void aWatcherWhoseCustomersFileIsNotThereStopsStartUpNamingTheProperty() {
        // given: each run the watcher started failed at its first step
        Path missing = work.resolve("customers.csv");

        // when, then
        assertThatThrownBy(() -> SpringContexts.start(Map.of(
                        "tokentally.data-dir",
                        work.resolve("data").toString(),
                        "tokentally.s3.watch",
                        "true",
                        "tokentally.s3.drop",
                        "drop=s3://acme-drops/usage/",
                        "tokentally.customers-file",
                        missing.toString())))
                .hasStackTraceContaining("Property tokentally.customers-file with value '" + missing + "' is invalid:"
                        + " the watcher's runs read it, and the file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void aDropFolderWhoseSourceNameIsTooLongStopsStartUpNamingTheProperty() {
        // given a drop folder named after its bucket and prefix: 211 characters
        String drop = "s3://acme-drops/" + "p".repeat(200);

        // when, then
        assertThatThrownBy(() -> SpringContexts.start(
                        Map.of("tokentally.data-dir", work.resolve("data").toString(), "tokentally.s3.drop", drop)))
                .hasStackTraceContaining("tokentally.s3.drop: the source name has 211 characters");
    }

    @Test
    void aRunOfAnInputWhoseSourceNameIsTooLongIsAUsageError() {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = command(new StringWriter(), err)
                .execute(
                        "run",
                        "nightly-billing",
                        "--date",
                        "2026-11-27",
                        "--input",
                        "s".repeat(201) + "=sample-data/usage");

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("the source name has 201 characters; at most 200 are allowed");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anEmbeddedDatabaseRefusingAUserLeftFromPostgresqlSaysSo(CapturedOutput output) throws Exception {
        // given an embedded database made by user sa, and PostgreSQL's user still set (SPRING_DATASOURCE_USERNAME
        // left exported)
        java.sql.DriverManager.getConnection("jdbc:h2:file:" + work.resolve("data/tokentally"), "sa", "")
                .close();
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting("spring.datasource.username", "postgres");
        StringWriter err = new StringWriter();

        // when: H2 made its file with user sa, and refuses another
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(output.getAll())
                .contains(
                        "The user is postgres, not the embedded database's sa: a setting left from another database"
                                + " (SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD) without its spring.datasource.url?");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aDatabaseThatCannotBeReachedIsSaidInOneLineAndTheLogNamesTheProperties(CapturedOutput output) {
        // given a PostgreSQL URL where nothing listens, with a password in it
        setting("spring.datasource.url", "jdbc:postgresql://127.0.0.1:1/tokentally?password=secret");
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();
        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .asString()
                .startsWith("tokentally: cannot connect to the database (spring.datasource.url): Connection to"
                        + " 127.0.0.1:1 refused")
                .doesNotContain("secret");
        assertThat(output.getAll())
                .contains("Cannot connect to the database at jdbc:postgresql://127.0.0.1:1/tokentally?password=***"
                        + " (spring.datasource.url) as user sa (spring.datasource.username): Connection to"
                        + " 127.0.0.1:1 refused")
                .contains("Check spring.datasource.url, spring.datasource.username and spring.datasource.password")
                .doesNotContain("secret");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aSettingRefusedAsItsBeanIsMadeIsLoggedAsItsMessageWithoutAStackTrace(CapturedOutput output)
            throws IOException {
        // given a mapping file with a misspelt key: Spring logged some eighty lines of stack trace around the message
        Path mapping = Files.writeString(work.resolve("keys.csv"), "key,value,customer_id\nopenai.projct_id,p1,acme\n");
        setting("tokentally.attribution.mapping-file", mapping.toString());
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();
        String message = "tokentally.attribution.mapping-file (" + mapping.toAbsolutePath() + ") line 2: key"
                + " openai.projct_id is not a key of openai (its keys: project_id, api_key_id, user_id); did you mean"
                + " openai.project_id?";

        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines()).singleElement().isEqualTo("tokentally: " + message);
        assertThat(output.getAll())
                .contains("APPLICATION FAILED TO START", "Description:\n\n" + message)
                .doesNotContain("\tat ", "Application run failed");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "tokentally.ingest.dedup-days | 0 | tokentally: tokentally.ingest.dedup-days = 0: must be greater than or"
                        + " equal to 1",
                // a floor no balance can reach, and a margin floor every margin is under
                "tokentally.balances.floor-usd | 1e999 | tokentally: tokentally.balances.floor-usd = 1e999: must be less"
                        + " than 1000000000000",
                "tokentally.balances.low-balance-usd | 1e12 | tokentally: tokentally.balances.low-balance-usd = 1e12:"
                        + " must be less than 1000000000000",
                "tokentally.reconcile.margin-floor-percent | 101 | tokentally: tokentally.reconcile.margin-floor-percent"
                        + " = 101: must be less than or equal to 100",
                // a floor under 0 did nothing: a margin under 0 is a NEGATIVE_MARGIN whatever the floor
                "tokentally.reconcile.margin-floor-percent | -5 | tokentally: tokentally.reconcile.margin-floor-percent"
                        + " = -5: must be 0 or more: a margin under 0 is a NEGATIVE_MARGIN error whatever the floor",
                "tokentally.stripe.webhook-secret | sk_live_0123 | tokentally: tokentally.stripe.webhook-secret = (hidden):"
                        + " is an event destination's signing secret, whsec_...",
                // a publishable key fetched nothing and sent nothing: every request refused, every run exit 3
                "tokentally.stripe.api-key | pk_live_0123 | tokentally: tokentally.stripe.api-key = (hidden): is a"
                        + " secret key (sk_...) or a restricted key (rk_...); a publishable key (pk_...) cannot send"
                        + " meter events",
                "tokentally.balances.webhook-timeout | -1s | tokentally: tokentally.balances.webhook-timeout = -1s: must"
                        + " be a duration above zero, such as 30s or 5m",
                // Spring Batch would wait for remote partitions without a limit
                "tokentally.ingest.partition-timeout | 0s | tokentally: tokentally.ingest.partition-timeout = 0s: must"
                        + " be a duration above zero, such as 30s or 5m",
                // a count of tokens, not a secret: its value is shown
                "tokentally.reconcile.providers.usage-tokens | -1 | tokentally:"
                        + " tokentally.reconcile.providers.usage-tokens = -1:",
                "tokentally.ingest.threads | two | tokentally: tokentally.ingest.threads = two: cannot be read (For input"
                        + " string: \"two\")",
                // said with the Java enumeration's name (No enum constant io.tokentally...Partitioning.cluster)
                "tokentally.ingest.partitioning | cluster | tokentally: tokentally.ingest.partitioning = cluster: cannot"
                        + " be read (it takes local, remote)",
                // an empty amount or duration is not the default: start-up stops as for an empty number
                "tokentally.balances.floor-usd | '' | tokentally: tokentally.balances.floor-usd = (empty): cannot be"
                        + " read (is empty: give it a value, or leave the setting out to take its default)",
                "tokentally.balances.webhook-timeout | '' | tokentally: tokentally.balances.webhook-timeout = (empty):"
                        + " cannot be read (is empty: give it a value, or leave the setting out to take its default)",
                // an empty optional file is not "none" either: the mapping's usage would go unattributed (hunt EF)
                "tokentally.attribution.mapping-file | '' | tokentally: tokentally.attribution.mapping-file = (empty):"
                        + " cannot be read (is empty: give it a value, or leave the setting out to take its default)",
                // a whole number stops start-up when empty anyway: said the same way, not in the converter's words
                "tokentally.ingest.threads | '' | tokentally: tokentally.ingest.threads = (empty): cannot be read (is"
                        + " empty: give it a value, or leave the setting out to take its default)",
                // a duration without a unit would be milliseconds
                "tokentally.balances.webhook-timeout | 10 | tokentally: tokentally.balances.webhook-timeout = 10: cannot"
                        + " be read (has no unit: give one, such as 30s, 15m or 2h)",
                "spring.datasource.hikari.maximum-pool-size | 2 | tokentally: Property"
                        + " spring.datasource.hikari.maximum-pool-size with value '2' is invalid: at least 3 connections"
                        + " are needed",
                // a pool of one: said at once, before Flyway waits 30 s for a second connection
                "spring.datasource.hikari.maximum-pool-size | 1 | tokentally: Property"
                        + " spring.datasource.hikari.maximum-pool-size with value '1' is invalid: at least 3 connections"
                        + " are needed",
                "spring.datasource.url | notajdbcurl?password=secret | tokentally: Property spring.datasource.url with"
                        + " value 'notajdbcurl?password=***' is invalid: not a JDBC URL; it starts with jdbc:",
                // accepted at start-up, these failed a price sync when it posted, and every S3 read, without the name
                "tokentally.price-sync.webhook-url | notaurl | tokentally: tokentally.price-sync.webhook-url must be an"
                        + " http or https URL with a host, not 'notaurl'",
                "tokentally.s3.endpoint | localhost:9090 | tokentally: tokentally.s3.endpoint must be an http or https URL"
                        + " with a host, not 'localhost:9090'",
                "tokentally.stripe.api-base | http://api.stripe .com | tokentally: tokentally.stripe.api-base must be an"
                        + " http or https URL with a host, not 'http://api.stripe .com': Illegal character in authority",
                // one finding either way: a list that says twice is likely not the one meant
                "tokentally.balances.included-thresholds-percent | '80,100,80' | tokentally:"
                        + " tokentally.balances.included-thresholds-percent lists 80 twice; list each share once",
                "tokentally.stripe.token-models | 'openai/gpt-4o,openai/gpt-4o' | tokentally:"
                        + " tokentally.stripe.token-models lists openai/gpt-4o twice; list each once",
                "tokentally.stripe.token-tiers | 'batch,long,batch' | tokentally: tokentally.stripe.token-tiers lists"
                        + " batch twice; list each once",
                "tokentally.s3.failed-prefix | processed/ | tokentally: tokentally.s3.processed-prefix and"
                        + " tokentally.s3.failed-prefix are both 'processed/': an object no reader could read would be put"
                        + " with those that were read",
                // accepted, these failed every Stripe delivery (502, retried by Stripe for days) and every remote run
                "tokentally.stripe.webhook-secret | whsec_abc | tokentally: tokentally.stripe.webhook-secret is set but"
                        + " tokentally.stripe.api-key is not: each event is fetched from Stripe with the API key",
                "tokentally.ingest.queue | ' ' | tokentally: tokentally.ingest.queue = (empty): must not be blank",
                "tokentally.s3.staging-dir | /dev/null | tokentally: tokentally.s3.staging-dir /dev/null is unusable: it"
                        + " is a file, not a folder",
                // Spring's refusal, as the logging system started, did not name the setting
                "logging.structured.format.console | xml | tokentally: Property logging.structured.format.console with"
                        + " value 'xml' is invalid: not one of the formats ecs, gelf, logstash nor the name of a class"
                        + " on the class path",
                "logging.structured.format.file | io.tokentally.NoSuchFormatter | tokentally: Property"
                        + " logging.structured.format.file with value 'io.tokentally.NoSuchFormatter' is invalid: not"
                        + " one of the formats ecs, gelf, logstash nor the name of a class on the class path"
            })
    void aBadSettingIsSaidInOneLastLineWithThePropertysName(String property, String value, String lastLine) {
        setting(property, value);
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();
        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines()).singleElement().asString().startsWith(lastLine);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "'' | tokentally: tokentally.ingest.broker-uri is not set: remote partitions need the RabbitMQ broker's",
                "localhost:5672 | tokentally: tokentally.ingest.broker-uri is no AMQP URI: it starts with amqp://",
                // the AMQP client's own reason quotes the user info, password included
                "amqp://bob:pa:ss@127.0.0.1:5672 | tokentally: tokentally.ingest.broker-uri cannot be used: its user,"
                        + " password, host, port or virtual host is not one the AMQP client reads",
                "amqp://guest:guest@127.0.0.1:5672 | tokentally: tokentally.ingest.partitioning=remote needs PostgreSQL"
                        + " (spring.datasource.url)"
            })
    void remotePartitionsStopStartUpNamingTheSettingWithoutABrokerURIOrOnH2(String brokerUri, String lastLine) {
        // given: remote partitions on the embedded H2 database
        setting("tokentally.ingest.partitioning", "remote");
        setting("tokentally.ingest.broker-uri", brokerUri);
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();

        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines()).singleElement().asString().startsWith(lastLine);
        assertThat(err.toString()).doesNotContain("pa:ss");
    }

    @Test
    void aWorkerIsRemotePartitioningAndStopsStartUpOnH2NamingTheSetting() {
        // given a worker on the embedded H2 database, with a broker; when it starts, then
        assertThatThrownBy(() -> SpringContexts.worker(Map.of(
                        "tokentally.data-dir",
                        work.resolve("data").toString(),
                        "tokentally.ingest.broker-uri",
                        "amqp://guest:guest@127.0.0.1:5672")))
                .hasStackTraceContaining("tokentally.ingest.partitioning=remote needs PostgreSQL");
    }

    @ParameterizedTest
    @CsvSource({"tokentally.data-dir", "tokentally.runs-dir"})
    void anEmptyDataOrRunsFolderStopsStartUpNamingThePropertyBeforeAnyRun(String property) {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting(property, "");
        StringWriter err = new StringWriter();
        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                // said as the other settings' empty values are (hunt ED: "must not be null")
                .isEqualTo("tokentally: " + property + " = (empty): cannot be read (is empty: give it a value, or leave"
                        + " the setting out to take its default)");
        assertThat(work.resolve("runs")).doesNotExist();
    }

    @Test
    void aMappingFileThatMapsAKeyToTwoCustomersStopsStartUpInOneLineNamingThePropertyAndBothLines() throws Exception {
        // given
        Path mapping = Files.writeString(
                work.resolve("customer-keys.csv"),
                "key,value,customer_id\nopenai.project_id,proj_1,acme\nopenai.project_id,proj_1,globex\n");
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.attribution.mapping-file", mapping.toString());

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .isEqualTo("tokentally: tokentally.attribution.mapping-file (" + mapping.toAbsolutePath()
                        + ") line 3: openai.project_id proj_1 is mapped to customer globex, and to acme on line 2");
        assertThat(work.resolve("runs")).doesNotExist();
    }

    @Test
    void aFileSettingTheEngineCannotReadStopsStartUpNamingTheSettingAndTheFileBeforeTheReason() throws Exception {
        // given a SKU table that is not UTF-8
        Path table = Files.write(work.resolve("skus.csv"), new byte[] {'s', 'k', 'u', '\n', (byte) 0xff, '\n'});
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.gcp.sku-patterns", table.toString());

        // when
        String said = refusedStart();

        // then: not the beans that wrapped it
        assertThat(said)
                .isEqualTo("tokentally: tokentally.gcp.sku-patterns (" + table.toAbsolutePath()
                        + ") line 2: not valid UTF-8");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aDropFolderThatIsNoS3LocationIsRefusedAsItsSettingIsReadNotByABeansStackTrace(CapturedOutput output) {
        // given (hunt ED: the health indicator refused it first, after 'Application run failed' and 51 lines of trace)
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.s3.drop", "notaurl");

        // when
        String said = refusedStart();

        // then
        assertThat(said).isEqualTo("tokentally: tokentally.s3.drop must be [name=]s3://bucket/prefix, not 'notaurl'");
        assertThat(output.getAll()).doesNotContain("BeanCreationException").doesNotContain("s3HealthIndicator");
    }

    @Test
    void aSettingWhoseCheckWrapsAnotherIsSaidWholeTheSettingBeforeTheReason() {
        // given a drop folder that names no bucket: the setting's check puts its name before the reader's words
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.s3.drop", "s3://");

        // when
        String said = refusedStart();

        // then
        assertThat(said).isEqualTo("tokentally: tokentally.s3.drop: S3 source 's3://' names no bucket");
    }

    @Test
    void aDataFolderThatIsAFileStopsStartUpNamingThePropertyNotTheDatabaseUrl() throws Exception {
        // given
        Path file = Files.writeString(work.resolve("passwd"), "root:x:0:0\n");
        setting("tokentally.data-dir", file.toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .isEqualTo("tokentally: Property tokentally.data-dir with value '" + file
                        + "' is invalid: it is a file, not a folder (the embedded database lives in it)");
    }

    @Test
    void aRunsFolderThatIsAFileStopsStartUpNamingThePropertyBeforeAnyRun() throws Exception {
        // given
        Path file = Files.writeString(work.resolve("passwd"), "root:x:0:0\n");
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", file.toString());

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .isEqualTo("tokentally: Property tokentally.runs-dir with value '" + file
                        + "' is invalid: it is a file, not a folder");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void aRunsFolderThatCannotBeMadeStopsStartUpNamingThePropertyBeforeAnyRun() throws Exception {
        // given a folder under /proc, which every check of permissions allows the superuser (as CI runs) to write
        Path proc = Path.of("/proc/tokentally-runs");
        assumeTrue(Files.isWritable(proc.getParent()), "only the superuser passes the permission checks for /proc");
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", proc.toString());

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .startsWith("tokentally: Property tokentally.runs-dir with value '" + proc
                        + "' is invalid: it cannot be" + " created: making " + proc + " failed");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--rerun | -1 | Invalid value for option '--rerun': -1 is below 0 (0 is the first run of the day)",
                "--input | gw:billing=sample-data/usage | --input gw:billing=sample-data/usage: unknown source role"
                        + " 'billing': a source's role is billable, cost or both",
            })
    void aBadOptionIsAUsageErrorAndStartsNoRun(String option, String value, String message) {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        StringWriter err = new StringWriter();
        // when
        int exit = command(new StringWriter(), err)
                .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                .execute("run", "nightly-billing", "--date", "2026-11-27", option, value);

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).startsWith(message + System.lineSeparator());
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void aDateAfterTodayIsAUsageErrorNamingToday() {
        // given
        setting("tokentally.data-dir", work.resolve("data").toString());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        StringWriter err = new StringWriter();
        // when
        int exit = command(new StringWriter(), err)
                .execute("run", "nightly-billing", "--date", today.plusDays(1).toString());

        // then
        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).startsWith("--date " + today.plusDays(1) + " is after today, " + today + " (UTC)");
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void aFileGivenForAFolderAndAFolderForAFileAreSaidSo() {
        // given
        Path usageFile = Path.of("sample-data/usage/gateway-2026-11-27.csv");
        StringWriter inputErr = new StringWriter();
        StringWriter customersErr = new StringWriter();

        // when
        int input = command(new StringWriter(), inputErr)
                .execute("run", "nightly-billing", "--date", "2026-11-27", "--input", usageFile.toString());
        int customers = command(new StringWriter(), customersErr)
                .execute("run", "nightly-billing", "--date", "2026-11-27", "--customers", "sample-data");

        // then
        assertThat(input).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(inputErr.toString())
                .startsWith("--input " + usageFile + ": " + usageFile.toAbsolutePath() + " is a file, not a folder");
        assertThat(customers).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(customersErr.toString())
                .startsWith("--customers: " + Path.of("sample-data").toAbsolutePath() + " is a folder, not a file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on"})
    void aDropWatchSwitchThatIsNeitherTrueNorFalseStopsServeInOneLineNamingIt(String value) {
        // given a value the watcher's condition took for off (it takes only true): serve then watched no drop folder
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting("tokentally.api.tokens", "serve-test-token-0123456789abcdef");
        setting("tokentally.s3.watch", value);
        StringWriter err = new StringWriter();

        // when
        int exit = serveReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .isEqualTo("tokentally: Property tokentally.s3.watch with value '" + value
                        + "' is invalid: must be true or false");
    }

    @Test
    void aDropWatchSwitchThatIsNeitherTrueNorFalseStopsARunTooThoughRunsNeverWatch() {
        // given yes, which a run, watching no drop folder whatever the setting says, left unread (hunt ED: the run
        // billed the night where README says another value stops start-up)
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        setting("tokentally.s3.watch", "yes");
        StringWriter err = new StringWriter();

        // when
        int exit = runReportingFailures(err);

        // then
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .isEqualTo(
                        "tokentally: Property tokentally.s3.watch with value 'yes' is invalid: must be true or false");
        assertThat(work.resolve("runs")).doesNotExist();
    }

    @Test
    void serveWithoutApiTokensSaysTheyAreEmptyNotHidden() {
        // given no tokentally.api.tokens at all
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();

        // when
        int exit = serveReportingFailures(err);

        // then: an empty list is no secret to hide
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .isEqualTo(
                        "tokentally: tokentally.api.tokens = (empty): set at least one token (TOKENTALLY_API_TOKENS)");
    }

    @Test
    void serveHonoursTheSchedulesFolderSetAsAPropertyAndRefusesOneThatDoesNotExist() {
        // given a schedules folder set as a property (not --jobs), one that does not exist
        Path missing = work.resolve("no-jobs");
        Map<String, String> properties = Map.of(
                "tokentally.schedules.dir", missing.toString(),
                "tokentally.api.tokens", "serve-test-token-0123456789abcdef",
                "tokentally.data-dir", work.resolve("data").toString(),
                "tokentally.runs-dir", work.resolve("runs").toString());
        properties.forEach(System::setProperty);
        StringWriter err = new StringWriter();
        try {
            // when (the old serve replaced it by jobs/ and served on, so it must stop on its own)
            int exit = serveReportingFailures(err);

            // then
            assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
            assertThat(err.toString().lines())
                    .singleElement()
                    .isEqualTo("tokentally: Property tokentally.schedules.dir with value '" + missing
                            + "' is invalid: the jobs folder " + missing + " does not exist");
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void serveRefusesAJobFileWhosePricesFileIsNotThereInOneLine() throws Exception {
        // given: a schedule whose every fire would fail at its first step
        Path jobs = Files.createDirectories(work.resolve("jobs"));
        Path missing = work.resolve("prices.csv");
        Path jobFile = Files.writeString(
                jobs.resolve("nightly.yaml"),
                Files.readString(Path.of("jobs/nightly-billing.yaml"))
                        .replace("prices: sample-data/prices.csv", "prices: " + missing));
        setting("tokentally.api.tokens", "serve-test-token-0123456789abcdef");
        setting("tokentally.data-dir", work.resolve("data").toString());
        setting("tokentally.runs-dir", work.resolve("runs").toString());
        StringWriter err = new StringWriter();

        // when (the old serve started and failed at each fire time, so it must stop on its own)
        int exit = assertTimeoutPreemptively(
                Duration.ofSeconds(90),
                () -> command(new StringWriter(), err)
                        .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                        .execute("serve", "--port", "0", "--jobs", jobs.toString()));

        // then: one line, no trace
        assertThat(exit).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines())
                .singleElement()
                .isEqualTo("tokentally: Property tokentally.schedules.dir with value '" + jobs + "' is invalid: "
                        + jobFile + " line 20: 'parameters.prices': the file " + missing + " does not exist");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --date 2026-11-27                                        | ./sample-run
            --date 2026-11-27 --input own-usage                      |
            --date 2026-11-27 --customers own.csv                    |
            --date 2026-11-27 --plans own.yaml                       |
            --date 2026-11-27 --prices own.csv                       |
            --date 2026-11-27 --prices sample-data/prices.csv        |
            --job-file jobs/nightly-billing.yaml                     |
            """)
    void theSampleDayWithItsDefaultFilesKeepsItsDatabaseAndRunFoldersApart(String options, String home) {
        // given
        RunCommand run = new RunCommand();
        CommandLine commandLine = new CommandLine(run);

        // when
        commandLine.parseArgs(("nightly-billing " + options).split(" "));

        // then: any file of the operator's own (even the sample's, given by name) runs in the working folder's
        // data/ and runs/; the sample day alone in sample-run/
        assertThat(run.ownFolder())
                .isEqualTo(home == null ? java.util.Map.of() : java.util.Map.of("tokentally.home", home));
    }

    @Test
    void aHomeTheOperatorSetWinsOverTheSampleDaysFolder() throws Exception {
        // given: the sample day with its default files, and a configuration file naming a home
        Path home = work.resolve("home");
        Path config = Files.writeString(work.resolve("tokentally.properties"), "tokentally.home=" + home + "\n");
        setting("spring.config.additional-location", "file:" + config);
        StringWriter out = new StringWriter();

        // when
        int exit = command(out, new StringWriter()).execute("run", "nightly-billing", "--date", "2026-11-27");

        // then: its home is used as it is (./sample-run was given over it, as over -Dtokentally.home before)
        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains("Run folder: " + home.resolve("runs").toAbsolutePath());
        assertThat(home.resolve("data/tokentally.mv.db")).exists();
    }

    @Test
    void aBlankHomeStopsStartUpNamingIt() {
        // given: TOKENTALLY_HOME set but empty put the database in the file system's root, /data
        setting("tokentally.home", " ");

        // when
        String said = refusedStart();

        // then
        assertThat(said)
                .isEqualTo("tokentally: Property tokentally.home with value ' ' is invalid: must name a folder"
                        + " (TOKENTALLY_HOME is set but empty?); leave it unset for the working folder");
    }

    @Test
    void aRunInTheSampleDaysDatabaseSaysHowTheOtherCommandsSeeIt() {
        // the sample day's own database, and one of the working folder (findings list there showed 0 findings)
        assertThat(RunCommand.sampleRunHint(Path.of("./sample-run/data"), true))
                .hasValue("The sample day's database and run folders are under ./sample-run: give the other commands"
                        + " TOKENTALLY_HOME=./sample-run to see them (findings list, restart, prices, stripe setup,"
                        + " serve)");
        assertThat(RunCommand.sampleRunHint(Path.of("data"), true)).isEmpty();
        // on PostgreSQL only the run folders are the sample's
        assertThat(RunCommand.sampleRunHint(Path.of("./sample-run/data"), false))
                .hasValue("The sample day's run folders are under ./sample-run: give the other commands"
                        + " TOKENTALLY_HOME=./sample-run and these database settings to see them (findings list,"
                        + " restart, prices, stripe setup, serve)");
    }

    @Test
    void aCommandThatFoundNothingInTheWorkingFoldersDatabaseNamesTheSampleDaysBesideIt(@TempDir Path folder)
            throws Exception {
        // given: a working folder with the sample day's database
        Path sampleRun = folder.resolve("sample-run");
        Files.createDirectories(sampleRun.resolve("data"));
        Path data = folder.resolve("data");
        String h2 = "jdbc:h2:file:" + data + "/tokentally";

        // when, then: the embedded database of the working folder names the sample's; the sample's own, a
        // PostgreSQL database and a folder without the sample's say nothing
        assertThat(RunCommand.sampleRunBesideHint(h2, data, sampleRun))
                .hasValue("This is the database under " + data + "; the sample day's is under " + sampleRun
                        + ": give this command TOKENTALLY_HOME=" + sampleRun + " to see its runs and findings");
        assertThat(RunCommand.sampleRunBesideHint(h2, sampleRun.resolve("data"), sampleRun))
                .isEmpty();
        assertThat(RunCommand.sampleRunBesideHint("jdbc:postgresql://127.0.0.1:5432/test", data, sampleRun))
                .isEmpty();
        assertThat(RunCommand.sampleRunBesideHint(h2, data, folder.resolve("elsewhere")))
                .isEmpty();
    }

    @Test
    void serveSetsThePortAndTheSchedulesOnlyFromTheOptionsGiven() {
        // given
        ServeCommand bare = new ServeCommand();
        ServeCommand all = new ServeCommand();

        // when
        new CommandLine(bare).parseArgs();
        new CommandLine(all).parseArgs("--port", "18480", "--jobs", "/etc/tokentally/jobs", "--no-scheduler");

        // then: what is left out is left to server.port and tokentally.schedules.*, however they are set
        assertThat(bare.properties())
                .doesNotContainKeys("server.port", "tokentally.schedules.dir", "tokentally.schedules.enabled");
        assertThat(all.properties())
                .containsEntry("server.port", 18480)
                .containsEntry("tokentally.schedules.dir", Path.of("/etc/tokentally/jobs"))
                .containsEntry("tokentally.schedules.enabled", false);
    }

    @Test
    void aWorkerSetsThePortOfItsHealthOnlyFromTheOptionGiven() {
        // given
        WorkerCommand bare = new WorkerCommand();
        WorkerCommand all = new WorkerCommand();

        // when
        new CommandLine(bare).parseArgs();
        new CommandLine(all).parseArgs("--port", "18481", "--threads", "3");

        // then
        assertThat(bare.properties()).isEmpty();
        assertThat(all.properties()).containsEntry("server.port", 18481).containsEntry("tokentally.ingest.threads", 3);
    }

    /** Runs 2026-11-27's nightly billing, printing a failure to {@code err} as the real command line does. */
    /** What a run of the sample day that stopped at start-up said: its one line (its exit code checked). */
    private static String refusedStart() {
        StringWriter err = new StringWriter();
        assertThat(runReportingFailures(err)).isEqualTo(TokentallyCommand.EXIT_FAILED);
        assertThat(err.toString().lines()).hasSize(1);
        return err.toString().strip();
    }

    /** {@code serve} on any free port, which must stop on its own within 90 s: its start-up fails. */
    private static int serveReportingFailures(StringWriter err) {
        return assertTimeoutPreemptively(
                Duration.ofSeconds(90),
                () -> command(new StringWriter(), err)
                        .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                        .execute("serve", "--port", "0"));
    }

    private static int runReportingFailures(StringWriter err) {
        return command(new StringWriter(), err)
                .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                .execute("run", "nightly-billing", "--date", "2026-11-27");
    }

    /** The command line printing a failure's message to its error stream, as the real one does. */
    private static CommandLine failing(CommandLine commandLine) {
        return commandLine.setExecutionExceptionHandler((failure, line, parseResult) -> {
            line.getErr().println(failure.getMessage());
            return TokentallyCommand.EXIT_FAILED;
        });
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        CommandLine commandLine = TokentallyCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
