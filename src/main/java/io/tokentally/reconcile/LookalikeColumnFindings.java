package io.tokentally.reconcile;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding per source and set of lookalike columns: a usage file whose header (or objects) has columns the format
 * ignores that look like one of its own it lacks (a misspelt {@code cached_input_token}, a provider's {@code
 * cache_read_input_tokens}) was read as if it had none of those values, so its usage may be billed at the wrong
 * price, or error rows as ok. Each file of the source with the same columns finds it again (a gateway that rotates
 * its log every few minutes makes one finding, not hundreds); resolved by hand once the source is mended.
 */
public final class LookalikeColumnFindings {

    static final String KIND = "LOOKALIKE_COLUMN_IGNORED";

    private LookalikeColumnFindings() {}

    /** The run's findings, one per source and set of columns, naming the last of its files (by path). */
    public static List<Finding> of(List<RunFile> files) {
        Map<String, Finding> byKey = new LinkedHashMap<>();
        files.stream()
                .filter(file -> file.outcome() != RunFileOutcome.ALREADY_INGESTED)
                .filter(file -> file.status() == FileStatus.INGESTED && file.detail() != null)
                .map(LookalikeColumnFindings::finding)
                .forEach(finding -> byKey.put(finding.key(), finding));
        return List.copyOf(byKey.values());
    }

    private static Finding finding(RunFile file) {
        return new Finding(
                "lookalike-column:" + file.source() + ":" + file.detail(),
                KIND,
                Finding.Severity.WARNING,
                "files of source " + file.source() + ", the last " + file.path() + ", were read with " + file.detail()
                        + ". Their rows are billed as read, and a corrected copy of them is a duplicate of the first"
                        + " (a CONFLICTING_DUPLICATE): rename the column at the source for the files to come, correct"
                        + " what was billed by hand, and resolve this finding.",
                new Evidence()
                        .number("source", file.source())
                        .number("file_id", file.fileId())
                        .source("read", file.path(), null, null));
    }
}
