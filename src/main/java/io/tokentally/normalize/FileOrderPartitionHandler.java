package io.tokentally.normalize;

import io.tokentally.ingest.IngestFilePartitioner;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.step.StepExecution;

/**
 * Hands the file partitions to the task executor in registration order (file id), instead of the order
 * of the set Spring Batch's splitter returns, which is arbitrary. With an executor that starts tasks in
 * the order it is given them (a throttled {@code SimpleAsyncTaskExecutor} blocks the caller until a thread
 * is free), no partition starts before the partitions of earlier files, which {@link IngestTurns} relies
 * on to wait without deadlock.
 */
class FileOrderPartitionHandler extends TaskExecutorPartitionHandler {

    @Override
    protected Set<StepExecution> doHandle(StepExecution managerStepExecution, Set<StepExecution> partitions)
            throws Exception {
        return super.doHandle(managerStepExecution, inFileOrder(partitions));
    }

    static Set<StepExecution> inFileOrder(Set<StepExecution> partitions) {
        Set<StepExecution> ordered = new LinkedHashSet<>();
        partitions.stream()
                .sorted(Comparator.comparingLong((StepExecution partition) ->
                                partition.getExecutionContext().getLong(IngestFilePartitioner.FILE_ID, Long.MAX_VALUE))
                        .thenComparing(StepExecution::getStepName))
                .forEachOrdered(ordered::add);
        return ordered;
    }
}
