package io.tokentally.ingest;

/** A row that was not accepted, with where it stood and why. */
public record Reject(long fileId, long lineNo, RejectCode code, String message, String raw) {}
