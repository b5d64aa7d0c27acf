package io.tokentally.ingest;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.ShownText;
import java.util.Locale;
import java.util.Optional;

/** The usage format's rule for each kind of field other than the timestamp; a broken one is a {@link RowException}. */
final class UsageFieldRules {

    /** U+FFFD, what a decoder puts in place of bytes that are not UTF-8. */
    private static final char NOT_UTF8 = '\uFFFD';

    private UsageFieldRules() {}

    /**
     * An identifying field as it stands, unless it is too long or holds U+FFFD, the character that stands for
     * bytes that were not UTF-8 (and for a JSON escape of half a surrogate pair, and a NUL): two different ids would
     * then read alike (and count as one request or one customer), so such a row is rejected rather than billed under
     * a mangled id.
     */
    static String identifier(String value, String column, int maxLength) {
        if (value.length() > maxLength) {
            throw new RowException(
                    RejectCode.FIELD_TOO_LONG, column + " " + FieldLength.tooLong(value.length(), maxLength));
        }
        if (value.indexOf(NOT_UTF8) >= 0) {
            throw new RowException(
                    RejectCode.INVALID_ENCODING,
                    column + " holds U+FFFD, the character that stands for bytes that are not UTF-8 (or for a"
                            + " JSON escape of half a surrogate pair, or a NUL): " + ShownText.quoted(value));
        }
        return value;
    }

    /**
     * An id the engine shows and keys findings and totals by (customer, provider, model), as {@link #identifier}
     * judges it, and refused as well when it holds a control character (a line break, a tab): no such id is written
     * with one, none in the customers or prices files can match it, and it would break the lines of the logs,
     * findings and summary that show it. A request id is not judged so: aggregated exports build theirs from text
     * their users chose (a tag, an end user), and it is shown escaped.
     */
    static String shownIdentifier(String value, String column, int maxLength) {
        identifier(value, column, maxLength);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new RowException(
                        RejectCode.INVALID_ENCODING,
                        column + " holds the control character U+" + String.format("%04X", (int) c) + " at character "
                                + (i + 1) + ", which no id is written with: " + ShownText.quoted(value));
            }
        }
        return value;
    }

    /** A count column's value: a whole number from 0 to {@link UsageRowParser#MAX_TOKENS}, 0 when it is empty. */
    static long count(RawRecord record, String column) {
        return count(record.field(column), record.nameOf(column));
    }

    /**
     * {@code text} read as the count of {@code column} (as a reject names it): 0 when empty, else a whole number within
     * the limit.
     */
    static long count(String text, String column) {
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
        if (value > UsageRowParser.MAX_TOKENS) {
            throw new RowException(
                    RejectCode.NUMBER_TOO_LARGE, column + " is " + text + ", more than " + UsageRowParser.MAX_TOKENS);
        }
        return value;
    }

    private static RowException invalidNumber(String column, String text) {
        return new RowException(
                RejectCode.INVALID_NUMBER, column + " is not a whole number: " + ShownText.quoted(text));
    }

    /** The service tier {@code text} names, standard when empty. */
    static ServiceTier serviceTier(String text) {
        if (text == null) {
            return ServiceTier.STANDARD;
        }
        Optional<ServiceTier> tier = ServiceTier.parse(text);
        return tier.orElseThrow(() -> new RowException(
                RejectCode.INVALID_SERVICE_TIER,
                "service_tier " + ShownText.quoted(text) + " is not one of standard, batch, priority, flex"));
    }

    /** The context tier {@code text} names, or null when empty (the threshold then decides). */
    static ContextTier contextTier(String text) {
        if (text == null) {
            return null;
        }
        return ContextTier.parse(text)
                .orElseThrow(() -> new RowException(
                        RejectCode.INVALID_CONTEXT_TIER,
                        "context_tier " + ShownText.quoted(text) + " is not one of standard, long"));
    }

    /** Whether {@code text} is the status {@code error} ({@code ok} when empty). */
    static boolean isError(String text) {
        String value = text == null ? "ok" : text.toLowerCase(Locale.ROOT);
        if (value.equals("ok")) {
            return false;
        }
        if (value.equals("error")) {
            return true;
        }
        throw new RowException(RejectCode.INVALID_STATUS, "status " + ShownText.quoted(text) + " is not ok or error");
    }
}
