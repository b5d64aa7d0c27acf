package io.tokentally.normalize;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.InputFiles;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.shared.Sha256;
import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The last row of a changed file's earlier version that ended inside that row: the file was read while it was being
 * written, with no line end after its last row yet, and the rest of the row came later. The earlier version is then
 * this file's start, byte for byte (a gzip file's whole members too: one written on is a member more), so the row
 * starts at the same line here. Read as it stood, the cut row counted (README: a cut last row's numbers are billed),
 * and its completion must not count again: its request id, cut too when it is the last column, is not the cut one,
 * which the duplicate check would not tell.
 *
 * @param lineNo where the row starts, in both versions
 * @param raw the row as the earlier version held it
 * @param counted whether the earlier version counted the row's request (accepted, held for want of a price, or
 *     itself the rest of a cut row that counted); null when that version was read before this was recorded
 */
record CutLastRow(long lineNo, String raw, Boolean counted) {

    /**
     * The earlier version's last row, when {@code file} is {@code earlier} with more written after it, {@code
     * earlier}'s text ended without a line end, and its last row may have counted; empty otherwise (an export of
     * buckets, whose newer copy replaces them, is never one).
     *
     * @param counted whether {@code earlier} counted its last row's request, or null when not known
     */
    static Optional<CutLastRow> of(RegisteredFile file, RegisteredFile earlier, Boolean counted, UsageFormat format)
            throws IOException {
        Path path = file.localFile();
        if (earlier.status() != FileStatus.INGESTED
                || Boolean.FALSE.equals(counted)
                || earlier.sizeBytes() == 0
                || earlier.sizeBytes() >= file.sizeBytes()
                || format.snapshots()
                || endsWithLineFeed(path, earlier.sizeBytes())
                || !startsWith(path, earlier)) {
            return Optional.empty();
        }
        RawRecord last = null;
        try (LastCharacter text = new LastCharacter(
                        InputFiles.openText(new FirstBytes(Files.newInputStream(path), earlier.sizeBytes())));
                RecordCursor cursor = format.open(text)) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                last = record;
            }
            if (text.last == '\n') {
                return Optional.empty();
            }
        }
        return last == null ? Optional.empty() : Optional.of(new CutLastRow(last.lineNo(), last.raw(), counted));
    }

    /**
     * Whether a plain file's first {@code size} bytes end with a line feed, as most versions read do: told without
     * hashing or parsing them. A gzip file's text is told only once decompressed.
     */
    private static boolean endsWithLineFeed(Path path, long size) throws IOException {
        if (InputFiles.isGzip(path)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(path)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            return channel.read(last, size - 1) == 1 && last.get(0) == '\n';
        }
    }

    /** Whether the file's first bytes are {@code earlier}'s content. */
    private static boolean startsWith(Path path, RegisteredFile earlier) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new FirstBytes(Files.newInputStream(path), earlier.sizeBytes())) {
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest()).equals(earlier.checksum());
    }

    /** A text that remembers the last character read from it: whether it ended with a line end. */
    private static final class LastCharacter extends FilterReader {

        private int last = '\n';

        LastCharacter(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int read = super.read();
            if (read >= 0) {
                last = read;
            }
            return read;
        }

        @Override
        public int read(char[] characters, int offset, int length) throws IOException {
            int read = super.read(characters, offset, length);
            if (read > 0) {
                last = characters[offset + read - 1];
            }
            return read;
        }
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class FirstBytes extends FilterInputStream {

        private long left;

        FirstBytes(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = super.read();
            left -= read < 0 ? 0 : 1;
            return read;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int read = super.read(bytes, offset, (int) Math.min(length, left));
            left -= Math.max(read, 0);
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }
    }
}
