package io.tokentally.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Checks a gzip file whole, member by member as RFC 1952 lays them out (a file may hold several, as {@code cat a.gz
 * b.gz} and log shippers write them): each member's header, compressed data and trailer complete, its checksum and
 * length those of its data, and nothing after the last member but zero bytes (which gzip itself passes over).
 * java.util.zip's reader stops without a word at anything after a member that is not a whole member header, so a
 * file cut inside a later member's header would be read only as far as the member before it.
 */
final class GzipMembers {

    /** What the reason of a file that ends too early adds: the usual cause. */
    static final String CUT_SHORT = " (cut short, or still being written)";

    private static final int DEFLATE = 8;
    private static final int HEADER_CRC = 2;
    private static final int EXTRA = 4;
    private static final int NAME = 8;
    private static final int COMMENT = 16;

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    /** How many bytes of the file come before {@code buffer[0]}. */
    private long offset;
    /** The checksum of the header being read, or null outside a header. */
    private CRC32 headerCrc;

    private GzipMembers(InputStream in) {
        this.in = in;
    }

    /**
     * Returns when the gzip file is whole; otherwise throws an {@link EOFException} (it ends too early) or a {@link
     * ZipException} (corrupt, or followed by bytes that are no member) whose message says where.
     */
    static void checkWhole(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            new GzipMembers(in).checkMembers();
        }
    }

    private void checkMembers() throws IOException {
        for (int member = 1; ; member++) {
            checkHeader(member);
            checkDataAndTrailer(member);
            int next = peek();
            if (next < 0) {
                return;
            }
            if (next == 0) {
                checkOnlyZerosFollow(member);
                return;
            }
        }
    }

    private void checkHeader(int member) throws IOException {
        String part = "the header of gzip member " + member;
        long start = offset + position;
        headerCrc = new CRC32();
        if (read(part) != 0x1f || read(part) != 0x8b) {
            throw member == 1
                    ? new ZipException("it does not start with gzip's magic bytes")
                    : notAMember(member - 1, start);
        }
        int method = read(part);
        if (method != DEFLATE) {
            throw new ZipException("gzip member " + member + " is compressed with method " + method + ", not deflate");
        }
        int flags = read(part);
        skip(6, part); // modification time, extra flags, operating system
        if ((flags & EXTRA) != 0) {
            skip(read(part) | read(part) << 8, part);
        }
        if ((flags & NAME) != 0) {
            skipZeroTerminated(part);
        }
        if ((flags & COMMENT) != 0) {
            skipZeroTerminated(part);
        }
        long crc = headerCrc.getValue() & 0xFFFF;
        headerCrc = null;
        if ((flags & HEADER_CRC) != 0 && (read(part) | read(part) << 8) != crc) {
            throw new ZipException(
                    "the header checksum of gzip member " + member + " is not that of its header" + " (corrupt)");
        }
    }

    private void checkDataAndTrailer(int member) throws IOException {
        Inflater inflater = new Inflater(true);
        CRC32 crc = new CRC32();
        long length = 0;
        byte[] out = new byte[64 * 1024];
        try {
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (position == limit && !fill()) {
                        throw new EOFException(
                                "it ends inside the compressed data of gzip member " + member + CUT_SHORT);
                    }
                    inflater.setInput(buffer, position, limit - position);
                    position = limit;
                }
                int inflated = inflater.inflate(out);
                crc.update(out, 0, inflated);
                length += inflated;
                if (inflater.needsDictionary()) {
                    throw new ZipException("the compressed data of gzip member " + member + " is corrupt");
                }
            }
            position = limit - inflater.getRemaining();
        } catch (DataFormatException e) {
            throw new ZipException("the compressed data of gzip member " + member + " is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
        String part = "the trailer of gzip member " + member;
        if (readInt(part) != crc.getValue()) {
            throw new ZipException("the checksum of gzip member " + member + " is not that of its data (corrupt)");
        }
        if (readInt(part) != (length & 0xFFFFFFFFL)) {
            throw new ZipException("the length of gzip member " + member + " is not that of its data (corrupt)");
        }
    }

    private void checkOnlyZerosFollow(int member) throws IOException {
        long start = offset + position;
        for (int next = peek(); next >= 0; next = peek()) {
            if (next != 0) {
                throw notAMember(member, start);
            }
            position++;
        }
    }

    private static ZipException notAMember(int after, long start) {
        return new ZipException(
                "the bytes from offset " + start + " on, after gzip member " + after + ", are not a gzip member");
    }

    /** The next byte, not taken, or -1 at the end of the file. */
    private int peek() throws IOException {
        return position < limit || fill() ? buffer[position] & 0xFF : -1;
    }

    private int read(String part) throws IOException {
        if (peek() < 0) {
            throw new EOFException("it ends inside " + part + CUT_SHORT);
        }
        int value = buffer[position++] & 0xFF;
        if (headerCrc != null) {
            headerCrc.update(value);
        }
        return value;
    }

    /** Four bytes, least significant first. */
    private long readInt(String part) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 32; shift += 8) {
            value |= (long) read(part) << shift;
        }
        return value;
    }

    private void skip(int count, String part) throws IOException {
        for (int i = 0; i < count; i++) {
            read(part);
        }
    }

    private void skipZeroTerminated(String part) throws IOException {
        while (read(part) != 0) {
            // a file name or comment
        }
    }

    /** Reads the next bytes into the buffer, once all of it is taken: whether there were any. */
    private boolean fill() throws IOException {
        offset += limit;
        position = 0;
        limit = 0;
        int read = in.read(buffer);
        if (read <= 0) {
            return false;
        }
        limit = read;
        return true;
    }
}
