package io.tokentally.normalize;

import io.tokentally.ingest.ContentReading;
import io.tokentally.ingest.EarlierRejects;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered file read in a pass (again, in a new pass, when files committed meanwhile change how its rows
 * are judged): the format's rules, normalization, the duplicate check and the file's usage totals, all held in
 * memory until the file is committed as a whole. A row is a duplicate when an earlier row of the file, or a
 * committed row of any file, has the same source and request id and a timestamp on the same UTC day or within
 * {@code dedupDays} before or after it ({@code tokentally.ingest.dedup-days}, by default one day). The first copy
 * is the one counted; a duplicate whose numbers differ from it (see {@link RequestFingerprint}) is also kept as a
 * {@link DuplicateConflictRepository conflict} for a person to look at ({@link FileDuplicates}). A changed file's
 * bad rows that the version it changed from had count as duplicates too ({@link EarlierRejects}). The rows of an
 * aggregated export are buckets instead: a newer export of a bucket replaces its numbers (see {@link
 * FileSnapshots}).
 */
final class FileIngest implements FileIngestion {

    private static final Logger log = LoggerFactory.getLogger(FileIngest.class);
    private static final long SECONDS_A_DAY = 86_400;

    private final RegisteredFile file;
    /** Where the version the file changed from is looked up, at each pass: it may commit while this one reads. */
    private final FileRegistry registry;

    private final UsageFormat format;
    private final UsageNormalizer normalizer;
    private final UsageStore store;
    private final CommittedKeys committed;
    private final SnapshotStore snapshotStore;
    private final RejectRepository rejects;
    private final DuplicateConflictRepository conflicts;
    private final int batchSize;
    private final int dedupDays;
    private final RequestKeySet.Hasher hasher = new RequestKeySet.Hasher();

    /** What the current pass over the file found; a file read again starts a new one. */
    private Pass pass;

    /** The earlier version's last row, cut where this version goes on ({@link CutLastRow}); found at each pass. */
    private Optional<CutLastRow> cutLastRow = Optional.empty();

    /** Whether the version the file changed from was read to its end as the current pass began. */
    private boolean earlierIngestedAsPassBegan;

    private long replaced;
    private ContentReading.Content contentRead;
    private List<String> lookalikeColumns = List.of();

    /**
     * @param registry where the version {@code file} changed from is looked up
     */
    FileIngest(
            RegisteredFile file,
            FileRegistry registry,
            UsageFormat format,
            UsageNormalizer normalizer,
            UsageStore store,
            CommittedKeys committed,
            SnapshotStore snapshotStore,
            RejectRepository rejects,
            DuplicateConflictRepository conflicts,
            int batchSize,
            int dedupDays) {
        this.file = file;
        this.registry = registry;
        this.format = format;
        this.normalizer = normalizer;
        this.store = store;
        this.committed = committed;
        this.snapshotStore = snapshotStore;
        this.rejects = rejects;
        this.conflicts = conflicts;
        this.batchSize = batchSize;
        this.dedupDays = dedupDays;
        this.pass = new Pass();
    }

