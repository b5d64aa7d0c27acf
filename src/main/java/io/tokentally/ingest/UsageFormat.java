package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;

/** A file format that can be recognized by its content and read as a stream of records. */
public interface UsageFormat {

    /** A short, stable name recorded in the file registry, e.g. {@code usage-csv}. */
    String name();

    /** Whether this format recognizes a file whose decoded text starts with {@code head}. */
    boolean claims(String head);

    /**
     * Opens a cursor over the decoded file.
     *
     * @throws FileFormatException when the file as a whole cannot be read (a bad header)
     */
    RecordCursor open(Reader reader) throws IOException;
}
