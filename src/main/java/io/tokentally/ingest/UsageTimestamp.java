package io.tokentally.ingest;

import io.tokentally.shared.OffsetTimes;
import io.tokentally.shared.ShownText;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/** The usage format's timestamp rule: an ISO-8601 instant with an offset, read to an {@link Instant}. */
public final class UsageTimestamp {

    /** {@code yyyy-MM-dd}: a sign after it starts an offset. */
    private static final int DATE_LENGTH = 10;

    private static final DateTimeFormatter WITH_COLON_OFFSET = withOffset("+HH:MM");
    private static final DateTimeFormatter WITH_COMPACT_OFFSET = withOffset("+HHMM");
    private static final DateTimeFormatter WITH_HOUR_OFFSET = withOffset("+HH");

    /**
     * ISO-8601 date-time with one offset, {@code Z} or written as {@code pattern}: {@code +02:00}, and also the
     * compact {@code +0200} and the hour-only {@code +02} (PostgreSQL's text form of a timestamp with time zone);
     * never an offset with seconds ({@code +01:00:30}), which ISO-8601 has not, nor two offsets ({@code 10:00:00ZZ},
     * {@code +00:00Z}), which one formatter with an optional section for each form read as one.
     */
    private static DateTimeFormatter withOffset(String pattern) {
        return new DateTimeFormatterBuilder()
                .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .appendOffset(pattern, "Z")
                .toFormatter()
                .withResolverStyle(ResolverStyle.STRICT)
                .withChronology(IsoChronology.INSTANCE);
    }

    private UsageTimestamp() {}

    /**
     * The instant {@code text} writes by the usage format's rule, or empty when the rule refuses it: for a reader
     * that names a bucket by its time, so that two spellings of one instant name one bucket.
     */
    public static Optional<Instant> instantOf(String text) {
        try {
            return Optional.of(parse(text));
        } catch (RowException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code text} as {@link Instant#toString} writes its instant ({@code 09:00:00.000Z} and {@code 09:00:00+00:00}
     * are {@code 09:00:00Z}), or as it is if the rule refuses it: a bucket's key, one however an export spells it.
     */
    public static String keyText(String text) {
        return instantOf(text).map(Instant::toString).orElse(text);
    }

    /** The instant {@code text} writes; its faults are thrown as INVALID_TIMESTAMP or TIMESTAMP_WITHOUT_OFFSET. */
    static Instant parse(String text) {
        Instant utc = plainUtc(text);
        if (utc != null) {
            return utc;
        }
        String value =
                text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        if (hasEmptyFraction(value)) {
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP,
                    "timestamp " + ShownText.quoted(text) + " has a decimal point without digits");
        }
        Instant parsed = withOffset(text, value);
        if (!SqlTime.isKept(parsed)) {
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP, "timestamp " + ShownText.quoted(text) + " " + SqlTime.NOT_KEPT);
        }
        return parsed;
    }

    /** The instant {@code value} (the {@code text} as read, its space made a T) writes with its offset. */
    private static Instant withOffset(String text, String value) {
        try {
            return OffsetDateTime.parse(value, formatterFor(value)).toInstant();
        } catch (DateTimeParseException e) {
            if (OffsetTimes.lacksOffset(value)) {
                throw new RowException(
                        RejectCode.TIMESTAMP_WITHOUT_OFFSET,
                        "timestamp " + ShownText.quoted(text) + " " + OffsetTimes.NO_OFFSET);
            }
            // a field out of its range says which (the second, the offset, the day of the month); a text of another
            // form has no cause
            Throwable outOfRange = e.getCause();
            throw new RowException(
                    RejectCode.INVALID_TIMESTAMP,
                    "timestamp " + ShownText.quoted(text) + " is not an ISO-8601 instant"
                            + (outOfRange != null && outOfRange.getMessage() != null
                                    ? " (" + outOfRange.getMessage() + ")"
                                    : ""));
        }
    }

    /**
     * The formatter of the offset {@code value} ends with, told by its length from the last sign after the date:
     * {@code +HHMM} and {@code +HH} have their own; {@code Z}, {@code +HH:MM} and anything else are read (or
     * refused) as {@code +HH:MM}.
     */
    private static DateTimeFormatter formatterFor(String value) {
        int sign = Math.max(value.lastIndexOf('+'), value.lastIndexOf('-'));
        if (sign > DATE_LENGTH && value.indexOf(':', sign) < 0) {
            int offsetLength = value.length() - sign;
            if (offsetLength == "+HHMM".length()) {
                return WITH_COMPACT_OFFSET;
            }
            if (offsetLength == "+HH".length()) {
                return WITH_HOUR_OFFSET;
            }
        }
        return WITH_COLON_OFFSET;
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
}
