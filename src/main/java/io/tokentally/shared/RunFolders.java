package io.tokentally.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The folder a job execution writes into: {@code <runs-dir>/<job>/<date>/execution-<id>}. */
public final class RunFolders {

    private RunFolders() {}

    public static Path of(Path runsDir, String job, String date, long executionId) {
        return runsDir.resolve(job).resolve(date).resolve("execution-" + executionId);
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
