package io.tokentally.ingest;

import io.tokentally.shared.StorableText;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A small CSV file with a header (customers, prices), read whole; for reference data, not usage. */
public final class CsvTable {

    /**
     * Commons CSV's words for text after a closing quote, with the line it counts from the file's start, its digits
     * grouped as the default locale groups them ({@code 1,234}).
     */
    private static final Pattern TEXT_AFTER_QUOTE = Pattern.compile(
            "Invalid character between encapsulated token and delimiter at line: (\\d[^ ]*?), position: .*");

    /** Commons CSV's words for a quoted field not closed before the end, with the line its record starts on. */
    private static final Pattern QUOTE_NOT_CLOSED =
            Pattern.compile("\\(startline (\\d[^)]*)\\) EOF reached before encapsulated token finished");

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .setCommentMarker('#')
            .get();

    private CsvTable() {}

    /**
     * Reads the file, refusing a header without one of {@code requiredColumns}. Other columns are kept as given, and
     * a row with fewer or more fields than the header is read as far as it goes.
     */
    public static List<CsvRow> read(Path file, List<String> requiredColumns) throws IOException {
        return read(file, file.toString(), requiredColumns);
    }

    /** As {@link #read(Path, List)}, naming the file {@code shown} in problems (a staged copy by its origin). */
    public static List<CsvRow> read(Path file, String shown, List<String> requiredColumns) throws IOException {
        return rows(shown, text(file), new Columns(requiredColumns, null, Width.ANY))
                .rows();
    }

    /**
     * The rows of a feed that judges its rows itself, and its bad rows: why each was not read, naming the file and
     * line, by its line.
     */
    public record FeedRows(List<CsvRow> rows, Map<Long, String> badRows) {}

    /**
     * As {@link #read(Path, String, List)}, but refusing a header that names a column twice or one neither required
     * nor in {@code optionalColumns}: a misspelt optional column would be left unread. A row with fewer or more
     * fields than the header is a bad row, not read: cut short, it would lack its last columns, and with a stray
     * comma its values would shift. Other rows are read as {@link #read(Path, List)} reads them.
     */
    public static FeedRows readKnownColumns(
            Path file, String shown, List<String> requiredColumns, List<String> optionalColumns) throws IOException {
        return rows(shown, text(file), new Columns(requiredColumns, optionalColumns, Width.HEADER_OR_BAD_ROW));
    }

    private static String text(Path file) throws IOException {
        StringWriter text = new StringWriter();
        try (Reader reader = InputFiles.openText(file)) {
            reader.transferTo(text);
        }
        return text.toString();
    }

    /**
     * Reads a reference file (customers, prices) strictly: a byte that is not UTF-8, a column named twice or
     * neither required nor optional (a misspelt optional column would otherwise be left unread), and a row
     * with fewer or more fields than the header are refused, with the line.
     */
    public static List<CsvRow> readStrictly(Path file, List<String> requiredColumns, List<String> optionalColumns)
            throws IOException {
        return readStrictly(file, file.toString(), requiredColumns, optionalColumns);
    }

    /** As {@link #readStrictly(Path, List, List)}, naming the file {@code shown} in problems. */
    public static List<CsvRow> readStrictly(
            Path file, String shown, List<String> requiredColumns, List<String> optionalColumns) throws IOException {
        return rows(
                        shown,
                        InputFiles.readUtf8Strictly(file, shown),
                        new Columns(requiredColumns, optionalColumns, Width.HEADER))
                .rows();
    }

    /**
     * As {@link #readStrictly(Path, String, List, List)}, of text already read (a table in the jar, or a file read by
     * {@link InputFiles#readUtf8Strictly}), except that a row may leave out the fields at its end, which are then
     * empty; one with more fields than the header is still refused (an unquoted comma would shift its values).
     */
    public static List<CsvRow> readStrictlyWithShortRows(
            String text, String shown, List<String> requiredColumns, List<String> optionalColumns) throws IOException {
        return rows(shown, text, new Columns(requiredColumns, optionalColumns, Width.AT_MOST_HEADER))
                .rows();
    }

    /** How many fields a row may have. */
    private enum Width {
        /** Any number: the row is read as far as it goes. */
        ANY,
        /** As many as the header, or fewer. */
        AT_MOST_HEADER,
        /** As many as the header. */
        HEADER,
        /** As many as the header, or the row is a bad row of a feed that judges its rows itself. */
        HEADER_OR_BAD_ROW;

        boolean refuses(int fields, int headerFields) {
            return switch (this) {
                case ANY -> false;
                case AT_MOST_HEADER -> fields > headerFields;
                case HEADER, HEADER_OR_BAD_ROW -> fields != headerFields;
            };
        }

        /** Whether a value holding NUL refuses the file; a feed that judges its rows itself makes the row bad. */
        boolean refusesNul() {
            return this == AT_MOST_HEADER || this == HEADER;
        }
    }

    /**
     * The columns a file must have and, when its header is checked strictly, the only others it may have, and how
     * many fields a row may have.
     */
    private record Columns(List<String> required, List<String> optional, Width width) {

        boolean strict() {
            return optional != null;
        }

        void check(String file, List<String> header) {
            if (header.isEmpty()) {
                throw new IllegalArgumentException(file + ": the file is empty; it needs a header line naming its"
                        + " columns (" + String.join(", ", required) + " at least)");
            }
            List<String> unknown = strict()
                    ? header.stream()
                            .filter(column -> !required.contains(column) && !optional.contains(column))
                            .toList()
                    : List.of();
            for (String column : required) {
                if (!header.contains(column)) {
                    throw new IllegalArgumentException(file + ": the header lacks required column " + column
                            + (unknown.isEmpty()
                                    ? ""
                                    : "; it names unknown column(s) " + String.join(", ", unknown)
                                            + "; the columns are " + known()));
                }
            }
            if (!strict()) {
                return;
            }
            for (String column : header) {
                if (header.indexOf(column) != header.lastIndexOf(column)) {
                    throw new IllegalArgumentException(file + ": the header names column " + column + " twice");
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        file + ": the header names unknown column " + unknown.get(0) + "; the columns are " + known());
            }
        }

