package io.tokentally.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** The usage CSV's records: read with Commons CSV, each record's raw text cut out of the recorded input. */
final class UsageCsvCursor implements RecordCursor {

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(false).get();
    /** How a fault of line ends says what this format takes. */
    private static final String LINE_ENDS = "a line ends at a line feed (LF or CRLF)";

    static final String TEXT_AFTER_CLOSING_QUOTE = "text follows the double quote that closes a field";
    /**
     * Where Commons CSV's messages say the parser was: {@code (startline 3)}, {@code (line 3)}, {@code at line: 21,
     * position: 1,908}, its numbers grouped as the default locale groups them.
     */
    private static final Pattern PARSER_POSITION = Pattern.compile("\\((start)?line [^)]*\\)|\\s*at line: .*$");

    private final RecordingReader input;
    private final RecordedCsvText text;
    private final Map<String, Integer> columns;
    private final List<String> names;
    private final int width;
    private Iterator<CSVRecord> records;
    private Pending next;
    private long knownPosition;
    private long knownLine = 1;

    UsageCsvCursor(RecordingReader input) throws IOException {
        this.input = input;
        this.text = new RecordedCsvText(input);
        this.records = parserAt(0).iterator();
        CSVRecord header;
        try {
            header = firstRecordNotBlank();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw FileFormatException.notValidCsv("the header row is not valid CSV: ", e);
        }
        if (header == null) {
            throw new FileFormatException("the file is empty: no header row");
        }
        this.columns = columnsOf(header);
        this.names = header.toList();
        this.width = header.size();
        this.next = readAfter(new Pending(text.skipBlankLines(header.getCharacterPosition()), -1, null, null));
        long headerEnd = next != null ? next.start : input.drain();
        if (text.lineEndHoldsLoneCarriageReturn(header.getCharacterPosition(), headerEnd)) {
            throw new FileFormatException("the header row ends at a carriage return alone; " + LINE_ENDS);
        }
    }

    /** The first record, lines of spaces or tabs before it skipped as empty lines are; null if there is none. */
    private CSVRecord firstRecordNotBlank() {
        CSVRecord record;
        do {
            record = records.hasNext() ? records.next() : null;
        } while (record != null && record.size() == 1 && RawRecord.isBlank(record.get(0)));
        return record;
    }

    private CSVParser parserAt(long offset) throws IOException {
        return CSVParser.builder()
                .setReader(input)
                .setFormat(FORMAT)
                .setCharacterOffset(offset)
                .get();
    }

