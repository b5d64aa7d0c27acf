package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A small CSV file with a header (customers, prices), read whole; for reference data, not usage. */
public final class CsvTable {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .setCommentMarker('#')
            .get();

    /** One data row: lower-case column name to trimmed value ({@code null} when blank). */
    public record Row(Path file, long lineNo, Map<String, String> values) {

        public String get(String column) {
            return values.get(column);
        }

        public String require(String column) {
            String value = values.get(column);
            if (value == null) {
                throw problem("column " + column + " is empty");
            }
            return value;
        }

        public IllegalArgumentException problem(String message) {
            return new IllegalArgumentException(file + " line " + lineNo + ": " + message);
        }
    }

    private CsvTable() {}

    public static List<Row> read(Path file, List<String> requiredColumns) throws IOException {
        String text;
        try (Reader reader = InputFiles.openText(file)) {
            StringWriter whole = new StringWriter();
            reader.transferTo(whole);
            text = whole.toString();
        }
        try (CSVParser parser = CSVParser.builder()
                .setReader(new StringReader(text))
                .setFormat(FORMAT)
                .get()) {
            List<String> header = parser.getHeaderNames().stream()
                    .map(name -> name.strip().toLowerCase(Locale.ROOT))
                    .toList();
            for (String required : requiredColumns) {
                if (!header.contains(required)) {
                    throw new IllegalArgumentException(file + ": the header lacks required column " + required);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                long lineNo = parser.getCurrentLineNumber();
                String strayQuote = CsvQuotes.strayQuoteProblem(text, recordStart(text, record), true, header);
                if (strayQuote != null) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": " + strayQuote);
                }
                Map<String, String> values = new HashMap<>();
                for (int i = 0; i < header.size() && i < record.size(); i++) {
                    values.put(header.get(i), RawRecord.trimmed(record.get(i)));
                }
                rows.add(new Row(file, lineNo, values));
            }
            return rows;
        } catch (UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(file + ": not valid CSV: " + cause.getMessage(), e);
        }
    }

    /** Where a record's text starts: Commons CSV gives the position before the blank and comment lines it skipped. */
    private static int recordStart(String text, CSVRecord record) {
        int at = (int) record.getCharacterPosition();
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n' || c == '\r') {
                at++;
            } else if (c == '#') {
                int lineEnd = text.indexOf('\n', at);
                at = lineEnd < 0 ? text.length() : lineEnd + 1;
            } else {
                return at;
            }
        }
        return at;
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
}
