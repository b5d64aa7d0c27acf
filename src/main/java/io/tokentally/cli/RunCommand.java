package io.tokentally.cli;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.job.InputSpecs;
import io.tokentally.job.ReferenceFiles;
import io.tokentally.job.TokentallyProperties;
import io.tokentally.schedule.JobSchedule;
import io.tokentally.schedule.JobSchedules;
import io.tokentally.shared.RequiredFile;
import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokentally run nightly-billing --date YYYY-MM-DD}: runs (or resumes, or reruns) one day. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a job for one UTC day of usage and prints where its report is.",
            "A day whose last run failed is restarted where it stopped; a completed day is run again as a"
                    + " rerun, which only picks up new files.",
            "Database: H2 under ./data by default (under ./sample-run for a run with all its default files, as the"
                    + " sample day's); set SPRING_DATASOURCE_URL (and _USERNAME, _PASSWORD) for PostgreSQL. It keeps"
                    + " the prices, plans and customers earlier runs loaded: for a fresh start, run in a new folder or"
                    + " set TOKENTALLY_HOME (the folder of data/ and runs/; it wins over ./sample-run). With"
                    + " TOKENTALLY_HOME set to ./sample-run, a run of the sample's day with a file of your own (a"
                    + " customer added) reads and writes the sample's database."
        },
        footer = {
            "",
            "Files not given are read from sample-data/ in the working folder.",
            "Exit codes: 0 completed; 1 did not complete; 2 a usage error or an input file refused before the run"
                    + " (named with its line and reason); 3 Stripe rejected rows for good; 4 open findings at or above"
                    + " tokentally.reconcile.fail-on (ERROR by default)."
        })
class RunCommand implements Callable<Integer> {

