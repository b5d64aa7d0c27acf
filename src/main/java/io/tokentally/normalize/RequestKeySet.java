package io.tokentally.normalize;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A set of request keys: the first 128 bits of SHA-256 over (source, request id), held in open addressing arrays
 * and no objects: 25 bytes a slot, the table between half and three quarters full (it grows by half when it would
 * be fuller), so a million keys take 33 to 50 MB, and while the table grows the old one is held too (up to 83 MB
 * per million keys for a moment; ADR 0007). 128 bits make an accidental collision (two different requests taken
 * for one) as likely as about 1 in 10^20 per billion requests. Each key carries the fingerprint of what its first
 * copy counted (see {@code FileIngest}), so that a repeat with other numbers can be told from a plain repeat.
 */
final class RequestKeySet {

    static final int KEY_BYTES = 16;
    static final int FINGERPRINT_BYTES = 8;

    /** The fingerprint of a key stored before fingerprints were kept: it matches any. */
    static final long UNKNOWN = 0;

    private static final int MIN_CAPACITY = 1 << 10;
    /** The longest array length that is safe on every JVM: a set holds up to three quarters of this many keys. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private long seed;
    private long[] high;
    private long[] low;
    private long[] fingerprints;
    private boolean[] used;
    private int size;

    RequestKeySet() {
        this(MIN_CAPACITY);
    }

    private RequestKeySet(int capacity) {
        allocate(capacity);
    }

    /**
     * A set of the keys of {@code older} and {@code newer}, two thirds full; a key both hold keeps the older set's
     * fingerprint.
     */
    static RequestKeySet merged(RequestKeySet older, RequestKeySet newer) {
        long keys = (long) older.size + newer.size;
        RequestKeySet merged = new RequestKeySet((int) Math.min(Math.max(keys + keys / 2, MIN_CAPACITY), MAX_CAPACITY));
        merged.addAllOf(older);
        merged.addAllOf(newer);
        return merged;
    }

    int size() {
        return size;
    }

    boolean contains(long keyHigh, long keyLow) {
        return find(keyHigh, keyLow) >= 0;
    }

    /** The fingerprint the key was added with, or empty when the set does not hold the key. */
    OptionalLong fingerprintOf(long keyHigh, long keyLow) {
        int slot = find(keyHigh, keyLow);
        return slot < 0 ? OptionalLong.empty() : OptionalLong.of(fingerprints[slot]);
    }

    /** Adds a key; false if it was already there (its first fingerprint stays). */
    boolean add(long keyHigh, long keyLow, long fingerprint) {
        if ((size + 1) * 4L > used.length * 3L) {
            grow();
        }
        int slot = slot(keyHigh);
        for (; used[slot]; slot = next(slot)) {
            if (high[slot] == keyHigh && low[slot] == keyLow) {
                return false;
            }
        }
        used[slot] = true;
        high[slot] = keyHigh;
        low[slot] = keyLow;
        fingerprints[slot] = fingerprint;
        size++;
        return true;
    }

    /**
     * Adds every key of a stored block: 16 bytes per key, big-endian, and 8 per fingerprint in the same
     * order ({@code fingerprints} is null for a block stored before fingerprints were kept).
     */
    void addAll(byte[] keys, byte[] fingerprints) {
        Block block = new Block(keys, fingerprints);
        for (int index = 0; index < block.size(); index++) {
            add(block.high(index), block.low(index), block.fingerprint(index));
        }
    }

    /** Whether this set holds a key of a stored block's keys. */
    boolean holdsAnyOf(byte[] keys) {
        Block block = new Block(keys, null);
        for (int index = 0; index < block.size(); index++) {
            if (contains(block.high(index), block.low(index))) {
                return true;
            }
        }
        return false;
    }

    /** The keys and their fingerprints as blocks of at most {@code keysPerBlock} keys, for storage. */
    List<Block> toBlocks(int keysPerBlock) {
        List<Block> blocks = new ArrayList<>();
        forEachBlock(keysPerBlock, blocks::add);
        return blocks;
    }

