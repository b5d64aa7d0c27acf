package io.tokentally.reconcile;

import io.tokentally.ingest.FileRegistry;
import java.util.List;

/**
 * One finding per content a run found in its input that another run registered and has not read to the end: only
 * that run reads it, so while it stays stopped or killed, the content's usage is billed by no run. An error, so a
 * scheduler that runs each night's date alone is alerted; resolved by the registering run once it has read the
 * content ({@link #key}).
 */
public final class UnfinishedRunFindings {

    public static final String KIND = "FILE_OF_UNFINISHED_RUN";

    private UnfinishedRunFindings() {}

    public static List<Finding> of(List<FileRegistry.PendingElsewhere> files) {
        return files.stream().map(UnfinishedRunFindings::finding).toList();
    }

    /** The key of the finding of a content: one per content, whichever run saw it. */
    public static String key(long fileId) {
        return "file-of-unfinished-run:" + fileId;
    }

    private static Finding finding(FileRegistry.PendingElsewhere file) {
        String date = file.date() == null ? "its date" : file.date();
        return new Finding(
                key(file.fileId()),
                KIND,
                Finding.Severity.ERROR,
                file.path() + " is read by the run of " + date + " that registered it (run " + file.registeredBy()
                        + "), which has not finished reading it, so this run does not bill it. If that run was"
                        + " stopped or killed, run " + date + " again: it resumes and bills the file.",
                new Evidence()
                        .number("file_id", file.fileId())
                        .number("registered_by_run", file.registeredBy())
                        .source("pending", file.path(), null, null));
    }
}
