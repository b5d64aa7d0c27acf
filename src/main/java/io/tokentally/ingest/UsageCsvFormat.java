package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** tokentally's usage CSV: a header row, RFC 4180 quoting, columns in any order. */
@Component
@Order(10)
class UsageCsvFormat implements UsageFormat {

    static final String NAME = "usage-csv";

    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(false).get();
    /** How a fault of line ends says what this format takes. */
    private static final String LINE_ENDS = "a line ends at a line feed (LF or CRLF)";

    private static final String TEXT_AFTER_CLOSING_QUOTE = "text follows the double quote that closes a field";
    /**
     * Where Commons CSV's messages say the parser was: {@code (startline 3)}, {@code (line 3)}, {@code at line: 21,
     * position: 1,908}, its numbers grouped as the default locale groups them.
     */
    private static final Pattern PARSER_POSITION = Pattern.compile("\\((start)?line [^)]*\\)|\\s*at line: .*$");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        String firstLine =
                head.lines().filter(line -> !line.isBlank()).findFirst().orElse("");
        if (firstLine.startsWith("{")) {
            return false;
        }
        List<String> names = new ArrayList<>();
        for (String cell : firstLine.split(",")) {
            names.add(normalizeName(cell.replace("\"", "")));
        }
        return names.contains(UsageColumns.REQUEST_ID) && names.contains(UsageColumns.TIMESTAMP);
    }

    @Override
    public RecordCursor open(Reader reader) throws IOException {
        return new CsvCursor(new RecordingReader(reader));
    }

    static String normalizeName(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** Reads records with Commons CSV and cuts each record's raw text out of the recorded input. */
    private static final class CsvCursor implements RecordCursor {

        private final RecordingReader input;
        private final Map<String, Integer> columns;
        private final List<String> names;
        private final int width;
        private Iterator<CSVRecord> records;
        private Pending next;
        private long knownPosition;
        private long knownLine = 1;

        CsvCursor(RecordingReader input) throws IOException {
            this.input = input;
            this.records = parserAt(0).iterator();
            CSVRecord header;
            try {
                header = records.hasNext() ? records.next() : null;
            } catch (UncheckedIOException | IllegalStateException e) {
                throw new FileFormatException("the header row is not valid CSV: "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
            if (header == null) {
                throw new FileFormatException("the file is empty: no header row");
            }
            this.columns = columnsOf(header);
            this.names = header.toList();
            this.width = header.size();
            this.next = readAfter(new Pending(skipBlankLines(header.getCharacterPosition()), -1, null, null));
            if (next != null && endsAtLoneCarriageReturn(next.start)) {
                throw new FileFormatException("the header row ends at a carriage return alone; " + LINE_ENDS);
            }
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
                String name = normalizeName(header.get(i));
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
        public RawRecord next() throws IOException {
            Pending current;
            String raw;
            long line;
            boolean loneCarriageReturn;
            do {
                current = next;
                if (current == null) {
                    return null;
                }
                next = readAfter(current);
                long end = endOf(current);
                loneCarriageReturn = next != null && endsAtLoneCarriageReturn(end);
                if (loneCarriageReturn) {
                    end = endOfLineFromParts();
                }
                raw = stripLineEnd(input.slice(current.start, end));
                line = lineAt(current.start);
                input.discardBefore(current.start);
                // a line of spaces or tabs is skipped, as an empty line is
            } while (!loneCarriageReturn
                    && current.values != null
                    && current.values.length == 1
                    && RawRecord.isBlank(raw));
            if (loneCarriageReturn) {
                return RawRecord.malformed(
                        line, raw, "the row holds a carriage return that does not end it; " + LINE_ENDS);
            }
            if (current.malformed != null) {
                return RawRecord.malformed(line, raw, current.malformed);
            }
            if (current.values.length != width) {
                return RawRecord.malformed(
                        line, raw, "the row has " + fields(current.values.length) + " but the header has " + width);
            }
            String strayQuote = raw.indexOf('"') < 0 ? null : CsvQuotes.strayQuoteProblem(raw, 0, false, names);
            if (strayQuote != null) {
                return RawRecord.malformed(line, raw, "the row is not valid CSV: " + strayQuote);
            }
            return new RawRecord(line, raw, columns, current.values, null);
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
            } while (next != null && endsAtLoneCarriageReturn(end));
            return end;
        }

        /** Where the text of {@code record}, line end included, ends: where the record read after it starts. */
        private long endOf(Pending record) throws IOException {
            return record.end >= 0 ? record.end : (next != null ? next.start : input.drain());
        }

        /**
         * Whether the line-end characters just before {@code end} are carriage returns alone: Commons CSV ended a
         * record there, at a character that does not end a line of this format.
         */
        private boolean endsAtLoneCarriageReturn(long end) {
            long at = end;
            while (at > 0 && input.charAt(at - 1) == '\r') {
                at--;
            }
            return at < end && (at == 0 || input.charAt(at - 1) != '\n');
        }

        /** Reads the record after {@code previous}, resynchronizing at the next line after bad quoting. */
        private Pending readAfter(Pending previous) throws IOException {
            try {
                if (!records.hasNext()) {
                    return null;
                }
                CSVRecord record = records.next();
                // Commons CSV reports the position before the empty lines it skipped
                return new Pending(skipBlankLines(record.getCharacterPosition()), -1, record.values(), null);
            } catch (UncheckedIOException | IllegalStateException e) {
                String reason = withoutParserPosition(
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                long after = previous.end >= 0 ? previous.end : endOfRecord(previous.start);
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
            long badStart = skipBlankLines(after);
            long badEnd = endOfLine(badStart);
            String fault =
                    reason.equals(TEXT_AFTER_CLOSING_QUOTE) && CsvQuotes.leavesQuoteOpen(input.slice(badStart, badEnd))
                            ? "a field opened with a double quote on this line is closed on a later line, and text follows"
                                    + " the closing quote there"
                            : reason;
            records = parserAt(badEnd).iterator();
            input.seek(badEnd);
            return new Pending(badStart, badEnd, null, "the row is not valid CSV: " + fault);
        }

        /**
         * The position after the line end that ends the (well-formed) record starting at {@code start}.
         * Lexes as Commons CSV's default format does: a quote opens a quoted field only at the start of
         * a field, a quote inside an unquoted field is a literal character, and a carriage return alone ends
         * the record as a line feed does (a fault in what follows is then a part of the same line).
         */
        private long endOfRecord(long start) throws IOException {
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

        private long skipBlankLines(long position) throws IOException {
            long at = position;
            while (input.reach(at) && (input.charAt(at) == '\n' || input.charAt(at) == '\r')) {
                at++;
            }
            return at;
        }

        private long endOfLine(long start) throws IOException {
            long position = start;
            while (input.reach(position)) {
                if (input.charAt(position++) == '\n') {
                    return position;
                }
            }
            return position;
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

        private static String stripLineEnd(String text) {
            int end = text.length();
            while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
                end--;
            }
            return text.substring(0, end);
        }

        @Override
        public void close() throws IOException {
            input.close();
        }
    }

    /** "1 field", "7 fields". */
    static String fields(int count) {
        return count + (count == 1 ? " field" : " fields");
    }

    /** A record read ahead of time; {@code end} is known only for malformed records. */
    private record Pending(long start, long end, String[] values, String malformed) {}
}
