package io.tokentally.normalize;

import io.tokentally.ingest.EarlierRejects;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectRepository;
import java.util.ArrayList;
import java.util.List;

/**
 * The counts of one file's rows and its rejects, written in batches as they come; a bad row the version
 * the file changed from had too is a repeat of that reject, a duplicate ({@link EarlierRejects}).
 */
final class FileTally {

    private final long fileId;
    private final RejectRepository rejects;
    private final EarlierRejects earlierRejects;
    private final int batchSize;
    private final List<Reject> pendingRejects = new ArrayList<>();
    private long read;
    private long accepted;
    private long rejected;
    private long duplicates;
    private long unattributed;
    private long errors;

    FileTally(long fileId, RejectRepository rejects, EarlierRejects earlierRejects, int batchSize) {
        this.fileId = fileId;
        this.rejects = rejects;
        this.earlierRejects = earlierRejects;
        this.batchSize = batchSize;
    }

    /** Counts a record read. */
    void countRead() {
        read++;
    }

    /** Counts an accepted row (see {@link #count}). */
    void countAccepted(UsageLine line) {
        count(line, 1);
    }

    /** Counts a row as a duplicate. */
    void countDuplicate() {
        duplicates++;
    }

    /** Counts a row as rejected and lists its reject, never as a repeat (a held row, a conflicting bucket). */
    void countRejected(Reject reject) {
        rejected++;
        addReject(reject);
    }

    /** Rejects a bad row, unless the version the file changed from had it: then it is a repeat, a duplicate. */
    void reject(Reject reject) {
        if (repeatsAnEarlierReject(reject.lineNo(), reject.raw())) {
            return;
        }
        rejected++;
        addReject(reject);
    }

    /**
     * Whether the version the file changed from rejected this line ({@link EarlierRejects}): then it is counted as a
     * duplicate and kept as a repeat of that reject.
     */
    boolean repeatsAnEarlierReject(long lineNo, String raw) {
        Reject repeat = earlierRejects.repeatOf(fileId, lineNo, raw);
        if (repeat == null) {
            return false;
        }
        duplicates++;
        addReject(repeat);
        return true;
    }

    /**
     * Counts a row this file counted as accepted, or as held (rejected, {@code NO_PRICE}), as a duplicate
     * instead; a held row's line goes into {@code heldLines}, whose reject lines the caller deletes.
     */
    void countAsDuplicate(UsageLine line, long lineNo, boolean held, List<Long> heldLines) {
        if (held) {
            rejected--;
            heldLines.add(lineNo);
        } else {
            count(line, -1);
        }
        duplicates++;
    }

    /** Writes the rejects not written yet. */
    void flushRejects() {
        if (!pendingRejects.isEmpty()) {
            rejects.insertAll(pendingRejects);
            pendingRejects.clear();
        }
    }

    /** The file's counts so far. */
    FileCounts counts() {
        return new FileCounts(read, accepted, rejected, duplicates, unattributed, errors);
    }

    private void addReject(Reject reject) {
        pendingRejects.add(reject);
        if (pendingRejects.size() >= batchSize) {
            flushRejects();
        }
    }

    /**
     * Counts an accepted row: every error row ({@code status=error}) in {@code errors}, and a billable row
     * of a customer in no customers file in {@code unattributed}, as the UNATTRIBUTED_USAGE finding counts
     * requests; an unknown customer's error row is an error row only.
     */
    private void count(UsageLine line, int sign) {
        accepted += sign;
        unattributed += line.attributed() || !line.billable() ? 0 : sign;
        errors += line.billable() ? 0 : sign;
    }
}
