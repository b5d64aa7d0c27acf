package io.tokentally.reconcile;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.LookalikeColumns;
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

    /**
     * The run's findings, one per source and set of columns, naming the last of its files (by path). A file's other
     * notes (a count its format cannot split, as Cloudflare's {@code tokens_in}) are documented reading, not a finding.
     */
    public static List<Finding> of(List<RunFile> files) {
        Map<String, Finding> byKey = new LinkedHashMap<>();
        for (RunFile file : files) {
            if (file.outcome() != RunFileOutcome.ALREADY_INGESTED && file.status() == FileStatus.INGESTED) {
                LookalikeColumns.noteIn(file.detail())
                        .map(note -> finding(file, note))
                        .ifPresent(finding -> byKey.put(finding.key(), finding));
            }
        }
        return List.copyOf(byKey.values());
    }

    private static Finding finding(RunFile file, String note) {
        return new Finding(
                "lookalike-column:" + file.source() + ":" + note,
                KIND,
                Finding.Severity.WARNING,
                "files of source " + file.source() + ", the last " + file.path() + ", were read with " + note
                        + ". Their rows are billed as read, and a corrected copy of them is a duplicate of the first"
                        + " (a CONFLICTING_DUPLICATE): rename the column at the source for the files to come, correct"
                        + " what was billed by hand, and resolve this finding.",
                new Evidence()
                        .number("source", file.source())
                        .number("file_id", file.fileId())
                        .source("read", file.path(), null, null));
    }
}
