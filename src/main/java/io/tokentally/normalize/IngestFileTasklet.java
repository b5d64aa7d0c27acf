package io.tokentally.normalize;

import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.IngestProgress;
import io.tokentally.ingest.RegisteredFile;
import java.util.function.Function;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Ingests one registered file in one transaction: its usage totals, request keys, rejects and counts
 * are committed together or not at all, so a failed file is read again from its first line and is
 * never half-ingested.
 */
class IngestFileTasklet implements Tasklet {

    private static final int PROGRESS_EVERY = 10_000;

    private final FileRegistry registry;
    private final long fileId;
    private final long run;
    private final Function<RegisteredFile, FileIngest> ingests;
    private final IngestCommitLock lock;
    private final IngestProgress progress;

    IngestFileTasklet(
            FileRegistry registry,
            long fileId,
            long run,
            Function<RegisteredFile, FileIngest> ingests,
            IngestCommitLock lock,
            IngestProgress progress) {
        this.registry = registry;
        this.fileId = fileId;
        this.run = run;
        this.ingests = ingests;
        this.lock = lock;
        this.progress = progress;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        RegisteredFile file = registry.find(fileId)
                .orElseThrow(() -> new IllegalStateException("file " + fileId + " is not in the file registry"));
        if (file.status() == FileStatus.INGESTED) {
            return RepeatStatus.FINISHED;
        }
        FileIngest ingest = ingests.apply(file);
        long[] sinceProgress = {0};
        ingest.readAll(record -> {
            contribution.incrementReadCount();
            if (++sinceProgress[0] == PROGRESS_EVERY) {
                progress.rowsDone(PROGRESS_EVERY);
                sinceProgress[0] = 0;
            }
        });
        progress.rowsDone(sinceProgress[0]);
        lock.holdUntilTransactionEnds();
        ingest.settleConcurrentDuplicates();
        ingest.store(run);
        FileCounts counts = ingest.counts();
        registry.addCounts(fileId, counts);
        registry.markIngested(fileId);
        contribution.incrementWriteCount(counts.accepted());
        contribution.incrementFilterCount(counts.duplicate());
        contribution.incrementProcessSkipCount(counts.rejected());
        progress.fileDone();
        return RepeatStatus.FINISHED;
    }
}
