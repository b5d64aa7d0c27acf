package io.tokentally.ingest.provider;

/** A source record that cannot be translated; it becomes a rejected row with this message. */
final class RecordProblem extends RuntimeException {

    RecordProblem(String message) {
        super(message, null, false, false);
    }
}
