package io.tokentally.ingest;

import io.tokentally.shared.StorableText;
import java.util.Map;

/**
 * One record as a format reader found it, before any validation.
 *
 * @param lineNo the physical line the record starts on (the header is line 1)
 * @param raw the record's text as it stood in the file
 * @param columns lower-case column name to index into {@code values}
 * @param values the record's values; {@code null} when the record could not be split into fields
 * @param malformed why the record could not be split into fields, or {@code null}
 * @param unbilled why a part of a request row's counts is left out of its values, or {@code null}: tokens of a kind
 *     tokentally has no price for, rejected apart at the row's line once the rest is accepted
 * @param sourceNames for a record a provider or gateway reader translated into the usage columns, the field of the
 *     file that a column's value is copied from as it stands ({@code input_tokens} to {@code tokens_in}), so that a
 *     reject names what the file calls it; empty for the usage format's own files
 */
public record RawRecord(
        long lineNo,
        String raw,
        Map<String, Integer> columns,
        String[] values,
        String malformed,
        String unbilled,
        Map<String, String> sourceNames) {

    /**
     * Values decoded from JSON escapes may hold half a surrogate pair, and any value a NUL; each is read as U+FFFD
     * ({@link StorableText}), so an id holding one is rejected as {@code INVALID_ENCODING} like one with bytes that
     * are not UTF-8. The caller's array is copied only when a value changes.
     */
    public RawRecord {
        if (values != null) {
            String[] given = values;
            for (int i = 0; i < given.length; i++) {
                String storable = StorableText.of(given[i]);
                if (storable != given[i]) {
                    values = values == given ? given.clone() : values;
                    values[i] = storable;
                }
            }
        }
    }

    public RawRecord(long lineNo, String raw, Map<String, Integer> columns, String[] values, String malformed) {
        this(lineNo, raw, columns, values, malformed, null, Map.of());
    }

    /** A record that could not be read into columns, with the reason it becomes a reject. */
    public static RawRecord malformed(long lineNo, String raw, String reason) {
        return new RawRecord(lineNo, raw, Map.of(), null, reason);
    }

    /**
     * A column as a reject names it: the file's own field and the column it fills ({@code tokens_in (input_tokens)})
     * where a reader copied it as it stands, else the column.
     */
    public String nameOf(String column) {
        String source = sourceNames.get(column);
        return source == null || source.equals(column) ? column : source + " (" + column + ")";
    }

    public boolean isMalformed() {
        return malformed != null;
    }

    /**
     * The value of a column without the spaces and tabs around it, or {@code null} when the column is absent or
     * holds nothing else: see {@link #trimmed}.
     */
    public String field(String column) {
        Integer index = columns.get(column);
        if (index == null || index >= values.length) {
            return null;
        }
        return trimmed(values[index]);
    }

    /**
     * {@code value} without the spaces and tabs around it, or {@code null} when it is null or holds nothing else.
     * Other characters stay: {@code "r1\u001f"} is not the request id {@code "r1"}.
     */
    static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        int end = value.length();
        while (start < end && isSpaceOrTab(value.charAt(start))) {
            start++;
        }
        while (end > start && isSpaceOrTab(value.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return null;
        }
        return start == 0 && end == value.length() ? value : value.substring(start, end);
    }

    /** Whether {@code line} is empty or holds only spaces and tabs: a blank line, skipped but counted. */
    static boolean isBlank(String line) {
        return trimmed(line) == null;
    }

    private static boolean isSpaceOrTab(char c) {
        return c == ' ' || c == '\t';
    }
}
