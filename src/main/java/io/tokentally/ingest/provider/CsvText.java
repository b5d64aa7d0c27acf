package io.tokentally.ingest.provider;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVRecord;

/**
 * A provider CSV file's whole text, for the line each record starts on as an editor numbers lines: one more
 * than the line feeds before its first character. Commons CSV numbers records, not lines, so a quoted field
 * that spans lines, or a blank line the parser skips, would move every later row's line away from its record
 * number. A carriage return alone ends a record for the parser but no line here (an editor shows the text after
 * it on the same line).
 */
final class CsvText {

    private final String text;
    /** The offsets of the text's line feeds, ascending. */
    private final int[] lineFeeds;

    private CsvText(String text) {
        this.text = text;
        this.lineFeeds = IntStream.range(0, text.length())
                .filter(at -> text.charAt(at) == '\n')
                .toArray();
    }

    static CsvText read(Reader reader) throws IOException {
        StringWriter text = new StringWriter();
        reader.transferTo(text);
        return new CsvText(text.toString());
    }

    String text() {
        return text;
    }

    /**
     * The line {@code record} starts on. The parser gives the position where it began to read the record, before
     * any blank lines it skipped: the record starts at the first character after them.
     */
    long lineOf(CSVRecord record) {
        int at = (int) record.getCharacterPosition();
        while (at < text.length() && (text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
            at++;
        }
        int index = Arrays.binarySearch(lineFeeds, at);
        return (index >= 0 ? index : -index - 1) + 1L;
    }
}
