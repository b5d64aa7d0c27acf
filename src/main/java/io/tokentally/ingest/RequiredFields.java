package io.tokentally.ingest;

import static io.tokentally.ingest.UsageColumns.CUSTOMER_ID;
import static io.tokentally.ingest.UsageColumns.INPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.MODEL;
import static io.tokentally.ingest.UsageColumns.OUTPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.PROVIDER;
import static io.tokentally.ingest.UsageColumns.REQUEST_ID;
import static io.tokentally.ingest.UsageColumns.TIMESTAMP;

/** The text of a record's required fields, each looked up once, before any of them is judged. */
record RequiredFields(
        String requestId,
        String timestamp,
        String customerId,
        String provider,
        String model,
        String inputTokens,
        String outputTokens) {

    /**
     * The required fields of {@code record}; the first missing one in {@link UsageColumns#REQUIRED}'s order is
     * reported.
     */
    static RequiredFields of(RawRecord record) {
        String requestId = required(record, REQUEST_ID);
        String timestamp = required(record, TIMESTAMP);
        String customerId = required(record, CUSTOMER_ID);
        String provider = required(record, PROVIDER);
        String model = required(record, MODEL);
        String inputTokens = required(record, INPUT_TOKENS);
        String outputTokens = required(record, OUTPUT_TOKENS);
        return new RequiredFields(requestId, timestamp, customerId, provider, model, inputTokens, outputTokens);
    }

    /**
     * The column's value; a JSON Lines object without the key is said to lack it, one whose value is empty, blank
     * or null (and a CSV row, whose header names every required column) to hold nothing.
     */
    private static String required(RawRecord record, String column) {
        String value = record.field(column);
        if (value == null) {
            throw new RowException(
                    RejectCode.MISSING_FIELD,
                    "required field " + record.nameOf(column)
                            + (record.columns().containsKey(column) ? " is empty" : " is missing"));
        }
        return value;
    }
}
