package io.tokentally.ingest;

/** A file a run looked at, joined with its registry entry (its source's role among them) and row counts. */
public record RunFile(
        String source,
        SourceRole role,
        String path,
        RunFileOutcome outcome,
        long fileId,
        String format,
        FileStatus status,
        String detail,
        long rowsRead,
        long rowsAccepted,
        long rowsRejected,
        long rowsDuplicate,
        long rowsUnattributed,
        long rowsError) {}
