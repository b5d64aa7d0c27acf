package io.tokentally.normalize;

import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.RawRecord;
import java.io.IOException;
import java.util.function.Consumer;

/** One pass over one registered file, held in memory until the file is committed as a whole. */
interface FileIngestion {

    /** Reads every record; rejects may be written as they come; everything else waits for {@link #store}. */
    void readAll(Consumer<RawRecord> onRecord) throws IOException;

    /**
     * Settles what files committed since this pass began changed, reading the file again if they hold its
     * requests (under the commit lock), with {@code onRecord} called for each record read again.
     */
    void settleConcurrentDuplicates(Consumer<RawRecord> onRecord) throws IOException;

    void store(long run);

    FileCounts counts();
}
