package io.tokentally.ingest.provider;

import io.tokentally.ingest.CsvLines;
import io.tokentally.ingest.FileFormatException;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.UsageFormat;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.core.JacksonException;

/**
 * A provider's table exported as CSV with a header row. Column names are read case-insensitively, with
 * dots as underscores ({@code sku.description} and {@code sku_description} are one column). The whole
 * file is parsed when it is opened, so a file that is not valid CSV fails as a whole and no record of it
 * is read; a row with the wrong number of fields is rejected with its line.
 */
abstract class CsvRowsFormat implements UsageFormat {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true)
            .get();
    private static final CSVFormat RAW = CSVFormat.DEFAULT;

    /** Translates one row (normalized column name to value, {@code null} when blank or absent). */
    abstract List<CanonicalRecord> translate(Map<String, String> row);

    /** The normalized columns the format cannot read a file without, which tell its files from others. */
    abstract List<String> requiredColumns();

    @Override
    public boolean claims(String head) {
        return headerNames(head).containsAll(requiredColumns());
    }

    @Override
    public boolean resembles(String head) {
        return resembles(headerNames(head), requiredColumns());
    }

    /**
     * A header that names all the {@code required} columns but one, and at least two: the export with one column
     * renamed or dropped (LiteLLM's two tables share some of their columns, so fewer would take one for the other).
     */
    static boolean resembles(List<String> header, List<String> required) {
        long named = required.stream().filter(header::contains).count();
        return named >= Math.max(2, required.size() - 1);
    }

    @Override
    public RecordCursor open(Reader reader) throws IOException {
        return parseWhole(reader, requiredColumns(), this::toRecords);
    }

    /** What one record of a provider CSV file becomes, given the header's normalized names and its line. */
    interface RowRecords {
        List<RawRecord> of(List<String> header, CSVRecord row, long lineNo);
    }

    /**
     * Parses a whole provider CSV file with a header, each record with the line it starts on: a file that is not
     * valid CSV, or whose header lacks one of the {@code required} (normalized) columns, fails as a whole, and no
     * record of it is read.
     */
    static RecordCursor parseWhole(Reader reader, List<String> required, RowRecords rows) throws IOException {
        List<RawRecord> records = new ArrayList<>();
        CsvLines text = CsvLines.read(reader, false);
        try (CSVParser parser = CSVParser.parse(text.text(), FORMAT)) {
            List<String> header =
                    parser.getHeaderNames().stream().map(CsvRowsFormat::column).toList();
            List<String> missing =
                    required.stream().filter(column -> !header.contains(column)).toList();
            if (!missing.isEmpty()) {
                throw new FileFormatException("the header lacks required column(s) " + String.join(", ", missing));
            }
            for (CSVRecord row : parser) {
                records.addAll(rows.of(header, row, text.lineOf(row)));
            }
        } catch (CSVException e) { // thrown as it is by the parser's constructor, which reads the header
            throw new FileFormatException("the file is not valid CSV: " + e.getMessage());
        } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw FileFormatException.notValidCsv("the file is not valid CSV: ", e);
        }
        Iterator<RawRecord> iterator = records.iterator();
        return new RecordCursor() {
            @Override
            public RawRecord next() {
                return iterator.hasNext() ? iterator.next() : null;
            }

            @Override
            public void close() {}
        };
    }

    private List<RawRecord> toRecords(List<String> header, CSVRecord row, long lineNo) {
        String raw = RAW.format(row.values());
        if (row.size() != header.size()) {
            return List.of(RawRecord.malformed(
                    lineNo, raw, "the row has " + row.size() + " fields, the header " + header.size()));
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String value = row.get(i).strip();
            values.put(header.get(i), value.isEmpty() ? null : value);
        }
        try {
            return translate(values).stream()
                    .map(record -> record.toRawRecord(lineNo, raw))
                    .toList();
        } catch (RecordProblem e) {
            return List.of(RawRecord.malformed(lineNo, raw, e.getMessage()));
        } catch (JacksonException e) {
            return List.of(RawRecord.malformed(lineNo, raw, JsonPagesFormat.wrongKind(e)));
        }
    }

    /** The normalized names of the first non-blank line's cells, for {@link #claims} and {@link #resembles}. */
    static List<String> headerNames(String head) {
        String header = head.lines().filter(line -> !line.isBlank()).findFirst().orElse("");
        List<String> names = new ArrayList<>();
        for (String cell : header.split(",")) {
            names.add(column(cell.replace("\"", "")));
        }
        return names;
    }

    static String column(String name) {
        return name.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT).replace('.', '_');
    }
}
