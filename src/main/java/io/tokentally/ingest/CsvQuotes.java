package io.tokentally.ingest;

import java.util.List;

/** RFC 4180's rule for double quotes, which Commons CSV does not enforce. */
final class CsvQuotes {

    private CsvQuotes() {}

    /**
     * Whether {@code line} (one line, its line end included) opens a quoted field it does not close, and has no
     * text after a closing quote before that: then text a later line holds after the field's closing quote is this
     * line's fault.
     */
    static boolean leavesQuoteOpen(CharSequence line) {
        boolean fieldStart = true;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                    if (i + 1 < line.length() && ",\r\n".indexOf(line.charAt(i + 1)) < 0) {
                        return false;
                    }
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (c == '\n' || c == '\r') {
                return false;
            } else {
                fieldStart = c == ',';
            }
        }
        return quoted;
    }

    /**
     * Why the record starting at {@code from} breaks the quote rule ({@link #fieldWithStrayQuote}), naming the
     * field by its number and header name, or {@code null} when it keeps it.
     */
    static String strayQuoteProblem(CharSequence text, int from, boolean spacesBeforeQuote, List<String> names) {
        int field = fieldWithStrayQuote(text, from, spacesBeforeQuote);
        if (field < 0) {
            return null;
        }
        return "field " + (field + 1)
                + (field < names.size() ? " (" + names.get(field).strip() + ")" : "")
                + " holds a double quote but is not enclosed in double quotes";
    }

    /**
     * The index of the first field of the record starting at {@code from} that is not enclosed in quotes but
     * holds one, or -1. RFC 4180 allows a double quote only inside a quoted field (doubled); Commons CSV reads
     * one in an unquoted field as text, so {@code gpt"-4o} or {@code hoo"li} would be taken as meant. The
     * record ends at the first line end outside quotes.
     *
     * @param spacesBeforeQuote whether spaces may stand before a field's opening quote (a format that ignores
     *     surrounding spaces); otherwise they make the field unquoted
     */
    private static int fieldWithStrayQuote(CharSequence text, int from, boolean spacesBeforeQuote) {
        int field = 0;
        boolean fieldStart = true;
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        i++;
                    } else {
                        quoted = false;
                    }
                }
            } else if (c == '"') {
                if (!fieldStart) {
                    return field;
                }
                quoted = true;
                fieldStart = false;
            } else if (c == '\n' || c == '\r') {
                return -1;
            } else if (c == ',') {
                fieldStart = true;
                field++;
            } else if (!(spacesBeforeQuote && fieldStart && c == ' ')) {
                fieldStart = false;
            }
        }
        return -1;
    }
}
