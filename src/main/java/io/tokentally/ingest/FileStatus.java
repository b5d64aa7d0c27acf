package io.tokentally.ingest;

/** Where a registered file stands. */
public enum FileStatus {
    /** Registered by a run, rows not all read yet. */
    PENDING,
    /** Every row read: accepted, rejected or counted as a duplicate. */
    INGESTED,
    /** No format reader recognized the content. */
    UNRECOGNIZED,
    /** The file as a whole could not be read (for example a header without required columns). */
    FAILED;

    /** Whether the file was registered and will never be read as it is: unrecognized or failed. */
    public boolean unread() {
        return this == UNRECOGNIZED || this == FAILED;
    }
}
