package io.tokentally.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * The lines of a JSON Lines text: each ends at a line feed, and a carriage return before it is dropped. A
 * carriage return elsewhere is not a line end (JSON Lines separates lines by {@code \n}; in JSON it is
 * whitespace), so the line numbers are those an editor shows. {@link BufferedReader#readLine} would also end
 * a line there and shift every later number.
 */
final class LfLines {

    private final Reader reader;
    private final char[] buffer = new char[64 * 1024];
    private int position;
    private int limit;

    LfLines(Reader reader) {
        this.reader = reader;
    }

    /** The next line without its end, or {@code null} at the end of the text. */
    String next() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit) {
                limit = reader.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line == null ? null : withoutCarriageReturn(line.toString());
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (position < limit) {
                String tail = new String(buffer, start, position - start);
                position++;
                return withoutCarriageReturn(
                        line == null ? tail : line.append(tail).toString());
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(buffer, start, position - start);
        }
    }

    private static String withoutCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
