package io.tokentally.normalize;

import io.tokentally.ingest.IngestFilePartitioner;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.batch.core.job.JobExecutionException;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.partition.support.SimpleStepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Spring Batch's splitter, each file partition given its file id where its context lacks it. The splitter saves a
 * partition's step execution first and its context after, so a process killed between the two leaves a partition
 * without its file, whose empty context a restart copies to the partition's next execution: its tasklet could not
 * start, on every resume, and local partitions of later files, handed out first, would wait for it for good. The file
 * id is in the partition's name ({@link IngestFilePartitioner#partitionName}), as the partitioner gave it.
 */
final class FileContextSplitter implements StepExecutionSplitter {

    private final SimpleStepExecutionSplitter splitter;
    private final JobRepository jobRepository;

    FileContextSplitter(JobRepository jobRepository, String stepName, Partitioner partitioner) {
        this.splitter = new SimpleStepExecutionSplitter(jobRepository, stepName, partitioner);
        this.jobRepository = jobRepository;
    }

    @Override
    public String getStepName() {
        return splitter.getStepName();
    }

    @Override
    public Set<StepExecution> split(StepExecution stepExecution, int gridSize) throws JobExecutionException {
        Set<StepExecution> partitions = splitter.split(stepExecution, gridSize);
        for (StepExecution partition : partitions) {
            OptionalLong fileId = IngestFilePartitioner.fileIdOf(partition.getStepName());
            if (!partition.getExecutionContext().containsKey(IngestFilePartitioner.FILE_ID) && fileId.isPresent()) {
                partition.getExecutionContext().putLong(IngestFilePartitioner.FILE_ID, fileId.getAsLong());
                jobRepository.updateExecutionContext(partition);
            }
        }
        return partitions;
    }
}