    /** Reads every record; rejects are written as they come, in batches; everything else waits for commit. */
    @Override
    public void readAll(Consumer<RawRecord> onRecord) throws IOException {
        Optional<RegisteredFile> earlier =
                file.changedFromFileId() == null ? Optional.empty() : registry.find(file.changedFromFileId());
        earlierIngestedAsPassBegan =
                earlier.map(version -> version.status() == FileStatus.INGESTED).orElse(false);
        cutLastRow = earlierIngestedAsPassBegan
                ? CutLastRow.of(
                        file,
                        earlier.get(),
                        registry.lastRowCounted(earlier.get().fileId()).orElse(null),
                        format)
                : Optional.empty();
        try (ContentReading bytes = ContentReading.of(file.localFile());
                RecordCursor cursor = format.open(InputFiles.openText(bytes.forReader()))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                pass.take(record);
                onRecord.accept(record);
            }
            contentRead = bytes.finish();
            lookalikeColumns = cursor.lookalikeColumns();
        }
        pass.flush();
    }

    /**
     * Reads the file again when a file committed since this pass began holds a request of a row this pass found
     * no earlier copy of (two files of a source with the same request ids read at once): then that row is a
     * repeat, counted or not, and the rows judged against it may not be (a later copy days away, a row past its
     * hour's limit). The second pass judges every row as if the other file had committed before this one was read,
     * so the same inputs bill the same whichever file was read faster. Call it under the commit lock: no file
     * commits during the second pass. What the first pass wrote (its rejects and conflicts) is deleted first. The
     * file is read again too when the version it changed from was committed since this pass began (by another run
     * that registered it first): its bad lines, repeated here, are repeats and not new rejects.
     *
     * @param onRecord called with each record of the second pass, as {@link #readAll} does
     */
    @Override
    public void readAgainIfOthersCommitted(Consumer<RawRecord> onRecord) throws IOException {
        Optional<String> why = pass.committedSinceItBegan();
        if (why.isPresent()) {
            log.info("{} (file {}) is read again: {}", file.path(), file.fileId(), why.get());
            rejects.deleteFile(file.fileId());
            conflicts.deleteFile(file.fileId());
            pass = new Pass();
            readAll(onRecord);
        }
    }

    /** Stores the file's usage; call it under the commit lock. */
    @Override
    public void store(long run) {
        pass.store(run);
    }

    /** How many buckets of an aggregated export replaced the numbers of an older export (after {@link #store}). */
    long replacedBuckets() {
        return replaced;
    }

    @Override
    public List<String> lookalikeColumns() {
        return lookalikeColumns;
    }

    @Override
    public String unsplitCounts() {
        return format.unsplitCounts();
    }

    @Override
    public ContentReading.Content contentRead() {
        return contentRead;
    }

    @Override
    public FileCounts counts() {
        return pass.tally.counts();
    }

    @Override
    public Boolean lastRowCounted() {
        return pass.lastRowCounted;
    }

    /**
     * A pass over the file: what its rows came to (totals, hours, keys, counts, held buckets), all started empty, so
     * that a file read again judges every row afresh.
     */
    private final class Pass {

        private final FileSnapshots snapshots = format.snapshots() ? new FileSnapshots() : null;
        private final EarlierRejects earlierRejects = rejects.earlierRejects(file.changedFromFileId());
        private final FileTally tally = new FileTally(file.fileId(), rejects, earlierRejects, batchSize);
        private final FileDuplicates duplicateKeys =
                new FileDuplicates(file.fileId(), store, committed, normalizer, conflicts, batchSize, dedupDays);
        private final UsageTotals totals = new UsageTotals();
        private final Set<Instant> hours = new HashSet<>();
        /**
         * Lines of new export buckets held for want of a price: rejected as NO_PRICE, unless the bucket is stored
         * already.
         */
        private final Set<Long> heldBuckets = new HashSet<>();

        /** Whether the request of the last record taken counts in billing; null for none, or a bucket. */
        private Boolean lastRowCounted;

        /** Judges one record: rejected, a duplicate, or counted. */
        void take(RawRecord record) {
            tally.countRead();
            lastRowCounted = judge(record);
        }

        /** Judges one record; returns whether its request counts in billing, or null for a bucket of an export. */
        private Boolean judge(RawRecord record) {
            if (completesCutRow(record)) {
                CutLastRow cut = cutLastRow.orElseThrow();
                tally.reject(new Reject(
                        file.fileId(),
                        record.lineNo(),
                        RejectCode.COMPLETES_CUT_ROW,
                        "completes the last row of the version this file changed from (file "
                                + file.changedFromFileId() + ", line " + cut.lineNo() + ": " + cut.raw()
                                + "), which had no line end after it: that row counted as it stood and this one does"
                                + " not count again; if the cut shortened its numbers, customer or model, correct what"
                                + " it billed by hand, and drop files whole (write under another name, then rename)",
                        record.raw()));
                keepKeyOfCompletedRow(record);
                return true;
            }
            UsageNormalizer.Result result = normalize(record);
            if (result.reject() != null) {
                tally.reject(result.reject());
                return false;
            }
            UsageLine line = result.line();
            LocalDate day = dayOf(line);
            hasher.hash(line.source(), line.requestId());
            if (snapshots != null) {
                takeBucket(record, line, result.held());
                return null;
            }
            return takeRequest(record, line, day, result.held());
        }

        /**
         * Keeps the request key of a completed cut row as counted, with no usage, so that a later copy of the row (a
         * rotated log's gzip, a second sink, a retry further on) is a duplicate, as its cut row's was.
         */
        private void keepKeyOfCompletedRow(RawRecord record) {
            UsageNormalizer.Result result = normalize(record);
            if (result.line() == null) {
                return;
            }
            LocalDate day = dayOf(result.line());
            hasher.hash(result.line().source(), result.line().requestId());
            if (duplicateKeys.earlierCopy(day, hasher.high(), hasher.low()).isEmpty()) {
                duplicateKeys.accept(day, hasher.high(), hasher.low(), RequestFingerprint.of(result.line()));
            }
        }

        /**
         * Whether the record is the rest of the earlier version's cut last row, whose request that version counted
         * (accepted, held for want of a price, or itself the rest of a cut row that counted: {@link
         * CutLastRow#counted}); for a version read before that was recorded, unless it rejected the row for another
         * reason than a price. A row the cut left whole is the same row, a duplicate as any other.
         */
        private boolean completesCutRow(RawRecord record) {
            if (cutLastRow.isEmpty()
                    || record.lineNo() != cutLastRow.get().lineNo()
                    || record.raw().equals(cutLastRow.get().raw())) {
                return false;
            }
            if (cutLastRow.get().counted() != null) {
                return cutLastRow.get().counted();
            }
            return earlierRejects
                    .reasonFor(cutLastRow.get().raw())
                    .map(reason -> reason == RejectCode.NO_PRICE)
                    .orElse(true);
        }

        /**
         * Takes a row of a request log: a duplicate, a repeat of an earlier reject, past its hour's limit, or
         * counted; returns whether it counted (held for want of a price too).
         */
        private boolean takeRequest(RawRecord record, UsageLine line, LocalDate day, Reject held) {
            long fingerprint = RequestFingerprint.of(line);
            Optional<FileDuplicates.EarlierCopy> earlier = duplicateKeys.earlierCopy(day, hasher.high(), hasher.low());
            if (earlier.isPresent()) {
                tally.countDuplicate();
                duplicateKeys.noteConflict(earlier.get(), line, fingerprint, record.lineNo());
                return false;
            }
            if (tally.repeatsAnEarlierReject(record.lineNo(), record.raw())) {
                duplicateKeys.noteUncounted(day, hasher.high(), hasher.low());
                return false;
            }
            TokenType past = totals.addWithinLimit(line);
            if (past != null) {
                duplicateKeys.noteUncounted(day, hasher.high(), hasher.low());
                tally.reject(totalTooLarge(record, line, past));
                return false;
            }
            duplicateKeys.accept(day, hasher.high(), hasher.low(), fingerprint);
            hours.add(line.hourStart());
            if (held != null) {
                tally.countRejected(record.unbilled() == null ? held : withUnbilledPart(held, record.unbilled()));
            } else {
                tally.countAccepted(line);
                rejectUnbilledPart(record);
            }
            return true;
        }

        /**
         * Rejects the part of an accepted request row that is not billed, if any, at the row's line: a record of its
         * own, counted read and rejected (an OpenAI usage result's audio part is one too, with a number of its own).
         */
        private void rejectUnbilledPart(RawRecord record) {
            if (record.unbilled() != null) {
                tally.countRead();
                tally.countRejected(new Reject(
                        file.fileId(), record.lineNo(), RejectCode.MALFORMED_ROW, record.unbilled(), record.raw()));
            }
        }

        /**
         * Takes a row of an aggregated export: a new bucket counts as a request row does, held ones too. No bucket
         * format keeps a part of a row apart ({@link RawRecord#unbilled}): a bucket stored by another file turns
         * duplicate at the end, which such a part's reject would not follow.
         */
        private void takeBucket(RawRecord record, UsageLine line, Reject held) {
            if (record.unbilled() != null) {
                throw new IllegalStateException("an export bucket keeps no part apart: " + record.unbilled());
            }
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

        /**
         * What files committed since the pass began changed for it, said for the log; empty when nothing did: a file
         * of the source holding request ids of its rows, or the version the file changed from (committed by another
         * run) with bad lines the pass did not know of.
         */
        Optional<String> committedSinceItBegan() {
            Optional<String> sharing = duplicateKeys.fileCommittedSinceWithKeysOfThisFile();
            if (sharing.isPresent()) {
                return Optional.of(sharing.get() + ", a file of source " + file.source()
                        + " committed since it was read, holds request ids of its rows");
            }
            if (rejects.earlierRejectCount(file.changedFromFileId()) != earlierRejects.count()) {
                return Optional.of("the version it changed from (file " + file.changedFromFileId()
                        + ") was committed since it was read, with bad lines this version may repeat");
            }
            if (!earlierIngestedAsPassBegan
                    && file.changedFromFileId() != null
                    && registry.find(file.changedFromFileId())
                            .map(version -> version.status() == FileStatus.INGESTED)
                            .orElse(false)) {
                return Optional.of("the version it changed from (file " + file.changedFromFileId()
                        + ") was committed since it was read, and may end inside a row this version completes");
            }
            return Optional.empty();
        }

        /** Writes the rejects and conflicts still pending. */
        void flush() {
            tally.flushRejects();
            duplicateKeys.flushConflicts();
        }

        /** Stores what the pass counted: totals, hours, request keys, replaced export buckets. */
        void store(long run) {
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
    }

    /** A held row's reject, saying the part of the row that stays unbilled once it is priced: one reject a line. */
    private static Reject withUnbilledPart(Reject held, String unbilled) {
        return new Reject(held.fileId(), held.lineNo(), held.code(), held.message() + "; " + unbilled, held.raw());
    }

    /** A row that would take a total of its customer, model and hour in this file past what one row may hold. */
    private Reject totalTooLarge(RawRecord record, UsageLine line, TokenType type) {
        return new Reject(
                file.fileId(),
                record.lineNo(),
                RejectCode.NUMBER_TOO_LARGE,
                "with this row, the " + type.code() + " of customer " + line.customerId() + " on " + line.model()
                        + " in the hour from " + line.hourStart() + " would add up to more than "
                        + UsageRowParser.MAX_TOKENS
                        + " in this file: a file's total of a customer, model and hour is kept"
                        + " within what one row may hold",
                record.raw());
    }

    private UsageNormalizer.Result normalize(RawRecord record) {
        UsageRowParser.Result parsed = UsageRowParser.parse(file.fileId(), record);
        return parsed.reject() != null
                ? new UsageNormalizer.Result(null, parsed.reject())
                : normalizer.normalize(parsed.row());
    }

    /** The UTC day of the line's time; by its epoch day, as {@code LocalDate.ofInstant} builds zone rules each call. */
    private static LocalDate dayOf(UsageLine line) {
        return LocalDate.ofEpochDay(Math.floorDiv(line.occurredAt().getEpochSecond(), SECONDS_A_DAY));
    }
}
