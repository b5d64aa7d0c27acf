package io.tokentally.shared;

import java.nio.file.Path;

/** The folder a job execution writes into: {@code <runs-dir>/<job>/<date>/execution-<id>}. */
public final class RunFolders {

    private RunFolders() {}

    public static Path of(Path runsDir, String job, String date, long executionId) {
        return runsDir.resolve(job).resolve(date).resolve("execution-" + executionId);
    }
}
