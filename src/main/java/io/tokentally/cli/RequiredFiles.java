package io.tokentally.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Refuses, as a usage error (exit 2), an option's file that does not exist or is a folder, before anything starts.
 */
final class RequiredFiles {

    private RequiredFiles() {}

    static void requireFile(CommandSpec spec, String option, Path file) {
        if (Files.isDirectory(file)) {
            throw new ParameterException(
                    spec.commandLine(), option + ": " + file.toAbsolutePath() + " is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(
                    spec.commandLine(), option + ": the file " + file.toAbsolutePath() + " does not exist");
        }
    }
}
