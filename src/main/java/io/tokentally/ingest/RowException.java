package io.tokentally.ingest;

/**
 * A broken rule of the usage format or of a cost record; carries its reject code. Never escapes {@link
 * UsageRowParser#parse} or {@link ProviderCostParser#parse}.
 */
final class RowException extends RuntimeException {

    private final RejectCode code;

    RowException(RejectCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The reject code of the broken rule. */
    RejectCode code() {
        return code;
    }
}
