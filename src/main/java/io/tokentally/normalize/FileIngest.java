package io.tokentally.normalize;

import io.tokentally.ingest.EarlierRejects;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.InputFiles;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.ingest.UsageRowParser;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One pass over one registered file: the format's rules, normalization, the duplicate check and the
 * file's usage totals, all held in memory until the file is committed as a whole. A row is a
 * duplicate when an earlier row of the file, or a committed row of any file, has the same source
 * and request id and a timestamp on the same UTC day or within {@code dedupDays} before or after it
 * ({@code tokentally.ingest.dedup-days}, by default one day). The first copy is the one
 * counted; a duplicate whose numbers differ from it (see {@link RequestFingerprint}) is also kept as a
 * {@link DuplicateConflictRepository conflict} for a person to look at ({@link FileDuplicates}). A changed file's bad rows that the
 * version it changed from had count as duplicates too ({@link EarlierRejects}). The rows of an aggregated
 * export are buckets instead: a newer export of a bucket replaces its numbers (see {@link FileSnapshots}).
 */
final class FileIngest implements FileIngestion {

    private final RegisteredFile file;
    private final UsageFormat format;
    private final UsageNormalizer normalizer;
    private final UsageStore store;
    private final SnapshotStore snapshotStore;
    private final FileSnapshots snapshots;
    private final RejectRepository rejects;
    private final FileTally tally;
    private final DuplicateConflictRepository conflicts;
    private final FileDuplicates duplicateKeys;
    private final int batchSize;
    private final RequestKeySet.Hasher hasher = new RequestKeySet.Hasher();
    private final UsageTotals totals = new UsageTotals();
    private final Set<Instant> hours = new HashSet<>();
    /** Lines of new export buckets held for want of a price: rejected as NO_PRICE, unless the bucket is stored already. */
    private final Set<Long> heldBuckets = new HashSet<>();
    /** Lines rejected for taking an hour's total past the limit: never counted, so never given back. */
    private final Set<Long> pastLimit = new HashSet<>();

    private long replaced;

    FileIngest(
            RegisteredFile file,
            UsageFormat format,
            UsageNormalizer normalizer,
            UsageStore store,
            SnapshotStore snapshotStore,
            RejectRepository rejects,
            DuplicateConflictRepository conflicts,
            int batchSize,
            int dedupDays) {
        this.file = file;
        this.format = format;
        this.normalizer = normalizer;
        this.store = store;
        this.snapshotStore = snapshotStore;
        this.snapshots = format.snapshots() ? new FileSnapshots() : null;
        this.rejects = rejects;
        this.tally = new FileTally(file.fileId(), rejects, rejects.earlierRejects(file.changedFromFileId()), batchSize);
        this.conflicts = conflicts;
        this.duplicateKeys = new FileDuplicates(file.fileId(), store, normalizer, conflicts, batchSize, dedupDays);
        this.batchSize = batchSize;
    }

