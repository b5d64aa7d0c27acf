package io.tokentally.cli;

import io.tokentally.shared.RequiredFile;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Refuses, as a usage error (exit 2), an option's file that does not exist or is a folder, before anything starts.
 */
final class RequiredFiles {

    private RequiredFiles() {}

    static void requireFile(CommandSpec spec, String option, Path file) {
        RequiredFile.fault(file).ifPresent(fault -> {
            throw new ParameterException(spec.commandLine(), option + ": " + fault);
        });
    }
}
