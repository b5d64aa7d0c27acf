package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.Arrays;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV text and the line each of its records starts on. Commons CSV numbers records, not lines, so a quoted
 * field over several lines, or a blank line the parser skips, would move every later record's line away from its
 * record number. A line ends at a line feed, a carriage return, or both, as Commons CSV ends a record and as
 * editors break lines.
 */
public final class CsvLines {

    private final String text;
    private final boolean commentLines;
    /** Where each line starts, ascending. */
    private final int[] lineStarts;

    /** @param commentLines whether the parser skips lines starting with {@code #} (a reference file's comments) */
    public CsvLines(String text, boolean commentLines) {
        this.text = text;
        this.commentLines = commentLines;
        int[] starts = new int[16];
        int lines = 1;
        for (int at = 0; at < text.length(); at++) {
            char c = text.charAt(at);
            if (c == '\n' || (c == '\r' && (at + 1 == text.length() || text.charAt(at + 1) != '\n'))) {
                if (lines == starts.length) {
                    starts = Arrays.copyOf(starts, lines * 2);
                }
                starts[lines++] = at + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, lines);
    }

    /** Reads the whole of {@code reader}, and closes it. */
    public static CsvLines read(Reader reader, boolean commentLines) throws IOException {
        StringWriter text = new StringWriter();
        try (reader) {
            reader.transferTo(text);
        }
        return new CsvLines(text.toString(), commentLines);
    }

    public String text() {
        return text;
    }

    /** The 1-based line of a character position. */
    public long lineAt(int position) {
        int found = Arrays.binarySearch(lineStarts, position);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /** The line {@code record} starts on. */
    public long lineOf(CSVRecord record) {
        return lineAt(startOf(record));
    }

    /**
     * Where a record's text starts: Commons CSV gives the position where it began to read the record, before the
     * blank (and comment) lines it skipped.
     */
    public int startOf(CSVRecord record) {
        int at = (int) record.getCharacterPosition();
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n' || c == '\r') {
                at++;
            } else if (c == '#' && commentLines) {
                int lineEnd = text.indexOf('\n', at);
                at = lineEnd < 0 ? text.length() : lineEnd + 1;
            } else {
                return at;
            }
        }
        return at;
    }
}
