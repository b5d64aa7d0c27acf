package io.tokentally.ingest;

import java.nio.file.Path;

/** A file as the registry knows it. */
public record RegisteredFile(
        long fileId,
        String source,
        Path path,
        String checksum,
        long sizeBytes,
        String format,
        FileStatus status,
        String detail,
        Long changedFromFileId,
        long ingestRun) {}
