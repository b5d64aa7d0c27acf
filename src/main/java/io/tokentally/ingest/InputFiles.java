package io.tokentally.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Opens input files as UTF-8 text, gunzipping transparently (recognized by content) and skipping a BOM. */
public final class InputFiles {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private InputFiles() {}

    /**
     * Whether a file (by its name, or an object by the last segment of its key) is a purchases feed
     * rather than usage: its name starts with "purchases" and ends in .csv, .json or .jsonl. The
     * purchases step reads these; usage ingest leaves them alone.
     */
    public static boolean isPurchasesFeed(String name) {
        String lower = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return lower.startsWith("purchases")
                && (lower.endsWith(".csv") || lower.endsWith(".json") || lower.endsWith(".jsonl"));
    }

    public static Reader openText(Path file) throws IOException {
        return openText(Files.newInputStream(file));
    }

    /** As {@link #openText(Path)}, of a file's bytes as they are read. */
    public static Reader openText(InputStream bytes) throws IOException {
        PushbackReader reader = new PushbackReader(new InputStreamReader(openBytes(bytes), StandardCharsets.UTF_8), 1);
        int first = reader.read();
        if (first >= 0 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }

    /**
     * The file's text, without a BOM; a byte that is not UTF-8 refuses the file, naming the line that holds it (a
     * line ends at a line feed, a carriage return, or both).
     */
    public static String readUtf8Strictly(Path file) throws IOException {
        return readUtf8Strictly(file, file.toString());
    }

    /** As {@link #readUtf8Strictly(Path)}, naming the file {@code shown} (a staged copy by its origin). */
    public static String readUtf8Strictly(Path file, String shown) throws IOException {
        byte[] bytes;
        try (InputStream in = openBytes(file)) {
            bytes = in.readAllBytes();
        }
        ByteBuffer input = ByteBuffer.wrap(bytes);
        CharBuffer text = CharBuffer.allocate(bytes.length);
        if (StandardCharsets.UTF_8.newDecoder().decode(input, text, true).isError()) {
            long line = 1;
            for (int at = 0; at < input.position(); at++) { // the decoder stops at the first byte it cannot read
                boolean crBeforeLf = bytes[at] == '\r' && at + 1 < bytes.length && bytes[at + 1] == '\n';
                line += (bytes[at] == '\n' || (bytes[at] == '\r' && !crBeforeLf)) ? 1 : 0;
            }
            throw new IllegalArgumentException(shown + " line " + line + ": not valid UTF-8");
        }
        String decoded = text.flip().toString();
        return decoded.startsWith("\uFEFF") ? decoded.substring(1) : decoded;
    }

    /** The file's bytes, gunzipped when it is gzip. */
    public static InputStream openBytes(Path file) throws IOException {
        return openBytes(Files.newInputStream(file));
    }

    private static InputStream openBytes(InputStream bytes) throws IOException {
        InputStream raw = new BufferedInputStream(bytes, 64 * 1024);
        return isGzip(raw) ? new BufferedInputStream(new GZIPInputStream(raw, 64 * 1024), 64 * 1024) : raw;
    }

    /** The first {@code maxChars} characters of the decoded text. */
    public static String head(Path file, int maxChars) throws IOException {
        try (Reader reader = openText(file)) {
            char[] buffer = new char[maxChars];
            int total = 0;
            int read;
            while (total < maxChars && (read = reader.read(buffer, total, maxChars - total)) >= 0) {
                total += read;
            }
            return new String(buffer, 0, total);
        }
    }

    /** Whether the file's content is gzip. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 2)) {
            return isGzip(in);
        }
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2;
    }
}
