package io.tokentally.ingest;

import static io.tokentally.ingest.UsageColumns.CACHED_INPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.CACHE_WRITE_1H_TOKENS;
import static io.tokentally.ingest.UsageColumns.CACHE_WRITE_TOKENS;
import static io.tokentally.ingest.UsageColumns.CONTEXT_TIER;
import static io.tokentally.ingest.UsageColumns.CUSTOMER_ID;
import static io.tokentally.ingest.UsageColumns.INPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.MODEL;
import static io.tokentally.ingest.UsageColumns.OUTPUT_TOKENS;
import static io.tokentally.ingest.UsageColumns.PROVIDER;
import static io.tokentally.ingest.UsageColumns.REASONING_TOKENS;
import static io.tokentally.ingest.UsageColumns.REQUEST_ID;
import static io.tokentally.ingest.UsageColumns.SERVICE_TIER;
import static io.tokentally.ingest.UsageColumns.STATUS;
import static io.tokentally.ingest.UsageColumns.TIMESTAMP;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.UnitCounts;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;

/** Applies the usage format's rules (design.md) to a raw record; a pure function. */
public final class UsageRowParser {

    static final int MAX_ID_LENGTH = 200;

    /**
     * ISO-8601 date-time with an offset: {@code Z}, {@code +02:00}, and also the compact {@code +0200} and
     * the hour-only {@code +02} (PostgreSQL's text form of a timestamp with time zone); never an offset with
     * seconds ({@code +01:00:30}), which ISO-8601 has not.
     */
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HHMM", "Z")
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT)
            .withChronology(IsoChronology.INSTANCE);

    static final int MAX_REQUEST_ID_LENGTH = 500;

    /** U+FFFD, what a decoder puts in place of bytes that are not UTF-8. */
    private static final char NOT_UTF8 = '\uFFFD';

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
            return new Result(null, new Reject(fileId, record.lineNo(), e.code, e.getMessage(), record.raw()));
        }
    }

    private static UsageRow toRow(long fileId, RawRecord record) {
        if (record.isMalformed()) {
            throw new RowException(RejectCode.MALFORMED_ROW, record.malformed());
        }
        // each field is looked up once; missing ones are reported in UsageColumns.REQUIRED's order
        String requestIdText = required(record, REQUEST_ID);
        String timestampText = required(record, TIMESTAMP);
        String customerIdText = required(record, CUSTOMER_ID);
        String providerText = required(record, PROVIDER);
        String modelText = required(record, MODEL);
        String inputText = required(record, INPUT_TOKENS);
        String outputText = required(record, OUTPUT_TOKENS);
        String requestId = identifier(requestIdText, REQUEST_ID, MAX_REQUEST_ID_LENGTH);
        String customerId = identifier(customerIdText, CUSTOMER_ID, MAX_ID_LENGTH);
        String provider = identifier(providerText, PROVIDER, MAX_ID_LENGTH).toLowerCase(Locale.ROOT);
        String model = identifier(modelText, MODEL, MAX_ID_LENGTH);
        Instant timestamp = timestamp(timestampText);
        long input = count(inputText, INPUT_TOKENS);
        long cached = count(record, CACHED_INPUT_TOKENS);
        long cacheWrite = count(record, CACHE_WRITE_TOKENS);
        long cacheWrite1h = count(record, CACHE_WRITE_1H_TOKENS);
        long output = count(outputText, OUTPUT_TOKENS);
        long reasoning = count(record, REASONING_TOKENS);
        // compared by subtraction: all counts are non-negative, and their sum could overflow a long
        if (cached > input || cacheWrite > input - cached || cacheWrite1h > input - cached - cacheWrite) {
            BigInteger subsets = BigInteger.valueOf(cached)
                    .add(BigInteger.valueOf(cacheWrite))
                    .add(BigInteger.valueOf(cacheWrite1h));
            throw new RowException(
                    RejectCode.CACHE_TOKENS_EXCEED_INPUT,
                    "cached_input_tokens + cache_write_tokens + cache_write_1h_tokens = " + subsets
                            + " exceeds input_tokens = " + input);
        }
        if (reasoning > output) {
            throw new RowException(
                    RejectCode.REASONING_EXCEEDS_OUTPUT,
                    "reasoning_tokens = " + reasoning + " exceeds output_tokens = " + output);
        }
        ServiceTier tier = serviceTier(record.field(SERVICE_TIER));
        boolean error = isError(record.field(STATUS));
        ContextTier contextTier = contextTier(record.field(CONTEXT_TIER));
        return new UsageRow(
                fileId,
                record.lineNo(),
                record.raw(),
                requestId,
                timestamp,
                customerId,
                provider,
                model,
                input,
                cached,
                cacheWrite,
                cacheWrite1h,
                output,
                reasoning,
                tier,
                error,
                contextTier,
                new UnitCounts(
                        count(record, UsageColumns.WEB_SEARCH_REQUESTS),
                        count(record, UsageColumns.IMAGES),
                        count(record, UsageColumns.AUDIO_SECONDS)));
    }

    private static String required(RawRecord record, String column) {
        String value = record.field(column);
        if (value == null) {
            throw new RowException(RejectCode.MISSING_FIELD, "required field " + column + " is empty");
        }
        return value;
    }

    /**
     * An identifying field as it stands, unless it is too long or holds U+FFFD, the character that stands for
     * bytes that were not UTF-8 (and for a JSON escape of half a surrogate pair): two different ids would then
     * read alike (and count as one request or one customer), so such a row is rejected rather than billed under
     * a mangled id.
     */
    private static String identifier(String value, String column, int maxLength) {
        if (value.length() > maxLength) {
            throw new RowException(
                    RejectCode.FIELD_TOO_LONG,
                    column + " has " + value.length() + " characters; at most " + maxLength + " are allowed");
        }
        if (value.indexOf(NOT_UTF8) >= 0) {
            throw new RowException(
                    RejectCode.INVALID_ENCODING,
                    column + " holds U+FFFD, the character that stands for bytes that are not UTF-8 (or for a"
                            + " JSON escape of half a surrogate pair): " + shown(value));
        }
        return value;
    }

    static Instant timestamp(String text) {
        Instant utc = plainUtc(text);
        if (utc != null) {
            return utc;
        }
        String value =
                text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (hasEmptyFraction(value)) {
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP, "timestamp " + shown(text) + " has a decimal point without digits");
        }
        try {
            return OffsetDateTime.parse(value, OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            if (isLocalDateTime(value)) {
                throw new RowException(
                        RejectCode.TIMESTAMP_WITHOUT_OFFSET,
                        "timestamp " + shown(text) + " has no offset; write it with Z or +hh:mm");
            }
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP, "timestamp " + shown(text) + " is not an ISO-8601 instant");
        }
    }

    /**
     * The common {@code yyyy-MM-ddTHH:mm:ssZ} form read without a formatter (it is most of a large
     * file's parsing time), or {@code null} for any other form or an invalid date, which the full
     * parser then reads or rejects with its reason.
     */
    private static Instant plainUtc(String text) {
        if (text.length() != 20 || text.charAt(19) != 'Z' || text.charAt(10) != 'T') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || minute < 0
                || second < 0
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Whether a decimal point is followed by no digit: the ISO formatter takes {@code 10:00:00.Z} as 10:00. */
    private static boolean hasEmptyFraction(String value) {
        int point = value.indexOf('.');
        return point >= 0
                && (point + 1 == value.length() || value.charAt(point + 1) < '0' || value.charAt(point + 1) > '9');
    }

    private static boolean isLocalDateTime(String value) {
        try {
            LocalDateTime.parse(value, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static long count(RawRecord record, String column) {
        return count(record.field(column), column);
    }

    private static long count(String text, String column) {
        if (text == null) {
            return 0;
        }
        int start = text.charAt(0) == '+' || text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length()) {
            throw invalidNumber(column, text);
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw invalidNumber(column, text);
            }
        }
        // only digits after an optional sign: a number Long.parseLong refuses is beyond a long either way
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            value = text.charAt(0) == '-' ? -1 : Long.MAX_VALUE;
        }
        if (value < 0) {
            throw new RowException(RejectCode.NEGATIVE_NUMBER, column + " is negative: " + text);
        }
        if (value > MAX_TOKENS) {
            throw new RowException(RejectCode.NUMBER_TOO_LARGE, column + " is " + text + ", more than " + MAX_TOKENS);
        }
        return value;
    }

    private static RowException invalidNumber(String column, String text) {
        return new RowException(RejectCode.INVALID_NUMBER, column + " is not a whole number: " + shown(text));
    }

    private static ServiceTier serviceTier(String text) {
        if (text == null) {
            return ServiceTier.STANDARD;
        }
        Optional<ServiceTier> tier = ServiceTier.parse(text);
        return tier.orElseThrow(() -> new RowException(
                RejectCode.INVALID_SERVICE_TIER,
                "service_tier " + shown(text) + " is not one of standard, batch, priority, flex"));
    }

    private static ContextTier contextTier(String text) {
        if (text == null) {
            return null;
        }
        for (ContextTier tier : ContextTier.values()) {
            if (tier.code().equalsIgnoreCase(text)) {
                return tier;
            }
        }
        throw new RowException(
                RejectCode.INVALID_CONTEXT_TIER, "context_tier " + shown(text) + " is not one of standard, long");
    }

    private static boolean isError(String text) {
        if (text == null || text.equalsIgnoreCase("ok")) {
            return false;
        }
        if (text.equalsIgnoreCase("error")) {
            return true;
        }
        throw new RowException(RejectCode.INVALID_STATUS, "status " + shown(text) + " is not ok or error");
    }

    /**
     * A value as a message shows it: in single quotes, with control and other invisible characters written as
     * {@code \\uXXXX}, so that {@code 100} followed by a vertical tab does not read as a valid {@code 100}.
     */
    static String shown(String value) {
        StringBuilder shown = new StringBuilder(value.length() + 2).append('\'');
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || (Character.isSpaceChar(c) && c != ' ')) {
                shown.append(String.format("\\u%04X", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.append('\'').toString();
    }

    /** A broken rule; carries its reject code. Never escapes this class. */
    private static final class RowException extends RuntimeException {

        private final RejectCode code;

        RowException(RejectCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
