package io.tokentally.cli;

import io.tokentally.job.RerateJobConfiguration;
import io.tokentally.job.TokentallyProperties;
import io.tokentally.pricing.PriceApprovals;
import io.tokentally.rating.RatingPreview;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.UploadStepConfiguration;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prices rerate}: history rated again at today's catalog, only when asked, difference shown first. */
@Command(
        name = "rerate",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what rating whole UTC days again at today's price catalog would change (per customer, model"
                    + " and token type: cost and billed amount before and after), and with --apply does it:"
                    + " rates the days again and queues the differences for Stripe as corrections.",
            "The request is recorded with who asked, why, and the previewed difference."
        })
class PricesRerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First UTC day.")
    java.time.LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last UTC day (inclusive).")
    java.time.LocalDate to;

    @Option(names = "--by", required = true, description = "Who asks.")
    String by;

    @Option(names = "--reason", required = true, description = "Why.")
    String reason;

    @Option(names = "--apply", description = "Re-rate; without it, only show the difference.")
    boolean apply;

    @Override
    public Integer call() throws Exception {
        if (to.isBefore(from)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--to is before --from");
        }
        OptionValues.requireAtMost(spec, "--by", by, PriceApprovals.MAX_BY);
        OptionValues.requireAtMost(spec, "--reason", reason, PriceApprovals.MAX_REASON);
        try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
            PrintWriter out = spec.commandLine().getOut();
            List<RatingPreview.Line> lines = context.getBean(RatingPreview.class)
                    .between(
                            from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                            to.plusDays(1)
                                    .atStartOfDay(java.time.ZoneOffset.UTC)
                                    .toInstant());
            if (lines.isEmpty()) {
                out.println("No line would change: today's catalog bills these days as they were billed.");
            } else {
                printPreview(out, lines);
                if (!apply) {
                    out.println("Nothing changed; run again with --apply to re-rate.");
                }
            }
            if (!apply) {
                out.flush();
                return 0;
            }
            Job job = context.getBean(RerateJobConfiguration.RERATE_JOB, Job.class);
            JobExecution execution = context.getBean(JobOperator.class)
                    .start(job, parameters(context.getBean(Clock.class).instant()));
            return printRerate(
                    execution, context.getBean(TokentallyProperties.class).runsDir(), out);
        }
    }

    /**
     * How a rerate ended, as {@code --apply} and {@code restart} print it: its days and status, the dry run's Stripe
     * requests, and for one that did not complete, why and how to resume it. Returns its exit code.
     */
    static int printRerate(JobExecution execution, Path runsDir, PrintWriter out) {
        String from = execution.getJobParameters().getString(RerateJobConfiguration.FROM);
        String to = execution.getJobParameters().getString(RerateJobConfiguration.TO);
        out.printf("Re-rate %s..%s: %s (execution %d)%n", from, to, execution.getStatus(), execution.getId());
        Path requests = RunFolders.of(runsDir, JobNames.NIGHTLY_BILLING, from, execution.getId())
                .resolve(UploadStepConfiguration.DRY_RUN_FILE);
        if (Files.exists(requests)) {
            out.println("Stripe requests (dry run): " + requests.toAbsolutePath());
        }
        int exitCode = TokentallyCommand.exitCodeOf(execution);
        if (exitCode != 0 && execution.getStatus() != BatchStatus.COMPLETED) {
            // a new prices rerate would be a run of its own: only the restart resumes this one
            TokentallyCommand.printNotCompleted(
                    execution, "tokentally restart " + execution.getId() + " resumes it where it stopped", out);
        }
        out.flush();
        return exitCode;
    }

    private org.springframework.batch.core.job.parameters.JobParameters parameters(Instant now) {
        return new org.springframework.batch.core.job.parameters.JobParametersBuilder()
                .addString("date", from.toString())
                .addString(RerateJobConfiguration.FROM, from.toString())
                .addString(RerateJobConfiguration.TO, to.toString())
                .addString(RerateJobConfiguration.BY, by, false)
                .addString(RerateJobConfiguration.REASON, reason, false)
                .addString(RerateJobConfiguration.REQUESTED_AT, now.toString())
                .toJobParameters();
    }

    /**
     * One row per line that would change, with its tokens (before and after where they differ: the re-rating bills
     * usage held for its tier or token type), provider cost and billed amount before and after (unattributed usage
     * changes its cost only: it is not billed), then the totals.
     */
    private static void printPreview(PrintWriter out, List<RatingPreview.Line> lines) {
        BigDecimal costBefore = BigDecimal.ZERO;
        BigDecimal costAfter = BigDecimal.ZERO;
        BigDecimal before = BigDecimal.ZERO;
        BigDecimal after = BigDecimal.ZERO;
        for (RatingPreview.Line line : lines) {
            out.printf(
                    "  %-20s %-36s %-15s %15s tokens  cost %s -> %s  billed %s -> %s%n",
                    line.customerId(),
                    line.model(),
                    line.tokenType().code(),
                    line.tokensBefore() == line.tokensAfter()
                            ? String.format("%,d", line.tokensBefore())
                            : String.format("%,d -> %,d", line.tokensBefore(), line.tokensAfter()),
                    Amounts.toText(line.costBefore()),
                    Amounts.toText(line.costAfter()),
                    Amounts.toText(line.billedBefore()),
                    Amounts.toText(line.billedAfter()));
            costBefore = costBefore.add(line.costBefore());
            costAfter = costAfter.add(line.costAfter());
            before = before.add(line.billedBefore());
            after = after.add(line.billedAfter());
        }
        out.printf(
                "%d line(s) change; cost %s -> %s; billed %s -> %s (difference %s)%n",
                lines.size(),
                Amounts.toText(costBefore),
                Amounts.toText(costAfter),
                Amounts.toText(before),
                Amounts.toText(after),
                Amounts.toText(after.subtract(before)));
    }
}
