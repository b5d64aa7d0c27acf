package io.tokentally.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One partition per file the run registered and has not finished: the unit of parallel (and remote) work,
 * listed in registration order (file id).
 */
public class IngestFilePartitioner implements Partitioner {

    public static final String FILE_ID = "fileId";

    private final FileRegistry registry;
    private final long run;

    public IngestFilePartitioner(FileRegistry registry, long run) {
        this.registry = registry;
        this.run = run;
    }

    /** The name of a file's partition; its step execution is named {@code ingestFileStep:} and this name. */
    public static String partitionName(long fileId) {
        return "file-" + fileId;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (RegisteredFile file : registry.pendingFiles(run)) {
            ExecutionContext context = new ExecutionContext();
            context.putLong(FILE_ID, file.fileId());
            partitions.put(partitionName(file.fileId()), context);
        }
        return partitions;
    }
}
