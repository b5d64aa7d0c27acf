package io.tokentally.normalize;

import io.tokentally.ingest.ContentReading;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.IngestProgress;
import io.tokentally.ingest.LookalikeColumns;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RegisteredFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Ingests one registered file in one transaction: its usage totals, request keys, rejects and counts
 * are committed together or not at all, so a failed file is read again from its first line and is
 * never half-ingested. Files of one source commit in registration order ({@link IngestTurns}), and a file
 * read while an earlier one committed some of its request ids (or while the version it changed from committed)
 * is read again before it commits ({@link FileIngestion#readAgainIfOthersCommitted}), so which copy of a repeated
 * request id counts does not depend on which partition ran faster.
 */
class IngestFileTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(IngestFileTasklet.class);
    private static final int PROGRESS_EVERY = 10_000;

    private final FileRegistry registry;
    private final long fileId;
    private final long run;
    private final BiFunction<RegisteredFile, CommittedKeys, FileIngestion> ingests;
    private final CommittedKeys.Pool committedKeys;
    private final IngestCommitLock lock;
    private final IngestTurns turns;
    private final IngestProgress progress;
    private final ExecutionStatuses statuses;

    IngestFileTasklet(
            FileRegistry registry,
            long fileId,
            long run,
            BiFunction<RegisteredFile, CommittedKeys, FileIngestion> ingests,
            CommittedKeys.Pool committedKeys,
            IngestCommitLock lock,
            IngestTurns turns,
            IngestProgress progress,
            ExecutionStatuses statuses) {
        this.registry = registry;
        this.fileId = fileId;
        this.run = run;
        this.ingests = ingests;
        this.committedKeys = committedKeys;
        this.lock = lock;
        this.turns = turns;
        this.progress = progress;
        this.statuses = statuses;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        RegisteredFile file = registry.find(fileId)
                .orElseThrow(() -> new IllegalStateException("file " + fileId + " is not in the file registry"));
        if (file.status() == FileStatus.INGESTED) {
            return RepeatStatus.FINISHED;
        }
        long jobExecutionId = contribution.getStepExecution().getJobExecutionId();
        CommittedKeys committed = committedKeys.take(jobExecutionId);
        try {
            FileIngestion ingest = ingests.apply(file, committed);
            readInTurn(file, ingest, contribution);
            commit(file, ingest, contribution);
        } finally {
            committedKeys.giveBack(jobExecutionId, committed);
        }
        return RepeatStatus.FINISHED;
    }

    /**
     * Reads the whole file, reporting progress, then waits until the source's earlier files have committed;
     * a stop asked for meanwhile ends the step STOPPED.
     */
    private void readInTurn(RegisteredFile file, FileIngestion ingest, StepContribution contribution) throws Exception {
        long jobExecutionId = contribution.getStepExecution().getJobExecutionId();
        EveryFewThousand reading = new EveryFewThousand(contribution::incrementReadCount, () -> {
            progress.rowsDone(PROGRESS_EVERY);
            stopIfAsked(jobExecutionId);
        });
        try {
            ingest.readAll(reading);
            progress.rowsDone(reading.sinceLast());
            turns.awaitEarlierFiles(file, contribution.getStepExecution(), () -> stopIfAsked(jobExecutionId));
        } catch (StopRequested e) {
            throw stopped(file, "reading");
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file, reading, e);
        }
    }

    /**
     * Under the commit lock, reads the file again if files committed since it was read changed it (a stop asked for
     * meanwhile ends the step STOPPED), stores the file's usage and counts and marks it ingested.
     */
    private void commit(RegisteredFile file, FileIngestion ingest, StepContribution contribution)
            throws IOException, JobInterruptedException {
        lock.holdUntilTransactionEnds();
        long jobExecutionId = contribution.getStepExecution().getJobExecutionId();
        EveryFewThousand readingAgain = new EveryFewThousand(() -> {}, () -> stopIfAsked(jobExecutionId));
        try {
            ingest.readAgainIfOthersCommitted(readingAgain);
        } catch (StopRequested e) {
            throw stopped(file, "reading again");
        } catch (OutOfMemoryError e) {
            throw outOfMemory(file, readingAgain, e);
        }
        ingest.store(run);
        keyByContentRead(file, ingest.contentRead());
        FileCounts counts = ingest.counts();
        registry.addCounts(fileId, counts);
        registry.markIngested(fileId, detailOf(file, ingest, counts));
        if (ingest.lastRowCounted() != null) {
            registry.markLastRowCounted(fileId, ingest.lastRowCounted());
        }
        contribution.incrementWriteCount(counts.accepted());
        contribution.incrementFilterCount(counts.duplicate());
        contribution.incrementProcessSkipCount(counts.rejected());
        progress.fileDone();
    }

    /**
     * The note an ingested file keeps: the columns its header has that the format ignores but that look like one of
     * its own (a misspelt {@code cached_input_token}), read as if the file had no such values, and, for a file with
     * records, the count its format cannot split ({@link FileIngestion#unsplitCounts}). Null when it has neither.
     */
    private static String detailOf(RegisteredFile file, FileIngestion ingest, FileCounts counts) {
        List<String> notes = new ArrayList<>();
        if (!ingest.lookalikeColumns().isEmpty()) {
            String note = LookalikeColumns.note(ingest.lookalikeColumns());
            log.warn("{} (file {}): {}", file.path(), file.fileId(), note);
            notes.add(note);
        }
        if (ingest.unsplitCounts() != null && counts.read() > 0) {
            log.info("{} (file {}): {}", file.path(), file.fileId(), ingest.unsplitCounts());
            notes.add(ingest.unsplitCounts());
        }
        return notes.isEmpty() ? null : String.join("; ", notes);
    }

    /** A file whose path held other bytes by the time it was read is keyed by those ({@link FileRegistry#rekey}). */
    private void keyByContentRead(RegisteredFile file, ContentReading.Content read) {
        if (!read.checksum().equals(file.checksum())) {
            log.warn(
                    "{} (file {}) changed after it was registered: its rows are those of the {} bytes read now"
                            + " (SHA-256 {}), not of the {} bytes registered (SHA-256 {}); that content, wherever it"
                            + " is now, is new to the next run that finds it",
                    file.path(),
                    file.fileId(),
                    read.sizeBytes(),
                    read.checksum(),
                    file.sizeBytes(),
                    file.checksum());
            registry.rekey(file, read);
        }
    }

    /** Runs {@code each} for every record read, and {@code every} after every {@value #PROGRESS_EVERY}th. */
    private static final class EveryFewThousand implements Consumer<RawRecord> {

        private final Runnable each;
        private final Runnable every;
        private long seen;
        private long lastLine;

        EveryFewThousand(Runnable each, Runnable every) {
            this.each = each;
            this.every = every;
        }

        @Override
        public void accept(RawRecord record) {
            lastLine = record.lineNo();
            each.run();
            if (++seen % PROGRESS_EVERY == 0) {
                every.run();
            }
        }

        /** How many records were read since {@code every} last ran. */
        long sinceLast() {
            return seen % PROGRESS_EVERY;
        }
    }

    /**
     * The heap ran out while the file was read: the failure names it and the line read last (hunt DJ: a line of 300
     * MB failed the run with "Java heap space" alone).
     */
    private static IllegalStateException outOfMemory(
            RegisteredFile file, EveryFewThousand reading, OutOfMemoryError e) {
        return new IllegalStateException(
                "ran out of memory reading " + file.path() + " "
                        + (reading.lastLine == 0 ? "before its first record" : "after its line " + reading.lastLine)
                        + " (" + e.getMessage() + "): a line far longer than a request's (hundreds of MB), or more"
                        + " requests a day than the heap holds (README, Memory); give the JVM more heap, or split the"
                        + " file",
                e);
    }

    private static JobInterruptedException stopped(RegisteredFile file, String doing) {
        return new JobInterruptedException(
                "stopped while " + doing + " " + file.path() + "; a restart reads it again from its first line",
                BatchStatus.STOPPED);
    }

    /**
     * A file is one transaction, so a stop asked for while it is read (a SIGTERM, the REST API) takes
     * effect here, every few thousand rows: the transaction rolls back and the partition ends STOPPED.
     */
    private void stopIfAsked(long jobExecutionId) {
        if (statuses.stopAsked(jobExecutionId)) {
            throw new StopRequested();
        }
    }

    /** Unwinds the read when a stop was asked for. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(null, null, false, false);
        }
    }
}
