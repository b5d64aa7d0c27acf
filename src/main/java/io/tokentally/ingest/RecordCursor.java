package io.tokentally.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Streams the records of one open file, in file order. */
public interface RecordCursor extends Closeable {

    /** The next record, or {@code null} at the end of the file. */
    RawRecord next() throws IOException;

    /** Columns the format ignores that look like one of its own the file lacks ({@link LookalikeColumns}). */
    default List<String> lookalikeColumns() {
        return List.of();
    }
}
