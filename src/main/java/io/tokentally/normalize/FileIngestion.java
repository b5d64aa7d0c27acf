package io.tokentally.normalize;

import io.tokentally.ingest.ContentReading;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.RawRecord;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** One pass over one registered file, held in memory until the file is committed as a whole. */
interface FileIngestion {

    /** Reads every record; rejects may be written as they come; everything else waits for {@link #store}. */
    void readAll(Consumer<RawRecord> onRecord) throws IOException;

    /**
     * Reads the file again, under the commit lock, if files committed since this pass began change how its rows
     * are judged (they hold its request ids, or are the version it changed from), with {@code onRecord} called for
     * each record read again.
     */
    void readAgainIfOthersCommitted(Consumer<RawRecord> onRecord) throws IOException;

    void store(long run);

    /** The bytes the last pass read: the registered content, unless the file's path holds other bytes since. */
    ContentReading.Content contentRead();

    FileCounts counts();

    /** The lookalike columns the last pass's header had ({@link io.tokentally.ingest.LookalikeColumns}). */
    default List<String> lookalikeColumns() {
        return List.of();
    }

    /**
     * The format's note on the counts it cannot split ({@link io.tokentally.ingest.UsageFormat#unsplitCounts}), or
     * null.
     */
    default String unsplitCounts() {
        return null;
    }

    /**
     * Whether the request of the last pass's last record counts in billing (accepted, or held for want of a price),
     * recorded for a later version of the file that goes on inside that row ({@code CutLastRow}); null for a file of
     * no record, or of buckets.
     */
    default Boolean lastRowCounted() {
        return null;
    }
}
