package io.tokentally.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One partition per file the run registered and has not finished: the unit of parallel (and remote) work,
 * listed in registration order (file id).
 */
public class IngestFilePartitioner implements Partitioner {

    public static final String FILE_ID = "fileId";

    private static final String NAME_PREFIX = "file-";

    private final FileRegistry registry;
    private final long run;

    public IngestFilePartitioner(FileRegistry registry, long run) {
        this.registry = registry;
        this.run = run;
    }

    /** The name of a file's partition; its step execution is named {@code ingestFileStep:} and this name. */
    public static String partitionName(long fileId) {
        return NAME_PREFIX + fileId;
    }

    /**
     * The file id a partition's step execution is named by ({@code ingestFileStep:file-7} is file 7's), or empty when
     * its name is no file partition's.
     */
    public static OptionalLong fileIdOf(String stepName) {
        int at = stepName.lastIndexOf(":" + NAME_PREFIX);
        if (at < 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(stepName.substring(at + 1 + NAME_PREFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
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
