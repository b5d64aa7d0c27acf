package io.tokentally.cli;

import io.tokentally.job.BackdatedPrices;
import io.tokentally.job.LoadPricesStepConfiguration;
import io.tokentally.job.PriceSyncJobConfiguration;
import io.tokentally.job.PriceSyncParameters;
import io.tokentally.pricing.FeedPrice;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceApprovals;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PriceSync;
import io.tokentally.pricing.PricesFile;
import io.tokentally.reconcile.Finding;
import io.tokentally.shared.StepLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokentally prices ...}: keep the price catalog in step with the providers. */
@Command(
        name = "prices",
        mixinStandardHelpOptions = true,
        description = "Price catalog commands.",
        subcommands = {
            PricesCommand.Sync.class,
            PricesCommand.Overrides.class,
            PricesCommand.Pending.class,
            PricesCommand.Approve.class,
            PricesRerateCommand.class
        })
class PricesCommand {

    /** {@code prices sync}: the price-sync job, on demand. */
    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Reads a price feed (LiteLLM's model_prices_and_context_window.json, or a prices CSV) from a file,"
                        + " an HTTP(S) URL or s3://bucket/key, and adds a price version for every price it states"
                        + " differently, effective from --effective. Old versions stay: usage is always rated at the"
                        + " price in force at its own time. Prices overridden by hand are left alone.",
                "Writes report.json and changes.csv under <runs-dir>/price-sync/<date>/, records findings, and"
                        + " POSTs the report to tokentally.price-sync.webhook-url if set."
            })
    static class Sync implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--feed", required = true, paramLabel = "FILE|URL|s3://BUCKET/KEY", description = "The feed.")
        String feed;

        /** A feed's name: short and plain, as it is read back from the versions' origins ({@code feed NAME (key)}). */
        private static final Pattern FEED_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,49}");

        @Option(
                names = "--name",
                defaultValue = "litellm",
                description = "The feed's name in versions and findings. Default: ${DEFAULT-VALUE}.")
        String name;

        @Option(
                names = "--format",
                defaultValue = "litellm",
                description = "litellm or csv. Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(
                names = "--effective",
                paramLabel = "INSTANT",
                description = "When the changes take effect, e.g. 2026-12-01T00:00:00Z. Default: now.")
        Instant effective;

        @Option(names = "--dry-run", description = "Show what would change; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            if (!FEED_NAME.matcher(name).matches()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--name: '" + name + "' is not a feed name: 1 to 50 letters, digits, '.', '_' or '-', beginning"
                                + " with a letter or digit (the name starts each version's origin and each finding's"
                                + " key, which are kept to 200 and 300 characters)");
            }
            PriceSyncParameters.localFile(feed).ifPresent(file -> RequiredFiles.requireFile(spec, "--feed", file));
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                Instant when = effective != null
                        ? effective
                        : context.getBean(Clock.class).instant().truncatedTo(ChronoUnit.SECONDS);
                PriceSyncParameters parameters = new PriceSyncParameters(feed, name, format, when, dryRun);
                Job job = context.getBean(PriceSyncJobConfiguration.PRICE_SYNC_JOB, Job.class);
                JobExecution execution = context.getBean(JobOperator.class)
                        .start(job, parameters.toJobParameters(context.getBean(JobRepository.class), job.getName()));
                PrintWriter out = spec.commandLine().getOut();
                if (execution.getStatus() == BatchStatus.COMPLETED) {
                    out.println(execution.getExecutionContext().getString(PriceSyncJobConfiguration.SUMMARY));
                } else {
                    // what stopped it in one line, not the exit description's stack trace
                    out.printf("Price sync of %s: %s (execution %d)%n", feed, execution.getStatus(), execution.getId());
                    TokentallyCommand.printNotCompleted(
                            execution,
                            changesAVersion(execution)
                                    ? "the same sync again would fail the same way"
                                    : "the same sync again (or tokentally restart " + execution.getId()
                                            + ") resumes it",
                            out);
                }
                out.flush();
                return TokentallyCommand.exitCodeOf(execution);
            }
        }
    }

    /**
     * Whether a sync failed on a version it would state otherwise: run again, it would fail the same way (hunt EH: it
     * was said to resume).
     */
    static boolean changesAVersion(JobExecution execution) {
        return execution.getStepExecutions().stream()
                .flatMap(step -> step.getFailureExceptions().stream())
                .anyMatch(failure -> {
                    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                        if (cause instanceof PriceRepository.ChangedVersion) {
                            return true;
                        }
                    }
                    return false;
                });
    }

    /**
     * A warning for each override that a version of its price loaded before it, in force from a later instant (a
     * sync's announced change, say), takes over from at that instant: a sync after the override never replaces it, but
     * the catalog prices an hour by the version in force then, whenever it was loaded (hunt DL).
     */
    static List<String> takenOverLater(List<Price> overrides, List<Price> catalog) {
        List<String> warnings = new ArrayList<>();
        for (Price override : overrides) {
            catalog.stream()
                    .filter(version -> FeedPrice.Slot.of(version).equals(FeedPrice.Slot.of(override))
                            && version.effectiveFrom().isAfter(override.effectiveFrom()))
                    .min(Comparator.comparing(Price::effectiveFrom))
                    // the next version of this load's own is the override's own end, not one it gives way to
                    .filter(later -> overrides.stream()
                            .noneMatch(loaded -> FeedPrice.Slot.of(loaded).equals(FeedPrice.Slot.of(later))
                                    && loaded.effectiveFrom().equals(later.effectiveFrom())))
                    .ifPresent(later -> warnings.add("warning: the "
                            + override.tokenType().code() + " price of "
                            + override.model() + " (" + override.serviceTier().code() + ", "
                            + override.contextTier().code() + ") overridden as "
                            + override.usdPerMillion().toPlainString() + " per 1M from " + override.effectiveFrom()
                            + " gives way at " + later.effectiveFrom() + " to the version in force from then ("
                            + later.usdPerMillion().toPlainString() + " per 1M, " + later.origin()
                            + "), loaded before it; to keep the override, override it again from after that instant"));
        }
        return warnings;
    }

    /** {@code prices override}: negotiated prices and custom models, which feeds never replace. */
    @Command(
            name = "override",
            mixinStandardHelpOptions = true,
            description = "Loads a prices CSV (the prices file's columns) as manual overrides: a negotiated price or a"
                    + " custom model. Price syncs never replace an overridden price; a later override does.")
    static class Overrides implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "Prices CSV of the overrides.")
        Path file;

        @Override
        public Integer call() throws Exception {
            List<Price> overrides = PricesFile.read(file).stream()
                    .map(price -> price.withOrigin(PriceSync.OVERRIDE_ORIGIN + ": " + file.getFileName()))
                    .toList();
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of());
                    // in turn with the runs' price loads and syncs: one adding the same version at once would fail
                    StepLock.Held turn = context.getBean(LoadPricesStepConfiguration.PRICE_CATALOG_LOCK, StepLock.class)
                            .hold("prices override")) {
                PriceRepository prices = context.getBean(PriceRepository.class);
                List<Price> before = prices.findAll();
                int added;
                try {
                    added = prices.load(overrides);
                } catch (PriceRepository.ChangedVersion e) {
                    throw PricesFile.refusal(file, e);
                }
                PrintWriter out = spec.commandLine().getOut();
                out.printf(
                        "%d override versions added from %s (with the batch prices derived from them)%n", added, file);
                takenOverLater(overrides, prices.findAll()).forEach(out::println);
                if (added > 0) {
                    // recorded without a run (0): an override is no run of a job
                    for (Finding backdated :
                            context.getBean(BackdatedPrices.class).record(before, prices.findAll(), 0)) {
                        out.printf("%s (%s): %s%n", backdated.kind(), backdated.severity(), backdated.message());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    /** {@code prices pending}: the syncs whose price changes wait for approval. */
    @Command(
            name = "pending",
            mixinStandardHelpOptions = true,
            description = "Lists the price syncs (feed and effective instant) whose changes plans with"
                    + " 'price_changes: hold' do not take until someone approves them.")
    static class Pending implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                List<PriceApprovals.Sync> pending = context.getBean(PriceApprovals.class)
                        .pending(context.getBean(PriceRepository.class).findAll());
                PrintWriter out = spec.commandLine().getOut();
                pending.forEach(sync -> out.printf("%s %s%n", sync.feed(), sync.effective()));
                out.printf("%d price sync(s) wait for approval%n", pending.size());
                out.flush();
                return 0;
            }
        }
    }

    /** {@code prices approve}: lets plans that hold price changes take a sync's changes, from now on. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approves a price sync's changes for plans with 'price_changes: hold': they apply to those"
                    + " plans from the first hour after the approval (never retroactively), and the approval"
                    + " records who and why.")
    static class Approve implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--feed", defaultValue = "litellm", description = "The feed's name. Default: ${DEFAULT-VALUE}.")
        String feed;

        @Option(
                names = "--effective",
                required = true,
                paramLabel = "INSTANT",
                description = "The sync's effective instant.")
        Instant effective;

        @Option(names = "--by", required = true, description = "Who approves.")
        String by;

        @Option(names = "--reason", description = "Why.")
        String reason;

        @Override
        public Integer call() {
            OptionValues.requireAtMost(spec, "--by", by, PriceApprovals.MAX_BY);
            OptionValues.requireAtMost(spec, "--reason", reason, PriceApprovals.MAX_REASON);
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                PriceApprovals approvals = context.getBean(PriceApprovals.class);
                PriceApprovals.Sync sync = new PriceApprovals.Sync(feed, effective);
                if (!approvals
                        .pending(context.getBean(PriceRepository.class).findAll())
                        .contains(sync)) {
                    spec.commandLine()
                            .getErr()
                            .printf("no price sync of %s at %s waits for approval%n", feed, effective);
                    return TokentallyCommand.EXIT_FAILED;
                }
                Instant now = context.getBean(Clock.class).instant();
                approvals.approve(sync, now, by, reason);
                spec.commandLine().getOut().printf("approved %s %s by %s at %s%n", feed, effective, by, now);
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }
}
