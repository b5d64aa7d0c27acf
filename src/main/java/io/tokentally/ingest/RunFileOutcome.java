package io.tokentally.ingest;

/** What a run did with a file it found in an input folder. */
public enum RunFileOutcome {
    /** Content not seen before: registered by this run. */
    NEW,
    /** The path was ingested before with other content; rows with new request ids are ingested. */
    CHANGED,
    /** The same content was already registered (by this or another path): not read again. */
    ALREADY_INGESTED
}
