package io.tokentally.normalize;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A set of request keys: the first 128 bits of SHA-256 over (source, request id), held in two open
 * addressing arrays so that a million keys take 32 MB and no objects. 128 bits make an accidental
 * collision (two different requests taken for one) as likely as about 1 in 10^20 per billion requests.
 */
final class RequestKeySet {

    static final int KEY_BYTES = 16;
    private static final int MIN_CAPACITY = 1 << 10;

    private long[] high;
    private long[] low;
    private boolean[] used;
    private int size;

    RequestKeySet() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    boolean contains(long keyHigh, long keyLow) {
        int mask = used.length - 1;
        for (int slot = slot(keyHigh, mask); used[slot]; slot = (slot + 1) & mask) {
            if (high[slot] == keyHigh && low[slot] == keyLow) {
                return true;
            }
        }
        return false;
    }

    /** Adds a key; false if it was already there. */
    boolean add(long keyHigh, long keyLow) {
        if ((size + 1) * 2L > used.length) {
            grow();
        }
        int mask = used.length - 1;
        int slot = slot(keyHigh, mask);
        for (; used[slot]; slot = (slot + 1) & mask) {
            if (high[slot] == keyHigh && low[slot] == keyLow) {
                return false;
            }
        }
        used[slot] = true;
        high[slot] = keyHigh;
        low[slot] = keyLow;
        size++;
        return true;
    }

    /** Adds every key of a stored block (16 bytes per key, big-endian). */
    void addAll(byte[] block) {
        ByteBuffer buffer = ByteBuffer.wrap(block);
        while (buffer.remaining() >= KEY_BYTES) {
            add(buffer.getLong(), buffer.getLong());
        }
    }

    /** Adds to {@code common} every key of a stored block that this set holds too. */
    void retainInto(byte[] block, RequestKeySet common) {
        ByteBuffer buffer = ByteBuffer.wrap(block);
        while (buffer.remaining() >= KEY_BYTES) {
            long keyHigh = buffer.getLong();
            long keyLow = buffer.getLong();
            if (contains(keyHigh, keyLow)) {
                common.add(keyHigh, keyLow);
            }
        }
    }

    /** The keys as blocks of at most {@code keysPerBlock} keys, 16 bytes each, for storage. */
    java.util.List<byte[]> toBlocks(int keysPerBlock) {
        java.util.List<byte[]> blocks = new java.util.ArrayList<>();
        ByteBuffer buffer = null;
        int left = size;
        for (int slot = 0; slot < used.length; slot++) {
            if (!used[slot]) {
                continue;
            }
            if (buffer == null || !buffer.hasRemaining()) {
                buffer = ByteBuffer.allocate(Math.min(left, keysPerBlock) * KEY_BYTES);
                blocks.add(buffer.array());
            }
            buffer.putLong(high[slot]).putLong(low[slot]);
            left--;
        }
        return blocks;
    }

    private static int slot(long keyHigh, int mask) {
        return (int) (keyHigh ^ (keyHigh >>> 32)) & mask;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        boolean[] oldUsed = used;
        allocate(used.length * 2);
        for (int slot = 0; slot < oldUsed.length; slot++) {
            if (oldUsed[slot]) {
                add(oldHigh[slot], oldLow[slot]);
            }
        }
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        used = new boolean[capacity];
        size = 0;
    }

    /** Hashes (source, request id) into a key; one per thread, it reuses its digest. */
    static final class Hasher {

        private final MessageDigest digest;
        private long keyHigh;
        private long keyLow;

        Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no SHA-256", e);
            }
        }

        Hasher hash(String source, String requestId) {
            digest.update(source.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            ByteBuffer hash = ByteBuffer.wrap(digest.digest(requestId.getBytes(StandardCharsets.UTF_8)));
            keyHigh = hash.getLong();
            keyLow = hash.getLong();
            return this;
        }

        long high() {
            return keyHigh;
        }

        long low() {
            return keyLow;
        }
    }
}