    /**
     * Hands the keys and their fingerprints to {@code storage} as blocks of at most {@code keysPerBlock} keys, one
     * at a time: each is filled when the one before was handed on, so only one is held at once.
     */
    void forEachBlock(int keysPerBlock, Consumer<Block> storage) {
        ByteBuffer keys = null;
        ByteBuffer prints = null;
        int left = size;
        for (int slot = 0; slot < used.length; slot++) {
            if (!used[slot]) {
                continue;
            }
            if (keys == null) {
                int count = Math.min(left, keysPerBlock);
                keys = ByteBuffer.allocate(count * KEY_BYTES);
                prints = ByteBuffer.allocate(count * FINGERPRINT_BYTES);
            }
            keys.putLong(high[slot]).putLong(low[slot]);
            prints.putLong(fingerprints[slot]);
            left--;
            if (!keys.hasRemaining()) {
                storage.accept(new Block(keys.array(), prints.array()));
                keys = null;
            }
        }
    }

    /**
     * The most taken slots in a row (not counting a run that wraps past the end): a lookup of a key the set does not
     * hold probes up to that many, so it tells a spread table from one whose keys piled up.
     */
    int longestRun() {
        int longest = 0;
        int run = 0;
        for (boolean taken : used) {
            run = taken ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    /** A stored block: the keys and, in the same order, their fingerprints (null when not kept). */
    record Block(byte[] keys, byte[] fingerprints) {

        int size() {
            return keys.length / KEY_BYTES;
        }

        long high(int index) {
            return (long) LONGS.get(keys, index * KEY_BYTES);
        }

        long low(int index) {
            return (long) LONGS.get(keys, index * KEY_BYTES + Long.BYTES);
        }

        long fingerprint(int index) {
            return fingerprints == null ? UNKNOWN : (long) LONGS.get(fingerprints, index * FINGERPRINT_BYTES);
        }
    }

    private int find(long keyHigh, long keyLow) {
        for (int slot = slot(keyHigh); used[slot]; slot = next(slot)) {
            if (high[slot] == keyHigh && low[slot] == keyLow) {
                return slot;
            }
        }
        return -1;
    }

    /**
     * The key's first slot: its first half mixed with the table's seed, scaled to the table's length. A set is
     * filled from blocks in the slot order of the set that stored them, and grows by copying its keys in its own slot
     * order: with one slot function for all tables those keys would arrive sorted by their new slots and pile up in
     * one cluster at the start of a growing table (loading 400,000 stored keys took 6 s instead of 0.06). Each table
     * draws a random seed of its own, so no table's order says anything about another's slots, in this process or
     * in the one that stored the blocks (a seed counted from zero would repeat in every process).
     */
    private int slot(long keyHigh) {
        return (int) (((mix(keyHigh ^ seed) >>> 32) * used.length) >>> 32);
    }

    /** MurmurHash3's 64-bit finalizer: every bit of the result depends on every bit of {@code x}. */
    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    private int next(int slot) {
        return slot + 1 == used.length ? 0 : slot + 1;
    }

    private void addAllOf(RequestKeySet other) {
        addSlots(other.high, other.low, other.fingerprints, other.used);
    }

    /** Adds the keys of another table's slots, in their order. */
    private void addSlots(long[] slotHigh, long[] slotLow, long[] slotFingerprints, boolean[] slotUsed) {
        for (int slot = 0; slot < slotUsed.length; slot++) {
            if (slotUsed[slot]) {
                add(slotHigh[slot], slotLow[slot], slotFingerprints[slot]);
            }
        }
    }

    /** A table half as long again: half full. */
    private void grow() {
        if (used.length == MAX_CAPACITY) {
            throw new IllegalStateException("a request key set holds at most " + MAX_CAPACITY * 3L / 4 + " keys");
        }
        long[] oldHigh = high;
        long[] oldLow = low;
        long[] oldFingerprints = fingerprints;
        boolean[] oldUsed = used;
        allocate((int) Math.min(used.length + (long) used.length / 2, MAX_CAPACITY));
        addSlots(oldHigh, oldLow, oldFingerprints, oldUsed);
    }

    private void allocate(int capacity) {
        seed = ThreadLocalRandom.current().nextLong();
        high = new long[capacity];
        low = new long[capacity];
        fingerprints = new long[capacity];
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
