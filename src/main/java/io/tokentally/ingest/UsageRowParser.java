package io.tokentally.ingest;

import static io.tokentally.ingest.UsageColumns.CONTEXT_TIER;
import static io.tokentally.ingest.UsageColumns.CUSTOMER_ID;
import static io.tokentally.ingest.UsageColumns.MODEL;
import static io.tokentally.ingest.UsageColumns.PROVIDER;
import static io.tokentally.ingest.UsageColumns.REQUEST_ID;
import static io.tokentally.ingest.UsageColumns.SERVICE_TIER;
import static io.tokentally.ingest.UsageColumns.STATUS;
import static io.tokentally.ingest.UsageFieldRules.contextTier;
import static io.tokentally.ingest.UsageFieldRules.count;
import static io.tokentally.ingest.UsageFieldRules.identifier;
import static io.tokentally.ingest.UsageFieldRules.isError;
import static io.tokentally.ingest.UsageFieldRules.serviceTier;
import static io.tokentally.ingest.UsageFieldRules.shownIdentifier;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.time.Instant;
import java.util.Locale;

/** Applies the usage format's rules (design.md) to a raw record; a pure function. */
public final class UsageRowParser {

    static final int MAX_REQUEST_ID_LENGTH = 500;

    /** The longest provider or model as written; the canonical id made of them is checked again when it is made. */
    private static final int MAX_WRITTEN_ID_LENGTH = FieldLength.MODEL;

    /**
     * The largest token count a row may hold (10^15): far above any request or daily bucket, and low
     * enough that sums of many rows stay inside a long.
     */
    public static final long MAX_TOKENS = 1_000_000_000_000_000L;

    /** The outcome for one record: exactly one of {@code row} and {@code reject} is set. */
    public record Result(UsageRow row, Reject reject) {}

    private UsageRowParser() {}

    public static Result parse(long fileId, RawRecord record) {
        try {
            return new Result(toRow(fileId, record), null);
        } catch (RowException e) {
            return new Result(null, new Reject(fileId, record.lineNo(), e.code(), e.getMessage(), record.raw()));
        }
    }

    /** The row of {@code record}; the first rule it breaks, in the order checked here, is thrown. */
    private static UsageRow toRow(long fileId, RawRecord record) {
        if (record.isMalformed()) {
            throw new RowException(RejectCode.MALFORMED_ROW, record.malformed());
        }
        // each field is looked up once; missing ones are reported in UsageColumns.REQUIRED's order
        RequiredFields required = RequiredFields.of(record);
        RowKeys keys = RowKeys.of(required);
        TokenCounts tokens = TokenCounts.of(record, required.inputTokens(), required.outputTokens());
        return row(fileId, record, keys, tokens);
    }

    /** The row of {@code keys} and {@code tokens}, once the service tier, status and context tier are read. */
    private static UsageRow row(long fileId, RawRecord record, RowKeys keys, TokenCounts tokens) {
        ServiceTier tier = serviceTier(record.field(SERVICE_TIER));
        boolean error = isError(record.field(STATUS));
        ContextTier contextTier = contextTier(record.field(CONTEXT_TIER));
        return new UsageRow(
                fileId,
                record.lineNo(),
                record.raw(),
                keys.requestId(),
                keys.timestamp(),
                keys.customerId(),
                keys.provider(),
                keys.model(),
                tokens.input(),
                tokens.cached(),
                tokens.cacheWrite(),
                tokens.cacheWrite1h(),
                tokens.output(),
                tokens.reasoning(),
                tier,
                error,
                contextTier,
                new UnitCounts(
                        count(record, UsageColumns.WEB_SEARCH_REQUESTS),
                        count(record, UsageColumns.IMAGES),
                        count(record, UsageColumns.AUDIO_SECONDS)));
    }

    /** Which request a row is, whose, of which model, and when: its identifying fields and its timestamp. */
    private record RowKeys(String requestId, Instant timestamp, String customerId, String provider, String model) {

        /** The keys of {@code required}: the identifiers are judged first, then the timestamp. */
        static RowKeys of(RequiredFields required) {
            String requestId = identifier(required.requestId(), REQUEST_ID, MAX_REQUEST_ID_LENGTH);
            String customerId = shownIdentifier(required.customerId(), CUSTOMER_ID, FieldLength.CUSTOMER_ID);
            String provider = shownIdentifier(required.provider(), PROVIDER, MAX_WRITTEN_ID_LENGTH)
                    .toLowerCase(Locale.ROOT);
            String model = shownIdentifier(required.model(), MODEL, MAX_WRITTEN_ID_LENGTH);
            Instant timestamp = UsageTimestamp.parse(required.timestamp());
            return new RowKeys(requestId, timestamp, customerId, provider, model);
        }
    }
}
