package io.tokentally.normalize;

import io.tokentally.shared.ContextTier;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The request keys one pass over a file checks its rows against: the keys committed by any file (brought up to
 * date a UTC day at a time, as the rows need them, see {@link CommittedKeys}) and the keys this file counted so far,
 * each with the fingerprint of the copy that counted. A row is a repeat when either holds its key on the row's UTC
 * day or within {@code dedupDays} before or after it; a repeat whose numbers differ from the counted copy is kept as
 * a {@link DuplicateConflictRepository conflict}.
 */
final class FileDuplicates {

    private final long fileId;
    private final UsageStore store;
    private final CommittedKeys committed;
    private final UsageNormalizer normalizer;
    private final DuplicateConflictRepository conflicts;
    private final int batchSize;
    private final int dedupDays;
    private final long keysSeenThrough;
    private final Map<LocalDate, CommittedKeys.DayKeys> storedKeys = new HashMap<>();
    private final Map<LocalDate, RequestKeySet> acceptedKeys = new HashMap<>();
    /** Keys of rows that found no earlier copy yet were not counted: past their hour's limit, or an earlier reject. */
    private final Map<LocalDate, RequestKeySet> uncountedKeys = new HashMap<>();

    private final List<DuplicateConflictRepository.Conflict> pendingConflicts = new ArrayList<>();

    FileDuplicates(
            long fileId,
            UsageStore store,
            CommittedKeys committed,
            UsageNormalizer normalizer,
            DuplicateConflictRepository conflicts,
            int batchSize,
            int dedupDays) {
        this.fileId = fileId;
        this.store = store;
        this.committed = committed;
        this.normalizer = normalizer;
        this.conflicts = conflicts;
        this.batchSize = batchSize;
        this.dedupDays = dedupDays;
        this.keysSeenThrough = store.latestKeyBlock();
    }

    /**
     * A row's first copy: the fingerprint of what it counted, and whether another file or run committed it (then
     * prices may have changed since it was read) or this pass counted it.
     */
    record EarlierCopy(long fingerprint, boolean committed) {}

    /**
     * The committed row, or earlier row of this file, with the key on the row's UTC day or the {@code dedupDays}
     * before or after (by default one: a request re-reported with a timestamp across midnight is still a repeat);
     * empty when there is none.
     */
    Optional<EarlierCopy> earlierCopy(LocalDate day, long high, long low) {
        for (int offset = -dedupDays; offset <= dedupDays; offset++) {
            LocalDate adjacent = day.plusDays(offset);
            OptionalLong stored = stored(adjacent).fingerprintOf(high, low);
            if (stored.isPresent()) {
                return Optional.of(new EarlierCopy(stored.getAsLong(), true));
            }
            OptionalLong earlier = fingerprintIn(acceptedKeys, adjacent, high, low);
            if (earlier.isPresent()) {
                return Optional.of(new EarlierCopy(earlier.getAsLong(), false));
            }
        }
        return Optional.empty();
    }

    /** Whether a committed row has the key on exactly this UTC day. */
    boolean storedOn(LocalDate day, long high, long low) {
        return stored(day).contains(high, low);
    }

    /** Records the key of a row this file counts, with the fingerprint of its numbers. */
    void accept(LocalDate day, long high, long low, long fingerprint) {
        acceptedKeys.computeIfAbsent(day, d -> new RequestKeySet()).add(high, low, fingerprint);
    }

    /**
     * Records the key of a row that found no earlier copy but is not counted (past its hour's limit, or a repeat of
     * an earlier version's reject): another file's copy committed meanwhile would make it a repeat.
     */
    void noteUncounted(LocalDate day, long high, long low) {
        uncountedKeys.computeIfAbsent(day, d -> new RequestKeySet()).add(high, low, RequestKeySet.UNKNOWN);
    }

    /**
     * The path of a file committed since this pass began that holds, on a row's UTC day or within the window either
     * side of it, the key of a row this file judged to have no earlier copy, counted or not (two files with the
     * same request ids read at once); empty when there is none. Call it under the commit lock.
     */
    Optional<String> fileCommittedSinceWithKeysOfThisFile() {
        return committedSinceThisPassBegan(acceptedKeys).or(() -> committedSinceThisPassBegan(uncountedKeys));
    }

    private Optional<String> committedSinceThisPassBegan(Map<LocalDate, RequestKeySet> keysByDay) {
        for (Map.Entry<LocalDate, RequestKeySet> day : keysByDay.entrySet()) {
            for (int offset = -dedupDays; offset <= dedupDays; offset++) {
                Optional<String> file =
                        store.committedFileHoldingAnyOf(day.getKey().plusDays(offset), keysSeenThrough, day.getValue());
                if (file.isPresent()) {
                    return file;
                }
            }
        }
        return Optional.empty();
    }

    /** Stores the keys this file counted; call it under the commit lock. */
    void storeAccepted() {
        store.insertKeys(fileId, acceptedKeys);
    }

    /** Keeps a duplicate as a conflict when its first copy counted other numbers. */
    void noteConflict(EarlierCopy earlier, UsageLine line, long fingerprint, long lineNo) {
        if (conflicts(earlier, line, fingerprint)) {
            pendingConflicts.add(new DuplicateConflictRepository.Conflict(lineNo, line.requestId()));
            if (pendingConflicts.size() >= batchSize) {
                flushConflicts();
            }
        }
    }

    void flushConflicts() {
        if (!pendingConflicts.isEmpty()) {
            conflicts.insertAll(fileId, pendingConflicts);
            pendingConflicts.clear();
        }
    }

    /**
     * Whether a duplicate counted other numbers than its first copy. A copy this pass counted was read with the
     * same prices, so the fingerprints compare as they are. A committed copy may have been read with other prices,
     * and a request's model id and context tier follow from the prices as well as from the row: a copy read while
     * its model had no price was held under the row's own id at its stated or the standard tier; a dated snapshot
     * takes its base's id until it has a price of its own; a tier derived from a threshold needs the price that
     * states it. A committed copy that matches under any id the repeat's model as written may have had, and under
     * either tier unless the repeat states its tier, is the same request. (So a committed copy written as the base
     * model is not told apart from a repeat written as one of its dated snapshots, ADR 0014.)
     */
    boolean conflicts(EarlierCopy earlier, UsageLine line, long fingerprint) {
        if (earlier.fingerprint() == RequestKeySet.UNKNOWN || earlier.fingerprint() == fingerprint) {
            return false;
        }
        if (!earlier.committed()) {
            return true;
        }
        for (String model : normalizer.idsReadAs(line)) {
            for (ContextTier tier :
                    line.contextTierStated() ? List.of(line.contextTier()) : List.of(ContextTier.values())) {
                if (earlier.fingerprint() == RequestFingerprint.of(line, model, tier)) {
                    return false;
                }
            }
        }
        return true;
    }

    private CommittedKeys.DayKeys stored(LocalDate day) {
        return storedKeys.computeIfAbsent(day, committed::upToDate);
    }

    private static OptionalLong fingerprintIn(Map<LocalDate, RequestKeySet> keys, LocalDate day, long high, long low) {
        RequestKeySet onDay = keys.get(day);
        return onDay == null ? OptionalLong.empty() : onDay.fingerprintOf(high, low);
    }
}
