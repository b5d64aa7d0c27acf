package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.TempFolders;
import io.tokentally.ingest.ContentReading;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.IngestProgress;
import io.tokentally.ingest.RawRecord;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/** A file's partition: a stop asked for while the file is read again under the commit lock. */
@SpringBootTest
class IngestFileTaskletTests {

    static final Path WORK = TempFolders.create("tokentally-ingest-tasklet-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    FileRegistry registry;

    @Autowired
    IngestCommitLock lock;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ExecutionStatuses statuses;

    @Test
    void aStopAskedForWhileAFileIsReadAgainEndsThePartitionStoppedBeforeItStoresAnything() {
        // given: a file read once (three records), a job asked to stop, and a second pass of 25,000 records
        String path = WORK.resolve("b.csv").toString();
        long fileId = registered(path);
        JobExecution job = newJob();
        StepExecution partition = jobRepository.createStepExecution("ingestFileStep:file-" + fileId, job);
        ReadAgain ingest = new ReadAgain(3, 25_000);
        IngestFileTasklet tasklet = tasklet(fileId, ingest);
        job.setStatus(BatchStatus.STOPPING);
        jobRepository.update(job);

        // when, then: the second pass stops at its 10,000th record, nothing is stored and the file stays pending
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    try {
                        tasklet.execute(new StepContribution(partition), null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .cause()
                .isInstanceOf(JobInterruptedException.class)
                .hasMessage("stopped while reading again " + path + "; a restart reads it again from its first line")
                .extracting(stop -> ((JobInterruptedException) stop).getStatus())
                .isEqualTo(BatchStatus.STOPPED);
        assertThat(ingest.readAgain).isEqualTo(10_000);
        assertThat(ingest.stored).isFalse();
        assertThat(registry.find(fileId).orElseThrow().status()).isEqualTo(FileStatus.PENDING);
    }

    @Test
    void aFileThatRunsTheHeapOutFailsItsPartitionNamingTheFileAndTheLineReadLast() {
        // given: a file whose reading runs out of memory after its line 3 (a line of hundreds of MB, say)
        String path = WORK.resolve("long-line.csv").toString();
        long fileId = registered(path);
        StepExecution partition = jobRepository.createStepExecution("ingestFileStep:file-" + fileId, newJob());
        ReadAgain ingest = new ReadAgain(3, 0) {
            @Override
            public void readAll(Consumer<RawRecord> onRecord) {
                super.readAll(onRecord);
                throw new OutOfMemoryError("Java heap space");
            }
        };
        IngestFileTasklet tasklet = tasklet(fileId, ingest);

        // when, then (hunt DJ: the run failed with "Java heap space" alone)
        assertThatThrownBy(() -> tasklet.execute(new StepContribution(partition), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("ran out of memory reading " + path + " after its line 3 (Java heap space): a"
                        + " line far longer than a request's");
        assertThat(ingest.stored).isFalse();
    }

    /** A usage CSV at {@code path}, registered pending; its id. */
    private long registered(String path) {
        return registry.register(
                "gw", path, null, UUID.randomUUID().toString(), 1, "usage-csv", FileStatus.PENDING, null, null, 1);
    }

    private JobExecution newJob() {
        return jobRepository.createJobExecution(
                jobRepository.createJobInstance("tasklet-" + UUID.randomUUID(), new JobParameters()),
                new JobParameters(),
                new ExecutionContext());
    }

    /** The partition of the file {@code fileId}, read as {@code ingest} reads it. */
    private IngestFileTasklet tasklet(long fileId, FileIngestion ingest) {
        return new IngestFileTasklet(
                registry,
                fileId,
                1,
                (file, committed) -> ingest,
                new CommittedKeys.Pool(null),
                lock,
                new IngestTurns(registry, statuses),
                new IngestProgress(60),
                statuses);
    }

    /** A file whose first pass has {@code firstPass} records and whose settling reads {@code secondPass} more. */
    private static class ReadAgain implements FileIngestion {

        private final int firstPass;
        private final int secondPass;
        int readAgain;
        boolean stored;

        ReadAgain(int firstPass, int secondPass) {
            this.firstPass = firstPass;
            this.secondPass = secondPass;
        }

        @Override
        public void readAll(Consumer<RawRecord> onRecord) {
            for (int line = 1; line <= firstPass; line++) {
                onRecord.accept(RawRecord.malformed(line, "row " + line, "a test row"));
            }
        }

        @Override
        public void readAgainIfOthersCommitted(Consumer<RawRecord> onRecord) {
            for (int line = 1; line <= secondPass; line++) {
                readAgain++;
                onRecord.accept(RawRecord.malformed(line, "row " + line, "a test row"));
            }
        }

        @Override
        public void store(long run) {
            stored = true;
        }

        @Override
        public ContentReading.Content contentRead() {
            throw new AssertionError("a file stopped before it is stored is not keyed by its content");
        }

        @Override
        public FileCounts counts() {
            return new FileCounts(firstPass, firstPass, 0, 0, 0, 0);
        }
    }
}
