package io.tokentally.reconcile;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import java.util.List;

/**
 * One finding per file a run read whose header has columns the format ignores that look like one of its own the
 * header lacks (a misspelt {@code cached_input_token}, a provider's {@code cache_read_input_tokens}): its rows were
 * read as if they had none of those counts, so usage may be billed at the wrong price or not at all. Keyed by the
 * content, so it is found once; resolved by hand.
 */
public final class LookalikeColumnFindings {

    static final String KIND = "LOOKALIKE_COLUMN_IGNORED";

    private LookalikeColumnFindings() {}

    public static List<Finding> of(List<RunFile> files) {
        return files.stream()
                .filter(file -> file.outcome() != RunFileOutcome.ALREADY_INGESTED)
                .filter(file -> file.status() == FileStatus.INGESTED && file.detail() != null)
                .map(LookalikeColumnFindings::finding)
                .toList();
    }

    private static Finding finding(RunFile file) {
        return new Finding(
                "lookalike-column:" + file.fileId(),
                KIND,
                Finding.Severity.WARNING,
                file.path() + " (source " + file.source() + ") was read with " + file.detail()
                        + ". Its rows are billed as read, and a corrected copy of them is a duplicate of the first (a"
                        + " CONFLICTING_DUPLICATE): rename the column at the source for the files to come, and"
                        + " correct what was billed by hand.",
                new Evidence().number("file_id", file.fileId()).source("read", file.path(), null, null));
    }
}
