package io.tokentally.cli;

import io.tokentally.shared.RequiredFile;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Refuses, as a usage error (exit 2), an option's file that does not exist or is a folder, before anything starts.
 */
final class RequiredFiles {

    private RequiredFiles() {}

    /**
     * Refuses the option's file; the option's default (a file of {@code sample-data/}, read from the working
     * folder) is said to be the default, so that a command run outside the repository says what to do. A path of
     * another origin (the option, a job file) is not.
     */
    static void requireFile(CommandSpec spec, String option, Path file) {
        RequiredFile.fault(file).ifPresent(fault -> {
            OptionSpec optionSpec = spec.findOption(option);
            boolean defaulted = optionSpec != null
                    && optionSpec.defaultValue() != null
                    && Path.of(optionSpec.defaultValue()).equals(file);
            throw new ParameterException(
                    spec.commandLine(),
                    option + ": " + fault
                            + (defaulted
                                    ? " (the default, read from the working folder: run the command in the"
                                            + " repository's folder, or give " + option + ")"
                                    : ""));
        });
    }
}
