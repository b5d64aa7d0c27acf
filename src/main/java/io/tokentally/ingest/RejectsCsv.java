package io.tokentally.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes a run's rejected lines as {@code rejects.csv}, one at a time: file, line, reason code, message, raw line. */
public final class RejectsCsv implements Closeable {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader("file", "line", "reason_code", "message", "raw_line")
            .setRecordSeparator("\n")
            .get();

    private final CSVPrinter printer;

    private RejectsCsv(CSVPrinter printer) {
        this.printer = printer;
    }

    /** Creates (or empties) {@code target} and writes the header. */
    public static RejectsCsv create(Path target) throws IOException {
        return new RejectsCsv(new CSVPrinter(Files.newBufferedWriter(target, StandardCharsets.UTF_8), FORMAT));
    }

    public void print(RejectRepository.RejectedLine reject) {
        try {
            printer.printRecord(reject.file(), reject.lineNo(), reject.reasonCode(), reject.message(), reject.raw());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        printer.close();
    }
}