    /** Reads every record; rejects are written as they come, in batches; everything else waits for commit. */
    @Override
    public void readAll(Consumer<RawRecord> onRecord) throws IOException {
        try (RecordCursor cursor = format.open(InputFiles.openText(file.localFile()))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                tally.countRead();
                take(record);
                onRecord.accept(record);
            }
        }
        tally.flushRejects();
        duplicateKeys.flushConflicts();
    }

    /**
     * Takes back the rows whose keys a file committed since this pass began holds too (two files with
     * the same request ids ingested at once): they become duplicates. Call it under the commit lock.
     */
    @Override
    public void settleConcurrentDuplicates() throws IOException {
        Map<LocalDate, RequestKeySet> takenByOthers = duplicateKeys.takenByOthers();
        if (!takenByOthers.isEmpty()) {
            takeBack(takenByOthers);
        }
    }

    /** Stores the file's usage; call it under the commit lock. */
    @Override
    public void store(long run) {
        if (snapshots != null && !snapshots.isEmpty()) {
            List<Long> heldRepeats = new ArrayList<>();
            FileSnapshots.Settled settled = snapshots.settle(
                    file.fileId(),
                    run,
                    snapshotStore,
                    totals,
                    hours,
                    (line, high, low) -> duplicateKeys.storedOn(dayOf(line), high, low),
                    line -> tally.countAsDuplicate(
                            line, line.lineNo(), heldBuckets.remove(line.lineNo()), heldRepeats));
            replaced = settled.replaced();
            rejects.deleteLines(file.fileId(), heldRepeats);
        }
        store.insertTotals(file.fileId(), run, totals, batchSize);
        duplicateKeys.storeAccepted();
        store.recordHours(run, hours);
    }

    /** How many buckets of an aggregated export replaced the numbers of an older export (after {@link #store}). */
    long replacedBuckets() {
        return replaced;
    }

    @Override
    public FileCounts counts() {
        return tally.counts();
    }

    private void take(RawRecord record) {
        UsageNormalizer.Result result = normalize(record);
        if (result.reject() != null) {
            tally.reject(result.reject());
            return;
        }
        UsageLine line = result.line();
        LocalDate day = dayOf(line);
        hasher.hash(line.source(), line.requestId());
        if (snapshots != null) {
            takeBucket(record, line, result.held());
            return;
        }
        takeRequest(record, line, day, result.held());
    }

    /** Takes a row of a request log: a duplicate, a repeat of an earlier reject, past its hour's limit, or counted. */
    private void takeRequest(RawRecord record, UsageLine line, LocalDate day, Reject held) {
        long fingerprint = RequestFingerprint.of(line);
        OptionalLong earlier = duplicateKeys.earlierCopy(day, hasher.high(), hasher.low());
        if (earlier.isPresent()) {
            tally.countDuplicate();
            duplicateKeys.noteConflict(earlier.getAsLong(), line, fingerprint, record.lineNo());
            return;
        }
        if (tally.repeatsAnEarlierReject(record.lineNo(), record.raw())) {
            return;
        }
        TokenType past = totals.addWithinLimit(line);
        if (past != null) {
            pastLimit.add(record.lineNo());
            tally.reject(totalTooLarge(record, line, past));
            return;
        }
        duplicateKeys.accept(day, hasher.high(), hasher.low(), fingerprint);
        hours.add(line.hourStart());
        if (held != null) {
            tally.countRejected(held);
        } else {
            tally.countAccepted(line);
        }
    }

    /** Takes a row of an aggregated export: a new bucket counts as a request row does, held ones too. */
    private void takeBucket(RawRecord record, UsageLine line, Reject held) {
        switch (snapshots.take(hasher.high(), hasher.low(), line)) {
            case NEW -> {
                if (held != null) {
                    heldBuckets.add(record.lineNo());
                    tally.countRejected(held);
                } else {
                    tally.countAccepted(line);
                }
            }
            case REPEATED -> tally.countDuplicate();
            case CONFLICTING -> {
                // never a repeat: whether a bucket conflicts depends on the file's other rows, not on its own text
                tally.countRejected(new Reject(
                        file.fileId(),
                        record.lineNo(),
                        RejectCode.CONFLICTING_BUCKET,
                        "bucket " + line.requestId() + " appears earlier in the file with other numbers;"
                                + " the first is kept",
                        record.raw()));
            }
        }
    }

    /** A row that would take a total of its customer, model and hour in this file past what one row may hold. */
    private Reject totalTooLarge(RawRecord record, UsageLine line, TokenType type) {
        return new Reject(
                file.fileId(),
                record.lineNo(),
                RejectCode.NUMBER_TOO_LARGE,
                "with this row, the " + type.code() + " of customer " + line.customerId() + " on " + line.model()
                        + " in the hour from " + line.hourStart() + " would add up to more than "
                        + UsageRowParser.MAX_TOKENS + " in this file, the most one row may hold",
                record.raw());
    }

    /**
     * Reads the file again to subtract each copy it counted of a request another file committed meanwhile
     * within the window. Every copy of such a request in this file is a repeat of the other file's copy now,
     * so its conflicts are compared again, with that copy's numbers instead of this file's first copy's.
     */
    private void takeBack(Map<LocalDate, RequestKeySet> takenByOthers) throws IOException {
        TakenBack takenBack = new TakenBack();
        try (RecordCursor cursor = format.open(InputFiles.openText(file.localFile()))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                takeBackRow(record, takenByOthers, takenBack);
            }
        }
        rejects.deleteLines(file.fileId(), takenBack.heldLines());
        conflicts.deleteLines(file.fileId(), takenBack.comparedAgain());
        conflicts.insertAll(file.fileId(), takenBack.conflictsWithOthers());
    }

    /** What {@link #takeBack} gathers: the keys taken back by day, held lines taken back, lines compared again, conflicts. */
    private record TakenBack(
            Map<LocalDate, RequestKeySet> keys,
            List<Long> heldLines,
            List<Long> comparedAgain,
            List<DuplicateConflictRepository.Conflict> conflictsWithOthers) {

        TakenBack() {
            this(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        /** Adds a request's key to those taken back on its day: whether it was not among them yet. */
        boolean addKey(LocalDate day, long high, long low) {
            return keys.computeIfAbsent(day, d -> new RequestKeySet()).add(high, low, RequestKeySet.UNKNOWN);
        }
    }

    /** Compares a row again if another file committed its request meanwhile, and takes it back if this file counted it. */
    private void takeBackRow(RawRecord record, Map<LocalDate, RequestKeySet> takenByOthers, TakenBack takenBack) {
        UsageNormalizer.Result result = normalize(record);
        UsageLine line = result.line();
        if (line == null || pastLimit.contains(record.lineNo())) {
            return;
        }
        hasher.hash(line.source(), line.requestId());
        long high = hasher.high();
        long low = hasher.low();
        LocalDate day = dayOf(line);
        OptionalLong earlier = duplicateKeys.committedCopy(takenByOthers, day, high, low);
        if (earlier.isEmpty()) {
            return;
        }
        takenBack.comparedAgain().add(record.lineNo());
        if (duplicateKeys.conflicts(earlier.getAsLong(), line, RequestFingerprint.of(line))) {
            takenBack
                    .conflictsWithOthers()
                    .add(new DuplicateConflictRepository.Conflict(record.lineNo(), line.requestId()));
        }
        // a copy this file counted is the first of its request on its UTC day (a later one that day, or
        // one within the window of a counted copy, was its repeat); two counted copies are days apart.
        // The sets only tell that first copy from the rest: their fingerprints are never read
        if (duplicateKeys.countedOn(day, high, low) && takenBack.addKey(day, high, low)) {
            totals.subtract(line);
            tally.countAsDuplicate(line, record.lineNo(), result.held() != null, takenBack.heldLines());
        }
    }

    private UsageNormalizer.Result normalize(RawRecord record) {
        UsageRowParser.Result parsed = UsageRowParser.parse(file.fileId(), record);
        return parsed.reject() != null
                ? new UsageNormalizer.Result(null, parsed.reject())
                : normalizer.normalize(parsed.row());
    }

    private static LocalDate dayOf(UsageLine line) {
        return LocalDate.ofInstant(line.occurredAt(), ZoneOffset.UTC);
    }
}