    /** Where a run of the sample day with its default files keeps its database and run folders. */
    static final String SAMPLE_RUN_FOLDER = "./sample-run";

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            description = "The job to run: ${COMPLETION-CANDIDATES}.",
            completionCandidates = JobNames.class)
    String job;

    @Option(
            names = "--date",
            description = "The UTC day of usage, YYYY-MM-DD. Required unless --job-file gives the usage window rule.")
    LocalDate date;

    @Option(
            names = "--job-file",
            paramLabel = "FILE",
            description = "A jobs/ file (as a Kubernetes CronJob runs it): its window rule gives the day when --date"
                    + " is left out (previous-day: yesterday in its zone), and its parameters replace the defaults"
                    + " of --input, --customers, --plans and --prices (options given here still win).")
    Path jobFile;

    @Option(
            names = "--input",
            paramLabel =
                    "[NAME[:ROLE]=]FOLDER|s3://BUCKET/PREFIX|api://openai[/costs|/embeddings]|api://anthropic[/costs]",
            description = "Folder of usage files, read recursively, an S3 prefix (see tokentally.s3.*) or a"
                    + " provider's Admin API (see tokentally.provider-api.*): its usage report, with /costs its"
                    + " cost report, with /embeddings OpenAI's embeddings usage; repeatable. The source name (dedup"
                    + " scope of request ids) defaults to the folder's name; ROLE is billable (default), cost"
                    + " (provider usage and cost exports for reconciliation, never billed) or both."
                    + " Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/usage")
    List<String> inputs;

    @Option(
            names = "--customers",
            description = "Customers file (CSV). Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/customers.csv")
    Path customers;

    @Option(
            names = "--plans",
            description = "Plans file (YAML). Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/plans.yaml")
    Path plans;

    @Option(
            names = "--prices",
            description = "Prices file (CSV). Default: ${DEFAULT-VALUE}.",
            defaultValue = "sample-data/prices.csv")
    Path prices;

    @Option(
            names = "--rerun",
            description = "Start at this rerun counter (0 = the first run of the day). Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    long rerun;

    @Override
    public Integer call() throws Exception {
        requireKnownJobAndDay();
        requireRerunAndDate();
        JobSchedule schedule = jobFile == null ? null : scheduleFromJobFile();
        requireFilesAndFolders();
        List<String> sources = inputs.stream().map(InputSpecs::absolute).toList();
        try (ConfigurableApplicationContext context = SpringContexts.startWithDefaults(ownFolder())) {
            if (date == null) {
                try {
                    date = dayOf(schedule, context.getBean(Clock.class));
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(
                            spec.commandLine(), "--job-file " + jobFile + " " + e.getMessage());
                }
            }
            unreadFileSettings(context).forEach(spec.commandLine().getErr()::println);
            BillingJobParameters parameters = new BillingJobParameters(date, rerun, sources, customers, plans, prices);
            // read before the run: SIGTERM closes the context as soon as the run has stopped
            Path runsDir = context.getBean(TokentallyProperties.class).runsDir();
            JobExecution execution;
            try {
                execution = context.getBean(BillingRuns.class).run(parameters);
            } catch (ReferenceFiles.Invalid e) {
                e.faults().forEach(fault -> spec.commandLine().getErr().println("tokentally: " + fault));
                return picocli.CommandLine.ExitCode.USAGE;
            }
            int exit = TokentallyCommand.printRun(
                    execution,
                    RunFolders.of(runsDir, JobNames.NIGHTLY_BILLING, date.toString(), execution.getId()),
                    spec.commandLine().getOut());
            sampleRunHint(
                            context.getBean(TokentallyProperties.class).dataDir(),
                            embedded(context.getEnvironment().getProperty("spring.datasource.url")))
                    .ifPresent(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return exit;
        }
    }

    /**
     * A warning for each of {@code tokentally.customers-file}, {@code .plans-file} and {@code .prices-file} set to
     * another file than the one this run reads: they name the files of the runs the S3 watcher starts, while {@code
     * run} reads those its options (or job file) name, whose defaults are the sample day's; an operator who set one
     * expecting {@code run} to bill with it learns that it did not.
     */
    List<String> unreadFileSettings(ConfigurableApplicationContext context) {
        return Stream.of(
                        unread(context, "tokentally.customers-file", "--customers", customers),
                        unread(context, "tokentally.plans-file", "--plans", plans),
                        unread(context, "tokentally.prices-file", "--prices", prices))
                .flatMap(Optional::stream)
                .toList();
    }

    private static Optional<String> unread(
            ConfigurableApplicationContext context, String property, String option, Path read) {
        String set = context.getEnvironment().getProperty(property);
        if (set == null
                || Path.of(set)
                        .toAbsolutePath()
                        .normalize()
                        .equals(read.toAbsolutePath().normalize())) {
            return Optional.empty();
        }
        return Optional.of("tokentally: warning: " + property + " is set to " + set + ", which run does not read: it"
                + " reads " + option + " (" + read + "); the setting names the file of runs the S3 watcher starts."
                + " Give " + option + " " + set + " to bill with it");
    }

    /**
     * What the other commands need to see a run whose home is the sample day's: they use {@code ./data} and {@code
     * runs/} unless told otherwise, where its findings and executions (on the embedded database) and its run folders
     * are not. On PostgreSQL only the run folders are there; the database is the one the settings name.
     */
    static Optional<String> sampleRunHint(Path dataDir, boolean embedded) {
        Path sampleRun = Path.of(SAMPLE_RUN_FOLDER).toAbsolutePath().normalize();
        if (!dataDir.toAbsolutePath().normalize().startsWith(sampleRun)) {
            return Optional.empty();
        }
        return Optional.of((embedded
                        ? "The sample day's database and run folders are under "
                        : "The sample day's run folders are under ")
                + SAMPLE_RUN_FOLDER + ": give the other commands TOKENTALLY_HOME=" + SAMPLE_RUN_FOLDER
                + (embedded ? "" : " and these database settings") + " to see them (findings list, restart, prices,"
                + " stripe setup, serve)");
    }

    /** Whether the datasource is the embedded H2 file database of {@code tokentally.data-dir}. */
    private static boolean embedded(String datasourceUrl) {
        return datasourceUrl != null && datasourceUrl.startsWith("jdbc:h2:file:");
    }

    /**
     * What a command that found nothing should add when it read an embedded database other than the sample day's
     * while the sample day's is there ({@code sampleRun}, {@code ./sample-run} from the command line): a newcomer's
     * {@code findings list} after the sample's run reads {@code ./data}, empty (made by that command), not the
     * sample's.
     */
    static Optional<String> sampleRunBesideHint(ConfigurableApplicationContext context) {
        return sampleRunBesideHint(
                context.getEnvironment().getProperty("spring.datasource.url"),
                context.getBean(TokentallyProperties.class).dataDir(),
                Path.of(SAMPLE_RUN_FOLDER));
    }

    /** {@link #sampleRunBesideHint(ConfigurableApplicationContext)}'s hint for this database and sample folder. */
    static Optional<String> sampleRunBesideHint(String datasourceUrl, Path dataDir, Path sampleRun) {
        Path sample = sampleRun.toAbsolutePath().normalize();
        if (!embedded(datasourceUrl)
                || dataDir.toAbsolutePath().normalize().startsWith(sample)
                || !Files.isDirectory(sample.resolve("data"))) {
            return Optional.empty();
        }
        return Optional.of("This is the database under " + dataDir + "; the sample day's is under " + sampleRun
                + ": give this command TOKENTALLY_HOME=" + sampleRun + " to see its runs and findings");
    }

    /**
     * The usage day a job file's window rule gives now, refused when that UTC day has not begun (a {@code same-day}
     * window in a zone ahead of UTC), as a schedule's run of it and a {@code --date} of it are.
     *
     * @throws IllegalArgumentException saying why the day cannot be run yet
     */
    static LocalDate dayOf(JobSchedule schedule, Clock clock) {
        LocalDate day = schedule.dateFor(Instant.now(clock));
        BillingJobParameters.notYetBegun(day, clock).ifPresent(why -> {
            throw new IllegalArgumentException("gives a day that has not begun: " + why);
        });
        return day;
    }

    /** Fails on a job other than the nightly billing job, or when neither --date nor --job-file gives the day. */
    private void requireKnownJobAndDay() {
        if (!JobNames.NIGHTLY_BILLING.equals(job)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "unknown job '" + job + "'; known jobs: " + JobNames.NIGHTLY_BILLING);
        }
        if (date == null && jobFile == null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--date is required (or --job-file, whose window rule gives the day)");
        }
    }

    /**
     * The sample day, run with all its default files, keeps its database and run folders under {@code sample-run/}:
     * a later run of an operator's own files in the same folder starts from an empty database, not from the sample's
     * prices (which would price the operator's usage where their versions are later), customers and usage. Given as
     * a default, below every setting: a home the operator set ({@code TOKENTALLY_HOME}, {@code -Dtokentally.home},
     * a configuration file's {@code tokentally.home}) wins, as does a setting of {@code tokentally.data-dir} or
     * {@code tokentally.runs-dir}.
     */
    Map<String, Object> ownFolder() {
        var parsed = spec.commandLine().getParseResult();
        boolean sampleDay = Stream.of("--input", "--customers", "--plans", "--prices", "--job-file")
                .noneMatch(parsed::hasMatchedOption);
        return sampleDay ? Map.of("tokentally.home", SAMPLE_RUN_FOLDER) : Map.of();
    }

    /** Refuses a negative rerun counter, and a day not yet begun (by this machine's clock). */
    private void requireRerunAndDate() {
        if (rerun < 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--rerun': " + rerun + " is below 0 (0 is the first run of the day)");
        }
        if (date != null) {
            BillingJobParameters.notYetBegun(date, Clock.systemUTC()).ifPresent(why -> {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--date " + why);
            });
        }
    }

    /** Reads the job file; its parameters fill in the options not given on the command line. */
    private JobSchedule scheduleFromJobFile() {
        JobSchedule schedule;
        try {
            schedule = JobSchedules.read(jobFile);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--job-file: " + e.getMessage());
        }
        if (!schedule.job().equals(job)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(),
                    "--job-file " + jobFile + " is for job '" + schedule.job() + "', not '" + job + "'");
        }
        var parsed = spec.commandLine().getParseResult();
        inputs = parsed.hasMatchedOption("--input") ? inputs : schedule.inputs();
        customers = parsed.hasMatchedOption("--customers") ? customers : fromJobFile("customers", schedule.customers());
        plans = parsed.hasMatchedOption("--plans") ? plans : fromJobFile("plans", schedule.plans());
        prices = parsed.hasMatchedOption("--prices") ? prices : fromJobFile("prices", schedule.prices());
        return schedule;
    }

    /** A file the job file gives, refused naming the job file's key when it is not there (not the option's). */
    private Path fromJobFile(String parameter, Path file) {
        RequiredFile.fault(file).ifPresent(fault -> {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--job-file " + jobFile + " 'parameters." + parameter + "': " + fault);
        });
        return file;
    }

    /**
     * Refuses missing files and input folders before the job starts: a run that failed on them would be
     * restarted, with the same paths, by the next run of its day.
     */
    private void requireFilesAndFolders() {
        RequiredFiles.requireFile(spec, "--customers", customers);
        RequiredFiles.requireFile(spec, "--plans", plans);
        RequiredFiles.requireFile(spec, "--prices", prices);
        for (String input : inputs) {
            Optional<Path> folder;
            try {
                folder = InputSpecs.folder(input);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--input " + input + ": " + e.getMessage());
            }
            if (folder.isPresent() && !Files.isDirectory(folder.get())) {
                Path absolute = folder.get().toAbsolutePath();
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "--input " + input + ": "
                                + (Files.exists(absolute)
                                        ? absolute + " is a file, not a folder"
                                        : "the folder " + absolute + " does not exist"));
            }
        }
    }
}
