package io.tokentally.ingest;

import io.tokentally.shared.StorableText;

/**
 * A row that was not accepted, with where it stood and why. A repeated one is a bad line of a changed file that
 * the version it changed from also had: kept, but neither counted as rejected nor listed again.
 */
public record Reject(long fileId, long lineNo, RejectCode code, String message, String raw, boolean repeated) {

    /** The message and the raw text as UTF-8 and the databases can hold them: see {@link StorableText}. */
    public Reject {
        message = StorableText.of(message);
        raw = StorableText.of(raw);
    }

    public Reject(long fileId, long lineNo, RejectCode code, String message, String raw) {
        this(fileId, lineNo, code, message, raw, false);
    }

    /** This reject, as a repeat of the earlier version's. */
    public Reject asRepeated() {
        return new Reject(fileId, lineNo, code, message, raw, true);
    }
}
