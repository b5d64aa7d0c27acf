package io.tokentally.ingest;

import java.io.IOException;

/** The recorded text of a usage CSV: where its lines and records end, found by position in the recorded input. */
final class RecordedCsvText {

    private final RecordingReader input;

    RecordedCsvText(RecordingReader input) {
        this.input = input;
    }

    /**
     * Whether the line-end characters just before {@code end} are carriage returns alone: Commons CSV ended a
     * record there, at a character that does not end a line of this format.
     */
    boolean endsAtLoneCarriageReturn(long end) {
        long at = end;
        while (at > 0 && input.charAt(at - 1) == '\r') {
            at--;
        }
        return at < end && (at == 0 || input.charAt(at - 1) != '\n');
    }

    /**
     * Whether the line end of the record from {@code start} to {@code end} (the carriage returns and line feeds
     * after its text, up to the first line feed) holds a carriage return that does not end the line: one that is
     * not just before that line feed, or one at the end of the input. Blank lines after the line feed are not the
     * record's.
     */
    boolean lineEndHoldsLoneCarriageReturn(long start, long end) {
        long at = end;
        while (at > start && (input.charAt(at - 1) == '\r' || input.charAt(at - 1) == '\n')) {
            at--;
        }
        for (long position = at; position < end; position++) {
            if (input.charAt(position) == '\n') {
                return false;
            }
            if (position + 1 == end || input.charAt(position + 1) != '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * The position after the line end that ends the (well-formed) record starting at {@code start}.
     * Lexes as Commons CSV's default format does: a quote opens a quoted field only at the start of
     * a field, a quote inside an unquoted field is a literal character, and a carriage return alone ends
     * the record as a line feed does (a fault in what follows is then a part of the same line).
     */
    long endOfRecord(long start) throws IOException {
        long position = start;
        boolean fieldStart = true;
        boolean quoted = false;
        while (input.reach(position)) {
            char c = input.charAt(position++);
            if (quoted) {
                if (c == '"') {
                    if (input.reach(position) && input.charAt(position) == '"') {
                        position++;
                    } else {
                        quoted = false;
                    }
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (c == '\n' || (c == '\r' && !(input.reach(position) && input.charAt(position) == '\n'))) {
                return position;
            } else {
                fieldStart = c == ',';
            }
        }
        return position;
    }

    /** The position of the first character after the line ends at {@code position}. */
    long skipBlankLines(long position) throws IOException {
        long at = position;
        while (input.reach(at) && (input.charAt(at) == '\n' || input.charAt(at) == '\r')) {
            at++;
        }
        return at;
    }

    /** The position just after the line feed that ends the line starting at {@code start}, or the end of input. */
    long endOfLine(long start) throws IOException {
        long position = start;
        while (input.reach(position)) {
            if (input.charAt(position++) == '\n') {
                return position;
            }
        }
        return position;
    }

    /**
     * {@code text} (a line, and the blank lines after it) without its line end and those blank lines: what ends at
     * its first line feed, a carriage return just before it included. A carriage return that does not end the line
     * stays, so a reject of it shows it.
     */
    static String stripLineEnd(String text) {
        int contentEnd = text.length();
        while (contentEnd > 0 && (text.charAt(contentEnd - 1) == '\n' || text.charAt(contentEnd - 1) == '\r')) {
            contentEnd--;
        }
        int lineFeed = text.indexOf('\n', contentEnd);
        if (lineFeed < 0) {
            return text;
        }
        return text.substring(0, lineFeed > contentEnd && text.charAt(lineFeed - 1) == '\r' ? lineFeed - 1 : lineFeed);
    }
}
