package io.tokentally.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** The folder a job execution writes into: {@code <runs-dir>/<job>/<date>/execution-<id>}. */
public final class RunFolders {

    private RunFolders() {}

    public static Path of(Path runsDir, String job, String date, long executionId) {
        return runsDir.resolve(job).resolve(date).resolve("execution-" + executionId);
    }

    /**
     * Why runs could not write their folders below {@code runsDir}, or empty when it is a folder or can be made
     * one: the nearest path above it that exists is a folder. Nothing is created.
     */
    public static Optional<String> whyUnusable(Path runsDir) {
        Path absolute = runsDir.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            return Optional.of("it is a file, not a folder");
        }
        Path existing = absolute;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of("it cannot be created: " + existing + " is a file, not a folder");
        }
        if (!Files.isWritable(existing)) {
            return Optional.of(
                    existing.equals(absolute)
                            ? "the folder is not writable"
                            : "it cannot be created: " + existing + " is not writable");
        }
        return Optional.empty();
    }

    /**
     * Writes a file of a run folder whole or not at all: into {@code <name>.part}, then moved over the file.
     * A reader (the REST API's report download) sees the file complete or not at all, never half written.
     */
    public static void writeWhole(Path file, byte[] bytes) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        try {
            Files.write(partial, bytes);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }
}
