package io.tokentally.ingest;

import java.util.Map;

/**
 * One record as a format reader found it, before any validation.
 *
 * @param lineNo the physical line the record starts on (the header is line 1)
 * @param raw the record's text as it stood in the file
 * @param columns lower-case column name to index into {@code values}
 * @param values the record's values; {@code null} when the record could not be split into fields
 * @param malformed why the record could not be split into fields, or {@code null}
 */
public record RawRecord(long lineNo, String raw, Map<String, Integer> columns, String[] values, String malformed) {

    static RawRecord malformed(long lineNo, String raw, String reason) {
        return new RawRecord(lineNo, raw, Map.of(), null, reason);
    }

    public boolean isMalformed() {
        return malformed != null;
    }

    /** The trimmed value of a column, or {@code null} when the column is absent or blank. */
    public String field(String column) {
        Integer index = columns.get(column);
        if (index == null || index >= values.length) {
            return null;
        }
        String value = values[index];
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
