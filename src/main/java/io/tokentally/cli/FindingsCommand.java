package io.tokentally.cli;

import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.FindingRepository;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokentally findings ...}: list findings and move them through open, acknowledged, resolved. */
@Command(
        name = "findings",
        mixinStandardHelpOptions = true,
        description = "Findings: results that need a person. One row per stable key, however often it is found.",
        subcommands = {
            FindingsCommand.ListFindings.class,
            FindingsCommand.Acknowledge.class,
            FindingsCommand.Resolve.class
        })
class FindingsCommand {

    /** {@code findings list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists findings, most recently seen first.")
    static class ListFindings implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(
                names = "--status",
                description = "open, acknowledged, resolved or all. Default: ${DEFAULT-VALUE}.",
                defaultValue = "open")
        String status;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
                String filter = status.equalsIgnoreCase("all") ? null : status.toUpperCase(Locale.ROOT);
                FindingRepository repository = context.getBean(FindingRepository.class);
                List<FindingRepository.Stored> found = repository.list(filter);
                PrintWriter out = spec.commandLine().getOut();
                for (FindingRepository.Stored finding : found) {
                    out.printf(
                            "%-8s %-13s %s (last seen %s%s)%n  %s%n",
                            finding.severity(),
                            finding.status(),
                            finding.key(),
                            finding.lastSeen(),
                            resolution(finding, repository::dateOfRun),
                            finding.message());
                    if (finding.evidence() != null) {
                        out.printf("  evidence: %s%n", Evidence.format(finding.evidence()));
                    }
                }
                out.printf("%d finding(s)%n", found.size());
                if (found.isEmpty() && repository.none()) {
                    RunCommand.sampleRunBesideHint(context).ifPresent(out::println);
                }
                out.flush();
                return 0;
            }
        }
    }

    /**
     * When a resolved finding was resolved and by which run (its id, as the finding holds it, and its date: run folders
     * and {@code restart} name execution ids), or by hand; nothing for one not resolved.
     */
    static String resolution(FindingRepository.Stored finding, LongFunction<Optional<String>> dateOfRun) {
        if (finding.resolvedAt() == null) {
            return "";
        }
        if (finding.resolvedByRun() == null) {
            return ", resolved " + finding.resolvedAt() + " by hand";
        }
        return ", resolved " + finding.resolvedAt() + " by run " + finding.resolvedByRun()
                + dateOfRun
                        .apply(finding.resolvedByRun())
                        .map(date -> " (of " + date + ")")
                        .orElse("");
    }

    /** {@code findings acknowledge KEY}. */
    @Command(
            name = "acknowledge",
            mixinStandardHelpOptions = true,
            description = "Someone is on it: the finding stays listed but no longer fails runs.")
    static class Acknowledge implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "KEY", description = "The finding's key, as findings list shows it.")
        String key;

        @Override
        public Integer call() {
            return setStatus(spec, key, "ACKNOWLEDGED");
        }
    }

    /** {@code findings resolve KEY}. */
    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = "Dealt with; if a later run finds the same problem again, the finding opens again.")
    static class Resolve implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "KEY", description = "The finding's key, as findings list shows it.")
        String key;

        @Override
        public Integer call() {
            return setStatus(spec, key, "RESOLVED");
        }
    }

    private static int setStatus(CommandSpec spec, String key, String status) {
        try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
            if (!context.getBean(FindingRepository.class).setStatus(key, status)) {
                spec.commandLine().getErr().println("no finding with key " + key);
                return TokentallyCommand.EXIT_FAILED;
            }
            spec.commandLine().getOut().println(key + ": " + status.toLowerCase(Locale.ROOT));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
