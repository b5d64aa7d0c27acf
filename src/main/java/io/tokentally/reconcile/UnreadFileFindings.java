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

    /**
     * What the operator does: put readable content at the file's path (read as a new file, and the run that reads it
     * resolves the finding; readable content under another name leaves the finding open), or take the file away and
     * resolve the finding by hand. An S3 object is marked failed when its run ends (moved under the failed prefix, or
     * tagged in place), so it is no longer where it was dropped.
     */
    private static String whatToDo(RunFile file) {
        String readable =
                file.status() == FileStatus.FAILED ? "mend or complete it" : "convert it to a format the engine reads";
        if (file.path().startsWith("s3://")) {
            return "the object is marked failed as its run ends (moved under the failed prefix, or tagged in place:"
                    + " tokentally.s3.mark); " + readable + " and put it again under its key (read as a new file,"
                    + " which resolves this finding), or resolve this finding by hand: `tokentally findings resolve "
                    + key(file.fileId()) + "`.";
        }
        return readable + " at the same path (read as a new file, which resolves this finding; under another name it"
                + " is read, but this finding stays), or move it out of the input and resolve this finding by hand:"
                + " `tokentally findings resolve " + key(file.fileId()) + "`.";
    }

    private static Finding finding(RunFile file) {
        return new Finding(
                key(file.fileId()),
                "UNREAD_FILE",
                file.status() == FileStatus.FAILED ? Finding.Severity.ERROR : Finding.Severity.WARNING,
                file.path() + " (source " + file.source() + ") was not read, "
                        + file.status().name().toLowerCase(Locale.ROOT) + ": " + file.detail()
                        + ". Usage in it is neither billed nor rejected; " + whatToDo(file),
                new Evidence()
                        .number("file_id", file.fileId())
                        .number("status", file.status().name())
                        .source("unread", file.path(), null, null));
    }
}
