package io.tokentally.normalize;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The request keys committed by ingested files, a UTC day at a time, as one pass over a file sees them. The keys
 * are kept from one pass to the next and shared by the passes of a run that run at once (the ingest threads): loading
 * them again for each file made ingest quadratic in the files of a day (300 files of 3,333 rows: two thirds of the
 * ingest step's time went to loading keys), and a copy per ingest thread held a big day's keys once per thread (the
 * 10M-row bench day at two threads: up to 818 MB after a collection in a 1 GB heap). A day's keys are brought up to
 * date when a pass first looks at the day, by loading only the blocks committed since the last look. That misses
 * none: blocks are inserted under the commit lock, which is held until the transaction ends, so a block becomes
 * visible only after every block with a lower id that will ever be visible.
 *
 * <p>A pass gets the day as it was then ({@link DayKeys}): sets that are never changed once loaded, so passes read
 * them at once without a lock. When a pass ends, the days it did not look at and no running pass looks at are
 * dropped, so the run holds the days of its running passes and of the last one that ended.
 */
final class CommittedKeys {

    /** Adds the keys of {@code day} committed in blocks after {@code afterBlock}; returns the last block added. */
    @FunctionalInterface
    interface Loader {
        long loadKeys(LocalDate day, long afterBlock, RequestKeySet keys);
    }

    private final Days days;
    private final Set<LocalDate> lookedAt = new HashSet<>();

    private CommittedKeys(Days days) {
        this.days = days;
    }

    /** The keys committed on {@code day} up to now; later commits leave what it returns as it is. */
    DayKeys upToDate(LocalDate day) {
        return days.use(day, lookedAt.add(day)).upToDate(day, days.loader);
    }

    /**
     * Keys committed on a day, as a pass saw them: sets that are never changed, oldest first. The oldest set holding a
     * key tells its fingerprint, the first one stored, as one set that kept growing did.
     */
    static final class DayKeys {

        static final int BIG_SET = 1 << 18;
        static final int MAX_SETS = 4;
        static final DayKeys EMPTY = new DayKeys(new RequestKeySet[0]);

        private final RequestKeySet[] sets;

        private DayKeys(RequestKeySet[] sets) {
            this.sets = sets;
        }

        boolean contains(long keyHigh, long keyLow) {
            for (RequestKeySet set : sets) {
                if (set.contains(keyHigh, keyLow)) {
                    return true;
                }
            }
            return false;
        }

        /** The fingerprint the key was committed with, or empty when the day holds no such key. */
        OptionalLong fingerprintOf(long keyHigh, long keyLow) {
            for (RequestKeySet set : sets) {
                OptionalLong fingerprint = set.fingerprintOf(keyHigh, keyLow);
                if (fingerprint.isPresent()) {
                    return fingerprint;
                }
            }
            return OptionalLong.empty();
        }

        /**
         * These keys and the keys {@code added} after them. The newest two sets are merged into one while the older
         * holds at most twice the newer's keys, and either the older is small (under {@value #BIG_SET} keys, about 10
         * MB) or there are more than {@value #MAX_SETS} sets. The sets, and the copies made of each key, so grow with
         * the logarithm of a day's loads, whatever their sizes (a day of 3,000 small files: about ten of each); a day
         * of a few big files is held once, a set per file, even while a running pass still reads older keys of the day
         * (merging would copy keys that pass keeps alive).
         */
        DayKeys with(RequestKeySet added) {
            RequestKeySet[] grown = Arrays.copyOf(sets, sets.length + 1);
            grown[sets.length] = added;
            int count = grown.length;
            while (count >= 2
                    && grown[count - 2].size() <= 2L * grown[count - 1].size()
                    && (grown[count - 2].size() < BIG_SET || count > MAX_SETS)) {
                grown[count - 2] = RequestKeySet.merged(grown[count - 2], grown[count - 1]);
                count--;
            }
            return new DayKeys(Arrays.copyOf(grown, count));
        }

        int sets() {
            return sets.length;
        }
    }

    /** The days a run's passes looked at, and how many running passes look at each. */
    private static final class Days {

        private final Loader loader;
        private final Map<LocalDate, Day> held = new HashMap<>();

        Days(Loader loader) {
            this.loader = loader;
        }

        /** The day, counting one more running pass that looks at it when it is the pass's first look. */
        synchronized Day use(LocalDate date, boolean firstLookOfPass) {
            Day day = held.computeIfAbsent(date, d -> new Day());
            if (firstLookOfPass) {
                day.passes++;
            }
            return day;
        }

        /**
         * Forgets a pass that ended having looked at {@code lookedAt}, and drops the days that neither it nor a
         * running pass looked at; a pass that looked at none (a provider cost export checks no keys) drops none.
         */
        synchronized void ended(Set<LocalDate> lookedAt) {
            if (lookedAt.isEmpty()) {
                return;
            }
            for (LocalDate date : lookedAt) {
                Day day = held.get(date);
                if (day != null) {
                    day.passes--;
                }
            }
            held.entrySet().removeIf(day -> day.getValue().passes == 0 && !lookedAt.contains(day.getKey()));
        }
    }

    private static final class Day {
        /** Guarded by the run's {@link Days}. */
        private int passes;

        private long loadedThrough;
        private DayKeys keys = DayKeys.EMPTY;

        /** Loads the blocks committed since the last look, one pass at a time. */
        synchronized DayKeys upToDate(LocalDate date, Loader loader) {
            RequestKeySet added = new RequestKeySet();
            loadedThrough = loader.loadKeys(date, loadedThrough, added);
            if (added.size() > 0) {
                keys = keys.with(added);
            }
            return keys;
        }
    }

    /**
     * The keys of the runs whose ingest step is under way, per job execution: a pass takes a view of its run's
     * keys and gives it back when it ends; a run's keys are dropped when its ingest step ends.
     */
    static final class Pool {

        private final Loader loader;
        private final Map<Long, Days> runs = new HashMap<>();

        Pool(Loader loader) {
            this.loader = loader;
        }

        synchronized CommittedKeys take(long jobExecutionId) {
            return new CommittedKeys(runs.computeIfAbsent(jobExecutionId, id -> new Days(loader)));
        }

        /**
         * Ends a pass, after which {@code keys} serve a next pass; one that ends after its run's ingest step ended
         * changes nothing.
         */
        void giveBack(long jobExecutionId, CommittedKeys keys) {
            Days ofRun;
            synchronized (this) {
                ofRun = runs.get(jobExecutionId);
            }
            if (ofRun == keys.days) {
                ofRun.ended(keys.lookedAt);
            }
            keys.lookedAt.clear();
        }

        synchronized void release(long jobExecutionId) {
            runs.remove(jobExecutionId);
        }

        /** Drops the keys of every job execution but {@code jobExecutionId} (a worker's, whose runs end elsewhere). */
        synchronized void keepOnly(long jobExecutionId) {
            runs.keySet().removeIf(id -> id != jobExecutionId);
        }
    }
}
