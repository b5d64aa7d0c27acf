package io.tokentally.cli;

import io.tokentally.job.RunFailures;
import io.tokentally.job.RunReportListener;
import io.tokentally.job.RunSummary;
import io.tokentally.shared.DatabaseUnreachableFailureAnalyzer;
import io.tokentally.shared.UnknownSettingsException;
import io.tokentally.stripe.StripeClients;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.NestedRuntimeException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.validation.FieldError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tokentally} command line. */
@Command(
        name = "tokentally",
        mixinStandardHelpOptions = true,
        // subcommands inherit every attribute here they do not set themselves: the version (-V) and -h; each
        // subcommand sets its own description, or it would show this one
        scope = CommandLine.ScopeType.INHERIT,
        version = "tokentally 0.1.0",
        description = "Batch reconciliation and invoicing engine for LLM token billing.",
        subcommands = {
            RunCommand.class,
            RestartCommand.class,
            ServeCommand.class,
            WorkerCommand.class,
            StripeCommand.class,
            PricesCommand.class,
            FindingsCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public class TokentallyCommand {

    /**
     * The last part of a secret setting's name: tokentally.api.tokens, not a count of tokens such as
     * tokentally.reconcile.providers.usage-tokens.
     */
    private static final Pattern SECRET = Pattern.compile("([.-](secret|key|password)|\\.tokens?)$");

    /** Exit code of a run that did not complete. */
    public static final int EXIT_FAILED = 1;

    /** Exit code of a run that completed but whose upload had rows Stripe refused for good. */
    public static final int EXIT_REJECTED_UPLOADS = 3;

    /** Exit code of a run that completed with open findings at or above tokentally.reconcile.fail-on. */
    public static final int EXIT_FINDINGS = 4;

    static int exitCodeOf(JobExecution execution) {
        if (execution.getStatus() != BatchStatus.COMPLETED
                || RunReportListener.COMPLETED_WITHOUT_REPORT.equals(
                        execution.getExitStatus().getExitCode())) {
            return EXIT_FAILED;
        }
        String exitCode = execution.getExitStatus().getExitCode();
        if (RunReportListener.COMPLETED_WITH_REJECTED_UPLOADS.equals(exitCode)) {
            return EXIT_REJECTED_UPLOADS;
        }
        return RunReportListener.COMPLETED_WITH_FINDINGS.equals(exitCode) ? EXIT_FINDINGS : 0;
    }

    /**
     * Prints a billing run's summary and folder and, when it exits non-zero, which exit code and why: for a
     * run that did not complete, its first failure (the log has the trace); else its exit description.
     */
    static int printRun(JobExecution execution, Path folder, PrintWriter out) {
        out.print(RunSummary.read(folder));
        out.println("Run folder: " + folder.toAbsolutePath());
        int exitCode = exitCodeOf(execution);
        if (exitCode != 0 && execution.getStatus() != BatchStatus.COMPLETED) {
            printNotCompleted(
                    execution,
                    "rerunning its day (or tokentally restart " + execution.getId() + ") resumes it where it stopped",
                    out);
        } else if (exitCode != 0) {
            out.println(
                    "Exit code " + exitCode + " (" + execution.getExitStatus().getExitCode() + "): "
                            + execution.getExitStatus().getExitDescription());
        }
        out.flush();
        return exitCode;
    }

    /**
     * For a run that did not complete: "Exit code 1 (FAILED): what stopped it; how to resume it".
     *
     * @param resume how to resume the run, said unless it was abandoned
     */
    static void printNotCompleted(JobExecution execution, String resume, PrintWriter out) {
        String why = RunFailures.of(execution).stream()
                .findFirst()
                .orElse(execution.getStatus() == BatchStatus.STOPPED ? "the run was stopped" : "no failure recorded");
        String next = execution.getStatus() == BatchStatus.ABANDONED ? "it was abandoned and is not resumed" : resume;
        out.println("Exit code " + exitCodeOf(execution) + " (" + execution.getStatus() + "): " + why + "; " + next);
    }

    public static int execute(String... args) {
        // before any connection: a POST the JDK sent again on its own could hide that Stripe applied it
        StripeClients.neverResendPosts();
        return commandLine()
                .setExecutionExceptionHandler(TokentallyCommand::reportFailure)
                .execute(args);
    }

    /** The commands, with their option values read as {@link OptionValues} reads them. */
    static CommandLine commandLine() {
        return OptionValues.register(new CommandLine(new TokentallyCommand()))
                .setParameterExceptionHandler(TokentallyCommand::reportBadArguments);
    }

    /**
     * Says what is wrong with the arguments, a suggestion for a misspelt option, and how to see the command's
     * options: not the whole usage text, which buried the one line that mattered.
     */
    private static int reportBadArguments(CommandLine.ParameterException bad, String[] args) {
        CommandLine command = bad.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(bad.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(bad, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for its options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Prints what went wrong as a chain of causes, without a stack trace; the log has the details. A bad setting
     * ({@link #invalidSettings}), a setting nothing reads and a database that cannot be reached are said in one line
     * each, instead of after
     * the creation failure of whichever bean asked first.
     */
    static int reportFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        for (Throwable next = failure; next != null; next = next.getCause()) {
            if (next instanceof BindException unbound) {
                invalidSettings(unbound).forEach(commandLine.getErr()::println);
                return EXIT_FAILED;
            }
            if (next instanceof UnknownSettingsException unknown) {
                unknown.settings().forEach(setting -> commandLine.getErr().println("tokentally: " + setting));
                return EXIT_FAILED;
            }
            if (next instanceof InvalidConfigurationPropertyValueException invalid) {
                commandLine.getErr().println("tokentally: " + invalid.getMessage());
                return EXIT_FAILED;
            }
            if (next instanceof CannotGetJdbcConnectionException unreachable) {
                commandLine
                        .getErr()
                        .println("tokentally: cannot connect to the database (spring.datasource.url): "
                                + DatabaseUnreachableFailureAnalyzer.reason(unreachable)
                                        .getMessage());
                return EXIT_FAILED;
            }
        }
        commandLine.getErr().println(causeChain(failure));
        return EXIT_FAILED;
    }

    /**
     * The failure's messages, a line per cause, leaving out a message the one before it already says. Spring's
     * message of a bean that failed to start ends with its cause's, which replaces it: what went wrong is the cause's
     * message, and the log has which bean. The project's own wrappers, which put a file or setting before their
     * cause's words, are kept whole.
     */
    private static String causeChain(Exception failure) {
        List<String> messages = new ArrayList<>();
        boolean lastIsSprings = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String text = cause.getMessage() == null || cause.getMessage().isBlank() ? null : cause.getMessage();
            String last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            boolean replaces = text != null && last != null && lastIsSprings && last.endsWith(text);
            boolean adds = text != null && !replaces && (last == null || !last.contains(text));
            if (replaces) {
                messages.set(messages.size() - 1, text);
            } else if (adds) {
                messages.add(text);
            }
            if (replaces || adds) {
                lastIsSprings = cause instanceof NestedRuntimeException;
            }
        }
        if (messages.isEmpty()) {
            // a failure without words (one seen as a SIGTERM met serve's start-up): its kinds are all there is to say
            List<String> kinds = new ArrayList<>();
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                kinds.add(cause.getClass().getName());
            }
            return "tokentally: " + String.join(" caused by ", kinds) + ", without a message";
        }
        return "tokentally: " + String.join("\n  caused by: ", messages);
    }

    /**
     * What is wrong with a group of settings, as {@code tokentally: NAME = VALUE: REASON} with the property's name
     * and value as written (not the Java field's name and the converted value): one line per setting that failed
     * its check, or the one that could not be converted; a check across settings names them in its own message.
     * The value of a secret (a name ending in secret, key, token(s) or password) is not shown.
     */
    static List<String> invalidSettings(BindException unbound) {
        // below Spring's wrappers, the first cause is the reason: a setting's own check that wraps another's words
        // puts its name before them
        Throwable reason = unbound;
        while (reason.getCause() != null
                && !(reason instanceof BindValidationException)
                && (reason instanceof BindException || reason instanceof NestedRuntimeException)) {
            reason = reason.getCause();
        }
        if (reason instanceof BindValidationException invalid) {
            ValidationErrors errors = invalid.getValidationErrors();
            return errors.getAllErrors().stream()
                    .map(error -> error instanceof FieldError field
                            ? failedCheck(errors, field)
                            : "tokentally: " + errors.getName() + ": " + error.getDefaultMessage())
                    .toList();
        }
        if (unbound.getProperty() != null) {
            String name = unbound.getName().toString();
            String why =
                    SECRET.matcher(name).find() ? "" : " (" + words(unbound).orElse(messageOf(reason)) + ")";
            return List.of("tokentally: " + name + " = "
                    + shown(name, unbound.getProperty().getValue()) + ": cannot be read" + why);
        }
        return List.of("tokentally: " + messageOf(reason));
    }

    /** The words a setting of a few words takes, in any letter case, where the conversion names the Java enum. */
    private static Optional<String> words(BindException unbound) {
        Class<?> type = unbound.getTarget().getType().resolve();
        if (type == null || !type.isEnum()) {
            return Optional.empty();
        }
        return Optional.of("it takes "
                + Arrays.stream(type.getEnumConstants())
                        .map(word ->
                                ((Enum<?>) word).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .collect(Collectors.joining(", ")));
    }

    private static String failedCheck(ValidationErrors errors, FieldError field) {
        String name = errors.getName() + "." + DataObjectPropertyName.toDashedForm(field.getField());
        Object written = errors.getBoundProperties().stream()
                .filter(property -> property.getName().toString().equals(name))
                .map(ConfigurationProperty::getValue)
                .findFirst()
                .orElse(field.getRejectedValue());
        return "tokentally: " + name + " = " + shown(name, written) + ": " + field.getDefaultMessage();
    }

    private static String shown(String name, Object value) {
        if (value == null
                || value.toString().isBlank()
                || (value instanceof Collection<?> values && values.isEmpty())
                || (value instanceof Map<?, ?> entries && entries.isEmpty())) {
            return "(empty)";
        }
        return SECRET.matcher(name).find() ? "(hidden)" : value.toString();
    }

    private static String messageOf(Throwable failure) {
        return failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getSimpleName();
    }
}
