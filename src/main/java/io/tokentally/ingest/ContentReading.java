package io.tokentally.ingest;

import io.tokentally.shared.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A file's bytes as they are read, with their SHA-256 and count: the content a registered file's rows came from,
 * which the bytes at its path may no longer be by the time a run reads it (a log rotated between a killed run and
 * its resume).
 */
public final class ContentReading extends FilterInputStream {

    /** What a file's bytes were when read: the SHA-256 of all of them, as the registry keys content, and how many. */
    public record Content(String checksum, long sizeBytes) {}

    private final MessageDigest digest;
    private long size;

    private ContentReading(InputStream in) {
        super(in);
        this.digest = Sha256.newDigest();
    }

    public static ContentReading of(Path file) throws IOException {
        return new ContentReading(Files.newInputStream(file));
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            size++;
        }
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int read = super.read(bytes, offset, length);
        if (read > 0) {
            digest.update(bytes, offset, read);
            size += read;
        }
        return read;
    }

    /** Skipped bytes are read, so that they are counted. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        byte[] discarded = new byte[(int) Math.min(n, 8192)];
        int read = read(discarded, 0, discarded.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * The bytes for a reader, which may close them before it has read them all (a JSON document's reader stops
     * after its value): closing the reader leaves the file open, so that {@link #finish} reads the rest.
     */
    public InputStream forReader() {
        return new FilterInputStream(this) {
            @Override
            public void close() {
                // the file is closed with the ContentReading
            }
        };
    }

    /** Reads the bytes a reader left (a gzip member's slack), and gives the content of all the bytes read. */
    public Content finish() throws IOException {
        transferTo(OutputStream.nullOutputStream());
        return new Content(HexFormat.of().formatHex(digest.digest()), size);
    }
}
