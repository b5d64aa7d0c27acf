package io.tokentally.ingest;

/** Row counts one chunk adds to a file's totals. */
public record FileCounts(long read, long accepted, long rejected, long duplicate, long unattributed, long error) {}