        private String known() {
            List<String> known = new ArrayList<>(required);
            known.addAll(optional);
            return String.join(", ", known);
        }
    }

    private static FeedRows rows(String file, String text, Columns columns) throws IOException {
        try (CSVParser parser = parser(file, text)) {
            List<String> header = parser.getHeaderNames().stream()
                    .map(name -> name.strip().toLowerCase(Locale.ROOT))
                    .toList();
            columns.check(file, header);
            CsvLines lines = new CsvLines(text, true);
            List<CsvRow> rows = new ArrayList<>();
            Map<Long, String> badRows = new LinkedHashMap<>();
            for (CSVRecord record : parser) {
                int start = lines.startOf(record);
                if (isBlankOrComment(text, start, header.size())) {
                    continue;
                }
                long lineNo = lines.lineAt(start);
                String strayQuote = CsvQuotes.strayQuoteProblem(text, start, true, header);
                if (strayQuote != null) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": " + strayQuote);
                }
                if (columns.width().refuses(record.size(), header.size())) {
                    String problem = file + " line " + lineNo + ": the row has "
                            + UsageCsvFormat.fields(record.size()) + " but the header has " + header.size()
                            + (record.size() == header.size() + 1 ? decimalCommaHint(record) : "");
                    if (columns.width() != Width.HEADER_OR_BAD_ROW) {
                        throw new IllegalArgumentException(problem);
                    }
                    badRows.put(lineNo, problem);
                    continue;
                }
                rows.add(new CsvRow(
                        file, lineNo, values(header, record, columns.width().refusesNul(), file + " line " + lineNo)));
            }
            return new FeedRows(rows, badRows);
        } catch (UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            Matcher afterQuote = TEXT_AFTER_QUOTE.matcher(String.valueOf(cause.getMessage()));
            if (afterQuote.matches()) {
                throw new IllegalArgumentException(
                        file + " line " + digits(afterQuote.group(1)) + ": " + UsageCsvCursor.TEXT_AFTER_CLOSING_QUOTE,
                        e);
            }
            Matcher notClosed = QUOTE_NOT_CLOSED.matcher(String.valueOf(cause.getMessage()));
            if (notClosed.matches()) {
                throw new IllegalArgumentException(
                        file + " line " + digits(notClosed.group(1)) + ": a field opened with a double quote on this"
                                + " line is not closed before the end of the file",
                        e);
            }
            throw new IllegalArgumentException(file + ": not valid CSV: " + cause.getMessage(), e);
        }
    }

    /** A line number as Commons CSV writes it, without the default locale's grouping. */
    private static String digits(String grouped) {
        return grouped.replaceAll("[^0-9]", "");
    }

    /**
     * Whether the record at {@code start} is a line the parser does not skip but that holds no row: blank characters
     * only (an empty line is skipped), or, where rows have more than one column, a comment indented by blank
     * characters (commas and all).
     */
    private static boolean isBlankOrComment(String text, int start, int columns) {
        int end = text.indexOf('\n', start);
        String line = text.substring(start, end < 0 ? text.length() : end).strip();
        return line.isEmpty() || columns > 1 && line.startsWith("#");
    }

    /**
     * The record's trimmed values by column. A reference file read strictly refuses a NUL, as PostgreSQL stores no
     * text holding one; a feed that judges its rows itself keeps it for its reader to refuse as a bad row.
     */
    private static Map<String, String> values(List<String> header, CSVRecord record, boolean refuseNul, String where) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < header.size() && i < record.size(); i++) {
            String value = RawRecord.trimmed(record.get(i));
            if (refuseNul && StorableText.holdsNul(value)) {
                throw new IllegalArgumentException(
                        where + ": column " + header.get(i) + " " + StorableText.NUL_REFUSED);
            }
            values.put(header.get(i), value);
        }
        return values;
    }

    private static CSVParser parser(String file, String text) throws IOException {
        try {
            return CSVParser.builder()
                    .setReader(new StringReader(text))
                    .setFormat(FORMAT)
                    .get();
        } catch (IllegalArgumentException e) { // Commons CSV refuses a header with a name missing
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a CSV file: a header, then one record per row, values as their {@code toString} (null: empty). */
    public static void write(Path file, List<String> header, List<? extends List<?>> rows) throws IOException {
        try (java.io.Writer writer =
                        java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8);
                org.apache.commons.csv.CSVPrinter csv = CSVFormat.DEFAULT
                        .builder()
                        .setHeader(header.toArray(String[]::new))
                        .get()
                        .print(writer)) {
            for (List<?> row : rows) {
                csv.printRecord(row);
            }
        }
    }

    /**
     * For a row with one field too many, a hint when exactly one pair of neighbouring fields are whole numbers, as a
     * decimal comma ({@code 0,6} for 0.6) leaves them; empty otherwise, as the extra field may be anything.
     */
    private static String decimalCommaHint(CSVRecord record) {
        String hint = "";
        for (int i = 0; i + 1 < record.size(); i++) {
            String whole = record.get(i).strip();
            String fraction = record.get(i + 1).strip();
            if (whole.matches("[0-9]+") && fraction.matches("[0-9]+")) {
                if (!hint.isEmpty()) {
                    return "";
                }
                hint = " (is " + whole + "," + fraction + " a number written with a decimal comma? Write " + whole + "."
                        + fraction + ")";
            }
        }
        return hint;
    }
}
