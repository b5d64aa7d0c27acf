package io.tokentally.normalize;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The buckets of one aggregated export (ADR 0012): each accepted row is a bucket's numbers, keyed by
 * source and bucket id (the row's request id). When the file commits, a bucket seen for the first time
 * adds its numbers; a bucket stored from an older export with other numbers is replaced (the older
 * numbers are subtracted from this file's totals, the newer added, and the change is recorded); a
 * bucket with the same numbers, or whose stored numbers come from a newer export, changes nothing.
 */
final class FileSnapshots {

    /** How a row of the file compares with the rows of the file before it. */
    enum Taken {
        NEW,
        REPEATED,
        CONFLICTING
    }

    /** What settling did to the file's rows. */
    record Settled(long unchanged, long replaced) {}

    /** Whether request keys stored before snapshots were kept hold a bucket's key. */
    interface StoredKeys {
        boolean contain(UsageLine line, long high, long low);
    }

    private record Pending(long high, long low, UsageLine line) {}

    /** The snapshots settling inserts and updates, and the changes the updates record. */
    private record SnapshotWrites(
            List<SnapshotStore.Snapshot> inserts,
            List<SnapshotStore.Snapshot> updates,
            List<SnapshotStore.Change> changes) {

        SnapshotWrites() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private final Map<String, Pending> buckets = new LinkedHashMap<>();

    Taken take(long high, long low, UsageLine line) {
        String key = key(high, low);
        Pending earlier = buckets.get(key);
        if (earlier == null) {
            buckets.put(key, new Pending(high, low, line));
            return Taken.NEW;
        }
        return sameNumbers(earlier.line(), line) ? Taken.REPEATED : Taken.CONFLICTING;
    }

    boolean isEmpty() {
        return buckets.isEmpty();
    }

    /**
     * Compares the file's buckets with the stored snapshots and applies them; call it under the commit
     * lock, in the transaction that stores the file's totals.
     *
     * @param ingestedBefore whether a bucket's key was stored as a request key before snapshots were
     *     kept (such a bucket cannot be replaced: its numbers are unknown)
     * @param unchanged called for each row that changes nothing (counted as a duplicate)
     */
    Settled settle(
            long fileId,
            long run,
            SnapshotStore store,
            UsageTotals totals,
            Set<Instant> hours,
            StoredKeys ingestedBefore,
            Consumer<UsageLine> unchanged) {
        Map<String, UsageLine> stored = store.load(new ArrayList<>(buckets.keySet()));
        SnapshotWrites writes = new SnapshotWrites();
        long same = 0;
        for (Map.Entry<String, Pending> bucket : buckets.entrySet()) {
            Pending pending = bucket.getValue();
            UsageLine line = pending.line();
            UsageLine previous = stored.get(bucket.getKey());
            if (previous == null && ingestedBefore.contain(line, pending.high(), pending.low())
                    || previous != null && (previous.fileId() > fileId || sameNumbers(previous, line))) {
                unchanged.accept(line);
                same++;
                continue;
            }
            applyBucket(bucket.getKey(), line, previous, totals, hours, writes);
        }
        store.insert(run, writes.inserts());
        store.update(run, writes.updates());
        store.recordChanges(run, writes.changes());
        return new Settled(same, writes.changes().size());
    }

    /**
     * Adds a new or replacing bucket to the writes and to the file's totals, less the numbers it replaces, and its
     * hour to the hours to rate, with the replaced bucket's hour (rated again without it).
     */
    private static void applyBucket(
            String key,
            UsageLine line,
            UsageLine previous,
            UsageTotals totals,
            Set<Instant> hours,
            SnapshotWrites writes) {
        totals.add(line);
        hours.add(line.hourStart());
        if (previous == null) {
            writes.inserts().add(new SnapshotStore.Snapshot(key, line));
        } else {
            totals.subtract(previous);
            hours.add(previous.hourStart());
            writes.updates().add(new SnapshotStore.Snapshot(key, line));
            writes.changes().add(new SnapshotStore.Change(previous, line));
        }
    }

    /**
     * Whether two copies of a bucket hold the same numbers in the same group. The newest price version each was read
     * under is left out: a bucket sent again unchanged after a back-dated price was added is no late usage, and keeps
     * the aggregate that billed it.
     */
    static boolean sameNumbers(UsageLine a, UsageLine b) {
        return UsageTotals.Group.of(a)
                        .withoutNewestPriceId()
                        .equals(UsageTotals.Group.of(b).withoutNewestPriceId())
                && Arrays.equals(SnapshotStore.counts(a), SnapshotStore.counts(b));
    }

    private static String key(long high, long low) {
        return String.format("%016x%016x", high, low);
    }
}
