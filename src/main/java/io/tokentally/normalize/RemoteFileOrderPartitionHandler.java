package io.tokentally.normalize;

import java.util.Set;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessagingTemplate;

/**
 * Sends the file partitions to the worker processes through the {@link PartitionQueue} in registration order (file
 * id), which {@link IngestTurns} relies on as it does for local partitions: the queue hands them out first in, first
 * out, so no partition starts before those of earlier files. The run then polls the job repository until every
 * partition has ended, every {@value #POLL_MILLIS} ms; there is no reply queue.
 */
final class RemoteFileOrderPartitionHandler extends MessageChannelPartitionHandler {

    static final long POLL_MILLIS = 1000;

    RemoteFileOrderPartitionHandler(PartitionQueue queue, JobRepository jobRepository, String stepName, int gridSize)
            throws Exception {
        DirectChannel requests = new DirectChannel();
        requests.subscribe(message -> queue.send((StepExecutionRequest) message.getPayload()));
        setMessagingOperations(new MessagingTemplate(requests));
        setJobRepository(jobRepository);
        setPollInterval(POLL_MILLIS);
        setStepName(stepName);
        setGridSize(gridSize);
        afterPropertiesSet();
    }

    @Override
    protected Set<StepExecution> doHandle(StepExecution managerStepExecution, Set<StepExecution> partitions)
            throws Exception {
        return super.doHandle(managerStepExecution, FileOrderPartitionHandler.inFileOrder(partitions));
    }
}
