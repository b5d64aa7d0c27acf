package io.tokentally.ingest;

import java.io.IOException;
import java.io.Reader;

/**
 * A reader that remembers what it has handed out, so that the raw text of a record can be cut out by
 * character position and parsing can resume from an earlier position after a malformed record.
 */
final class RecordingReader extends Reader {

    private static final int READ_SIZE = 16 * 1024;

    private final Reader in;
    private final StringBuilder buffer = new StringBuilder(2 * READ_SIZE);
    private final char[] chunk = new char[READ_SIZE];
    private long bufferStart;
    private long cursor;
    private boolean endOfInput;

    RecordingReader(Reader in) {
        this.in = in;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (cursor == end() && !fill()) {
            return -1;
        }
        int available = (int) Math.min(length, end() - cursor);
        int from = (int) (cursor - bufferStart);
        buffer.getChars(from, from + available, target, offset);
        cursor += available;
        return available;
    }

    /** Position one past the last character read from the underlying reader. */
    long end() {
        return bufferStart + buffer.length();
    }

    /** Reads all remaining input, so that {@link #end()} is the length of the text. */
    long drain() throws IOException {
        while (fill()) {
            // keep reading
        }
        return end();
    }

    String slice(long from, long to) {
        return buffer.substring((int) (from - bufferStart), (int) (to - bufferStart));
    }

    char charAt(long position) {
        return buffer.charAt((int) (position - bufferStart));
    }

    /** Makes {@code position} readable, reading ahead if needed; false when the input ends before it. */
    boolean reach(long position) throws IOException {
        while (position >= end()) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Continues reading from an earlier (still buffered) position. */
    void seek(long position) {
        if (position < bufferStart || position > end()) {
            throw new IllegalStateException("position " + position + " is no longer buffered");
        }
        cursor = position;
    }

    /**
     * Forgets everything before {@code position}. The buffer is compacted only once the forgotten text
     * is a read's size or more: compacting after every record moved the whole buffer once per record.
     */
    void discardBefore(long position) {
        long keepFrom = Math.min(position, cursor);
        if (keepFrom - bufferStart >= READ_SIZE) {
            buffer.delete(0, (int) (keepFrom - bufferStart));
            bufferStart = keepFrom;
        }
    }

    private boolean fill() throws IOException {
        if (endOfInput) {
            return false;
        }
        int read = in.read(chunk, 0, chunk.length);
        if (read < 0) {
            endOfInput = true;
            return false;
        }
        buffer.append(chunk, 0, read);
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
