package io.tokentally.ingest;

import java.io.Closeable;
import java.io.IOException;

/** Streams the records of one open file, in file order. */
public interface RecordCursor extends Closeable {

    /** The next record, or {@code null} at the end of the file. */
    RawRecord next() throws IOException;
}
