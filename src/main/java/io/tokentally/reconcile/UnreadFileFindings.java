package io.tokentally.reconcile;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import java.util.List;
import java.util.Locale;

/**
 * One finding per file a run registered but could not read (no format recognized its content, or the file
 * as a whole was refused, a header without a required column say): any usage in it is neither billed nor
 * rejected row by row, so it is flagged for someone to mend, convert or remove. A {@code FAILED} file (refused as a
 * whole by a reader, a usage file without a required column say; cut off; or unreadable) is an error, which fails
 * the run's exit code by default: it may hold usage that is not billed. An {@code UNRECOGNIZED} one (notes beside
 * the logs) is a warning. Keyed by the registered content, so the file left in place is one finding, not one a night;
 * resolved by the run that finds other content at its path and the old content at none
 * ({@link io.tokentally.ingest.FileRegistry#unreadContentsReplacedIn}).
 */
public final class UnreadFileFindings {

    private UnreadFileFindings() {}

    public static List<Finding> of(List<RunFile> files) {
        return files.stream()
                .filter(file -> file.outcome() != RunFileOutcome.ALREADY_INGESTED)
                .filter(file -> file.status().unread())
                .map(UnreadFileFindings::finding)
                .toList();
    }

    /** The key of the finding of an unread content: one per content, whatever its paths. */
    public static String key(long fileId) {
        return "unread-file:" + fileId;
    }

    private static Finding finding(RunFile file) {
        return new Finding(
                key(file.fileId()),
                "UNREAD_FILE",
                file.status() == FileStatus.FAILED ? Finding.Severity.ERROR : Finding.Severity.WARNING,
                file.path() + " (source " + file.source() + ") was not read, "
                        + file.status().name().toLowerCase(Locale.ROOT) + ": " + file.detail()
                        + ". Usage in it is neither billed nor rejected; "
                        + (file.status() == FileStatus.FAILED
                                ? "mend or complete it (its new content is read as a new file) or move it out of the"
                                        + " input."
                                : "convert it to a format the engine reads or move it out of the input."),
                new Evidence()
                        .number("file_id", file.fileId())
                        .number("status", file.status().name())
                        .source("unread", file.path(), null, null));
    }
}
