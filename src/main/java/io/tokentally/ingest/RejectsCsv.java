package io.tokentally.ingest;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes a run's rejected lines as {@code rejects.csv}: file, line, reason code, message, raw line. */
public final class RejectsCsv {

    private RejectsCsv() {}

    public static void write(Path target, List<RejectRepository.RejectedLine> rejects) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setHeader("file", "line", "reason_code", "message", "raw_line")
                .setRecordSeparator("\n")
                .get();
        try (Writer writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8);
                CSVPrinter printer = new CSVPrinter(writer, format)) {
            for (RejectRepository.RejectedLine reject : rejects) {
                printer.printRecord(
                        reject.file(), reject.lineNo(), reject.reasonCode(), reject.message(), reject.raw());
            }
        }
    }
}
