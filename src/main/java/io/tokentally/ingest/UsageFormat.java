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
     * Whether a file no format claims looks like one of this format's files with a required column missing (its
     * header names enough of the others): it is then opened by this format, whose header check refuses it naming
     * the missing columns, so that it is a {@code FAILED} file, an error, rather than an unrecognized one, a warning,
     * while its usage goes unbilled.
     */
    default boolean resembles(String head) {
        return false;
    }

    /**
     * Whether the format is an aggregated export whose rows are buckets (ADR 0012): a newer export of a
     * bucket (same request id, which such a reader derives from the bucket's time range and grouping
     * keys) replaces the numbers of the older one. Per-request logs are not: their request ids dedup.
     */
    default boolean snapshots() {
        return false;
    }

    /**
     * The note of a format whose input count holds cache reads and writes it cannot tell apart (Cloudflare's {@code
     * tokens_in}): they are recorded as plain input, at the input price. Its ingested files' detail carries it, so
     * the report says so; null for a format that splits its counts.
     */
    default String unsplitCounts() {
        return null;
    }

    /** {@link #unsplitCounts()} of a format whose count {@code field} is not split. */
    static String unsplit(String field) {
        return field + NOT_SPLIT + "cache reads and writes in it are recorded as plain input, at the input price";
    }

    /** What every {@link #unsplitCounts()} note says after its field. */
    String NOT_SPLIT = " cannot be split: ";

    /**
     * Opens a cursor over the decoded file.
     *
     * @throws FileFormatException when the file as a whole cannot be read (a bad header)
     */
    RecordCursor open(Reader reader) throws IOException;
}
