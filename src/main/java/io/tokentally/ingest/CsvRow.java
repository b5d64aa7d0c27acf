package io.tokentally.ingest;

import io.tokentally.shared.FieldLength;
import io.tokentally.shared.ShownText;
import java.util.Map;

/**
 * One data row: lower-case column name to trimmed value ({@code null} when blank). {@code file} is how problems
 * name the file: its path, or where a staged copy came from.
 */
public record CsvRow(String file, long lineNo, Map<String, String> values) {

    public String get(String column) {
        return values.get(column);
    }

    /** Whether this row reaches the header's column, empty or not (a row read with short rows allowed may not). */
    public boolean has(String column) {
        return values.containsKey(column);
    }

    public String require(String column) {
        String value = values.get(column);
        if (value == null) {
            throw problem("column " + column + " is empty");
        }
        return value;
    }

    /** The column's value (or null), refused when it has more than {@code maxLength} characters. */
    public String get(String column, int maxLength) {
        return fitting(column, get(column), maxLength);
    }

    /** The column's value, refused when it is empty or has more than {@code maxLength} characters. */
    public String require(String column, int maxLength) {
        return fitting(column, require(column), maxLength);
    }

    /** The column's value as {@link #requireVisible(String)} gives it, refused past {@code maxLength} characters. */
    public String requireVisible(String column, int maxLength) {
        return fitting(column, requireVisible(column), maxLength);
    }

    /**
     * The column's value as {@link #require(String)} gives it, refused when a character of it cannot be seen: a
     * control or format character (a byte-order mark, a zero-width space) anywhere, or a space of any kind (a
     * no-break space) at either end. An id is compared exactly, so such an id matches no usage, silently.
     */
    public String requireVisible(String column) {
        return visible(column, require(column));
    }

    /** The column's value (or null), refused as {@link #requireVisible(String)} refuses it. */
    public String getVisible(String column, int maxLength) {
        String value = get(column);
        return value == null ? null : fitting(column, visible(column, value), maxLength);
    }

    private String visible(String column, String value) {
        int[] codePoints = value.codePoints().toArray();
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            boolean space = Character.isWhitespace(c) || Character.isSpaceChar(c);
            if (Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || (space && (i == 0 || i == codePoints.length - 1))) {
                throw problem("column " + column + " holds U+" + String.format("%04X", c) + " at character " + (i + 1)
                        + ", which cannot be seen; ids are compared exactly");
            }
        }
        return value;
    }

    private String fitting(String column, String value, int maxLength) {
        if (value != null && value.length() > maxLength) {
            throw problem("column " + column + " " + FieldLength.tooLong(value.length(), maxLength));
        }
        return value;
    }

    /** A fault of this row in one line: a line end or other invisible character in a value shown as an escape. */
    public IllegalArgumentException problem(String message) {
        return new IllegalArgumentException(ShownText.escaped(file + " line " + lineNo + ": " + message));
    }
}
