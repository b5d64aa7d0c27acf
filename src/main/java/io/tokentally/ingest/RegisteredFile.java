package io.tokentally.ingest;

import java.nio.file.Path;

/**
 * A file as the registry knows it. {@code path} is what reports name: a local file's absolute path, or the
 * {@code s3://} URI of the object it was staged from; {@code stagedPath} is the local copy of such an object
 * (null for a local file).
 */
public record RegisteredFile(
        long fileId,
        String source,
        String path,
        String stagedPath,
        String checksum,
        long sizeBytes,
        String format,
        FileStatus status,
        String detail,
        Long changedFromFileId,
        long ingestRun) {

    /** The local file to read the content from. */
    public Path localFile() {
        return Path.of(stagedPath != null ? stagedPath : path);
    }
}
