package io.tokentally.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.commons.csv.CSVException;

/** A file that cannot be ingested at all, for example one whose header lacks a required column. */
public class FileFormatException extends RuntimeException {

    public FileFormatException(String message) {
        super(message);
    }

    /**
     * What Commons CSV's {@code failure} while parsing means: a file that is not valid CSV ({@code what}, then the
     * parser's reason), or a read failure, such as a gzip file cut short, which is thrown as the I/O error it is.
     *
     * @return the exception for the caller to throw, when the file is not valid CSV
     * @throws IOException the read failure itself, when {@code failure} is one
     */
    public static FileFormatException notValidCsv(String what, RuntimeException failure) throws IOException {
        if (failure instanceof UncheckedIOException unchecked && !(unchecked.getCause() instanceof CSVException)) {
            throw unchecked.getCause();
        }
        return new FileFormatException(
                what + (failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage()));
    }
}
