package io.tokentally.ingest;

/** Why a row was rejected; the names are the reason codes in the rejects table and {@code rejects.csv}. */
public enum RejectCode {
    /** The row could not be split into fields (bad quoting, wrong field count, invalid JSON). */
    MALFORMED_ROW,
    /** A required field is empty or absent. */
    MISSING_FIELD,
    /** The timestamp is not an ISO-8601 date-time. */
    INVALID_TIMESTAMP,
    /** The timestamp is a local date-time without an offset or {@code Z}. */
    TIMESTAMP_WITHOUT_OFFSET,
    /** A token count is not an integer. */
    INVALID_NUMBER,
    /** A token count is negative. */
    NEGATIVE_NUMBER,
    /** A token count above {@link UsageRowParser#MAX_TOKENS}: no request or bucket holds that many. */
    NUMBER_TOO_LARGE,
    /** Cached and cache-write tokens together exceed {@code input_tokens}. */
    CACHE_TOKENS_EXCEED_INPUT,
    /** {@code reasoning_tokens} exceeds {@code output_tokens}. */
    REASONING_EXCEEDS_OUTPUT,
    /** {@code service_tier} is not standard, batch, priority or flex. */
    INVALID_SERVICE_TIER,
    /** {@code context_tier} is not standard or long. */
    INVALID_CONTEXT_TIER,
    /** {@code status} is not ok or error. */
    INVALID_STATUS,
    /** A field is longer than the engine stores. */
    FIELD_TOO_LONG,
    /**
     * An identifying field (request, customer, provider or model) holds bytes that are not UTF-8, or a customer,
     * provider or model a control character.
     */
    INVALID_ENCODING,
    /** No price is known for the model (at the row's time, tier and token types). */
    NO_PRICE,
    /** A bucket of an aggregated export appears twice in one file with different numbers. */
    CONFLICTING_BUCKET,
    /**
     * The rest of a request log's last row that the version the file changed from held cut short (no line end after
     * it): that cut row counted, and its completion does not count again ({@code CutLastRow}).
     */
    COMPLETES_CUT_ROW
}
