package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** tokentally's usage CSV: a header row, RFC 4180 quoting, columns in any order. */
@Component
@Order(10)
class UsageCsvFormat implements UsageFormat {

    static final String NAME = "usage-csv";
    /** How many of the seven required columns make a header a usage file's that lacks the others: more than half. */
    private static final int RESEMBLING = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean claims(String head) {
        List<String> names = headerNames(head);
        return names.contains(UsageColumns.REQUEST_ID) && names.contains(UsageColumns.TIMESTAMP);
    }

    /**
     * A header naming at least {@value #RESEMBLING} of the required columns (not both request_id and timestamp, or it
     * would be claimed): a usage file whose export renamed or dropped a column, refused naming it.
     */
    @Override
    public boolean resembles(String head) {
        List<String> names = headerNames(head);
        return UsageColumns.REQUIRED.stream().filter(names::contains).count() >= RESEMBLING;
    }

    /** The normalized names of the first non-blank line's cells; none when it is a JSON object. */
    private static List<String> headerNames(String head) {
        String firstLine =
                head.lines().filter(line -> !line.isBlank()).findFirst().orElse("");
        List<String> names = new ArrayList<>();
        if (!firstLine.startsWith("{")) {
            for (String cell : firstLine.split(",")) {
                names.add(normalizeName(cell.replace("\"", "")));
            }
        }
        return names;
    }

    @Override
    public RecordCursor open(Reader reader) throws IOException {
        return new UsageCsvCursor(new RecordingReader(reader));
    }

    static String normalizeName(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** "1 field", "7 fields". */
    static String fields(int count) {
        return count + (count == 1 ? " field" : " fields");
    }
}
