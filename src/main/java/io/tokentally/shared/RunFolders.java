package io.tokentally.shared;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The folder a job execution writes into: {@code <runs-dir>/<job>/<date>/execution-<id>}. */
public final class RunFolders {

    private RunFolders() {}

    public static Path of(Path runsDir, String job, String date, long executionId) {
        return runsDir.resolve(job).resolve(date).resolve("execution-" + executionId);
    }

    /**
     * Why runs could not write their folders below {@code runsDir}, or empty when it is a folder or can be made
     * one: the nearest path above it that exists is a writable folder, and the missing levels can be made (a folder
     * every permission check allows can still not be made: under {@code /proc}, on a read-only file system). The
     * levels it makes to prove that are removed again; one that another process made meanwhile, or put something
     * in, is left.
     */
    public static Optional<String> whyUnusable(Path runsDir) {
        Path absolute = runsDir.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            return Optional.of("it is a file, not a folder");
        }
        List<Path> missing = new ArrayList<>();
        Path existing = absolute;
        while (!Files.exists(existing)) {
            missing.add(0, existing);
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
        return whyUnmade(missing);
    }

    /** Makes the missing levels, top first, and removes those it made: why one could not be made, if one could not. */
    private static Optional<String> whyUnmade(List<Path> missing) {
        List<Path> made = new ArrayList<>();
        try {
            for (Path level : missing) {
                try {
                    Files.createDirectory(level);
                    made.add(0, level);
                } catch (FileAlreadyExistsException e) {
                    if (!Files.isDirectory(level)) {
                        return Optional.of("it cannot be created: " + level + " is a file, not a folder");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("it cannot be created: making " + e.getMessage() + " failed ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            for (Path level : made) {
                try {
                    Files.deleteIfExists(level);
                } catch (IOException e) {
                    // not empty: another process's run wrote into it meanwhile; it stays
                }
            }
        }
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
