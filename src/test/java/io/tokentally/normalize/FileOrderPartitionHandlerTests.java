package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.IngestFilePartitioner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

class FileOrderPartitionHandlerTests {

    @Test
    void startsPartitionsInTheOrderTheirFilesWereRegistered() {
        // given: the splitter's set, whose iteration order is arbitrary
        JobExecution job = new JobExecution(1, new JobInstance(1, "nightlyBillingJob"), new JobParameters());
        Set<StepExecution> partitions = new HashSet<>();
        long id = 1;
        for (long fileId : new long[] {12, 3, 40, 7, 100, 9}) {
            StepExecution partition =
                    new StepExecution(id++, "ingestFileStep:" + IngestFilePartitioner.partitionName(fileId), job);
            partition.getExecutionContext().putLong(IngestFilePartitioner.FILE_ID, fileId);
            partitions.add(partition);
        }

        // when
        List<Long> started = new ArrayList<>();
        FileOrderPartitionHandler.inFileOrder(partitions)
                .forEach(partition ->
                        started.add(partition.getExecutionContext().getLong(IngestFilePartitioner.FILE_ID)));

        // then
        assertThat(started).containsExactly(3L, 7L, 9L, 12L, 40L, 100L);
    }
}
