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
