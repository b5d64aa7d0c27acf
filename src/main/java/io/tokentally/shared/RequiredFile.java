package io.tokentally.shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file a setting or a command's option names, which must be there before anything reads it: one wording for
 * each of them, a folder said to be a folder and a missing file missing.
 */
public final class RequiredFile {

    private RequiredFile() {}

    /** Why the file cannot be read, or empty when it is a file. */
    public static Optional<String> fault(Path file) {
        if (Files.isDirectory(file)) {
            return Optional.of(file.toAbsolutePath() + " is a folder, not a file");
        }
        if (!Files.exists(file)) {
            return Optional.of("the file " + file.toAbsolutePath() + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            // a pipe (<(...)) or a device: a reader that reads the file twice would wait on it for ever
            return Optional.of(file.toAbsolutePath() + " is not a regular file (a pipe or a device); give a file");
        }
        return Optional.empty();
    }

    /** Stops start-up at a file the setting names that is not there, naming the setting. */
    public static void require(String property, Path file) {
        fault(file).ifPresent(fault -> {
            throw new IllegalArgumentException(property + ": " + fault);
        });
    }
}
