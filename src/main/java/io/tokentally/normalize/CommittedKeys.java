package io.tokentally.normalize;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The request keys committed by ingested files, a UTC day at a time, kept from one file's pass to the next: a pass
 * checks its rows against every key committed on their days and the days around them, and loading those again for
 * each file made ingest quadratic in the files of a day (300 files of 3,333 rows: two thirds of the ingest step's time
 * went to loading keys). A day's keys are brought up to date when a pass first looks at the day, by loading only the
 * blocks committed since the last look. That misses none: blocks are inserted under the commit lock, which is held
 * until the transaction ends, so a block becomes visible only after every block with a lower id that will ever be
 * visible.
 *
 * <p>One pass at a time uses an instance ({@link Pool}): as many instances as passes run at once (the ingest
 * threads), each handed to whichever pass starts next. When a pass that looked at some day gives it back, the days it
 * did not look at are dropped, so an instance holds at most the days of two passes (the last one's, while the next
 * adds its own).
 */
final class CommittedKeys {

    private final UsageStore store;
    private final Map<LocalDate, Day> days = new HashMap<>();
    private final Set<LocalDate> lookedAt = new HashSet<>();

    CommittedKeys(UsageStore store) {
        this.store = store;
    }

    /** The keys committed on {@code day} up to now (the caller must not change the set). */
    RequestKeySet upToDate(LocalDate day) {
        Day held = days.computeIfAbsent(day, d -> new Day());
        held.loadedThrough = store.loadKeys(day, held.loadedThrough, held.keys);
        lookedAt.add(day);
        return held.keys;
    }

    /**
     * Drops the days no pass looked at since the last call, unless none looked at any (a provider cost export's pass
     * checks no keys and leaves the days for the next).
     */
    private void keepOnlyDaysLookedAt() {
        if (!lookedAt.isEmpty()) {
            days.keySet().retainAll(lookedAt);
            lookedAt.clear();
        }
    }

    private static final class Day {
        private final RequestKeySet keys = new RequestKeySet();
        private long loadedThrough;
    }

    /**
     * The instances of the runs whose ingest step is under way, per job execution: a pass takes one that is free,
     * or a new one, and gives it back when it ends; a run's instances are dropped when its ingest step ends.
     */
    static final class Pool {

        private final UsageStore store;
        private final Map<Long, Deque<CommittedKeys>> free = new HashMap<>();

        Pool(UsageStore store) {
            this.store = store;
        }

        synchronized CommittedKeys take(long jobExecutionId) {
            CommittedKeys keys = free.computeIfAbsent(jobExecutionId, id -> new ArrayDeque<>())
                    .poll();
            return keys != null ? keys : new CommittedKeys(store);
        }

        /** Takes back an instance; one given back after its run's ingest step ended is dropped. */
        synchronized void giveBack(long jobExecutionId, CommittedKeys keys) {
            Deque<CommittedKeys> ofRun = free.get(jobExecutionId);
            if (ofRun != null) {
                keys.keepOnlyDaysLookedAt();
                ofRun.push(keys);
            }
        }

        synchronized void release(long jobExecutionId) {
            free.remove(jobExecutionId);
        }

        /** Drops the instances of every job execution but {@code jobExecutionId} (a worker's, whose runs end elsewhere). */
        synchronized void keepOnly(long jobExecutionId) {
            free.keySet().removeIf(id -> id != jobExecutionId);
        }
    }
}