    private static Map<String, Integer> columnsOf(CSVRecord header) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = UsageCsvFormat.normalizeName(header.get(i));
            if (name.isEmpty()) {
                continue;
            }
            // which of two values a row means is unknown; a column the format ignores may repeat
            if (columns.putIfAbsent(name, i) != null && UsageColumns.ALL.contains(name)) {
                throw new FileFormatException("the header names column '" + name + "' twice");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String required : UsageColumns.REQUIRED) {
            if (!columns.containsKey(required)) {
                missing.add(required);
            }
        }
        if (!missing.isEmpty()) {
            throw new FileFormatException("the header lacks required column(s) " + String.join(", ", missing));
        }
        return Map.copyOf(columns);
    }

    @Override
    public List<String> lookalikeColumns() {
        return LookalikeColumns.of(
                names.stream().map(UsageCsvFormat::normalizeName).toList());
    }

    @Override
    public RawRecord next() throws IOException {
        CsvLine line;
        do {
            line = readLine();
            if (line == null) {
                return null;
            }
            // a line of spaces or tabs is skipped, as an empty line is
        } while (line.isBlank());
        return recordOf(line);
    }

    /** The next record's line: its text cut out of the input, line end dropped, and the line it starts on. */
    private CsvLine readLine() throws IOException {
        Pending current = next;
        if (current == null) {
            return null;
        }
        next = readAfter(current);
        long end = endOf(current);
        boolean splitAtCarriageReturn = next != null && text.endsAtLoneCarriageReturn(end);
        if (splitAtCarriageReturn) {
            end = endOfLineFromParts();
        }
        // a row read whole may still end at a carriage return alone: before its line feed, or at the end of the file
        boolean loneCarriageReturn = splitAtCarriageReturn
                || current.malformed == null && text.lineEndHoldsLoneCarriageReturn(current.start, end);
        String raw = RecordedCsvText.stripLineEnd(input.slice(current.start, end));
        long line = lineAt(current.start);
        input.discardBefore(current.start);
        return new CsvLine(current, line, raw, loneCarriageReturn);
    }

    /** The record of {@code line}, or a malformed one naming the first fault it has. */
    private RawRecord recordOf(CsvLine line) {
        Pending current = line.record;
        if (line.loneCarriageReturn) {
            return RawRecord.malformed(
                    line.lineNo, line.raw, "the row holds a carriage return that does not end it; " + LINE_ENDS);
        }
        if (current.malformed != null) {
            return RawRecord.malformed(line.lineNo, line.raw, current.malformed);
        }
        boolean widthMatches = current.values.length == width;
        // a stray quote is said with a field count that is off too: a quoted field gone wrong (a space before its
        // quote) is split by its commas; the field is then named by its place alone, as the fields after a split
        // are not the header's
        String strayQuote = line.raw.indexOf('"') < 0
                ? null
                : CsvQuotes.strayQuoteProblem(line.raw, 0, false, widthMatches ? names : List.of());
        if (!widthMatches) {
            return RawRecord.malformed(
                    line.lineNo,
                    line.raw,
                    "the row has " + UsageCsvFormat.fields(current.values.length) + " but the header has " + width
                            + (strayQuote == null ? "" : ", and is not valid CSV: " + strayQuote));
        }
        if (strayQuote != null) {
            return RawRecord.malformed(line.lineNo, line.raw, "the row is not valid CSV: " + strayQuote);
        }
        return new RawRecord(line.lineNo, line.raw, columns, current.values, null);
    }

    /**
     * Commons CSV ends a record at a carriage return alone too; in a line ended by a line feed that is a stray
     * character, and the rest of the line is not another row. Reads the records that make up the rest of the
     * line and returns where the line ends; {@code next} is then the record after it.
     */
    private long endOfLineFromParts() throws IOException {
        long end;
        do {
            Pending part = next;
            next = readAfter(part);
            end = endOf(part);
        } while (next != null && text.endsAtLoneCarriageReturn(end));
        return end;
    }

    /** Where the text of {@code record}, line end included, ends: where the record read after it starts. */
    private long endOf(Pending record) throws IOException {
        return record.end >= 0 ? record.end : (next != null ? next.start : input.drain());
    }

    /**
     * The values with each carriage return and line feed inside a quoted field read as a line feed: a file saved
     * again with the other line ends (LF to CRLF, as Windows tools do) holds the same request ids and values.
     */
    private static String[] lineFeedsOnly(String[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].indexOf('\r') >= 0) {
                values[i] = values[i].replace("\r\n", "\n");
            }
        }
        return values;
    }

    /** Reads the record after {@code previous}, resynchronizing at the next line after bad quoting. */
    private Pending readAfter(Pending previous) throws IOException {
        try {
            if (!records.hasNext()) {
                return null;
            }
            CSVRecord record = records.next();
            // Commons CSV reports the position before the empty lines it skipped
            return new Pending(
                    text.skipBlankLines(record.getCharacterPosition()), -1, lineFeedsOnly(record.values()), null);
        } catch (UncheckedIOException | IllegalStateException e) {
            String reason =
                    withoutParserPosition(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            long after = previous.end >= 0 ? previous.end : text.endOfRecord(previous.start);
            return resynchronize(after, reason);
        }
    }

    /**
     * Commons CSV's message without the line and character position it adds (they count from where its
     * parser started: after a bad row, the line after it; the reject names the row's own line), and its two
     * faults of quoting said in the words of the format.
     */
    private static String withoutParserPosition(String message) {
        String reason = PARSER_POSITION.matcher(message).replaceAll("").trim();
        return switch (reason) {
            case "EOF reached before encapsulated token finished" ->
                "a field opened with a double quote on this line is not closed before the end of the file; the"
                        + " lines after this one are read as rows of their own";
            case "Invalid character between encapsulated token and delimiter" -> TEXT_AFTER_CLOSING_QUOTE;
            default -> reason;
        };
    }

    /**
     * A reject of the line at {@code after}, the parser started again at the line after it. Text after a
     * closing quote that a later line holds is named as the fault of this line: the quote it opened and did
     * not close.
     */
    private Pending resynchronize(long after, String reason) throws IOException {
        long badStart = text.skipBlankLines(after);
        long badEnd = text.endOfLine(badStart);
        String fault =
                reason.equals(TEXT_AFTER_CLOSING_QUOTE) && CsvQuotes.leavesQuoteOpen(input.slice(badStart, badEnd))
                        ? "a field opened with a double quote on this line is closed on a later line, and text follows"
                                + " the closing quote there"
                        : reason;
        records = parserAt(badEnd).iterator();
        input.seek(badEnd);
        return new Pending(badStart, badEnd, null, "the row is not valid CSV: " + fault);
    }

    private long lineAt(long position) {
        for (long p = knownPosition; p < position; p++) {
            if (input.charAt(p) == '\n') {
                knownLine++;
            }
        }
        knownPosition = position;
        return knownLine;
    }

    @Override
    public void close() throws IOException {
        input.close();
    }

    /** A record read ahead of time; {@code end} is known only for malformed records. */
    private record Pending(long start, long end, String[] values, String malformed) {}

    /**
     * A record's line as cut out of the input: {@code raw} without its line end, {@code lineNo} the line it starts
     * on, {@code loneCarriageReturn} whether it holds a carriage return that does not end it: one Commons CSV took for
     * a line end, or one just before its line feed or at the end of the file.
     */
    private record CsvLine(Pending record, long lineNo, String raw, boolean loneCarriageReturn) {

        /** A line of spaces or tabs, skipped as an empty line is; carriage returns alone in it too: it has no text. */
        boolean isBlank() {
            return record.values != null && record.values.length == 1 && RawRecord.isBlank(raw.replace("\r", ""));
        }
    }
}
