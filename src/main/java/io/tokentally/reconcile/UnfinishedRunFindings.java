package io.tokentally.reconcile;

import io.tokentally.ingest.FileRegistry;
import java.util.List;
import org.springframework.batch.core.BatchStatus;

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
        Evidence evidence = new Evidence()
                .number("file_id", file.fileId())
                .number("registered_by_run", file.registeredBy())
                .source("pending", file.path(), null, null);
        String run = "run " + file.registeredBy();
        if (file.lastExecution() != null) {
            evidence.number("execution", file.lastExecution());
            run += ", execution " + file.lastExecution() + ", " + file.lastStatus();
        }
        return new Finding(
                key(file.fileId()),
                KIND,
                Finding.Severity.ERROR,
                file.path() + " is read by the run of " + date + " that registered it (" + run + "), which has not"
                        + " finished reading it, so this run does not bill it. " + advice(file, date),
                evidence);
    }

    /** How the registering run gets to read the file: its resumption, as its {@code UNFINISHED_RUN} says. */
    private static String advice(FileRegistry.PendingElsewhere file, String date) {
        if (file.lastExecution() == null) {
            return "Run " + date + " again: it reads and bills the file.";
        }
        String restart = "'tokentally restart " + file.lastExecution() + "'";
        BatchStatus status = file.lastStatus() == null ? BatchStatus.UNKNOWN : BatchStatus.valueOf(file.lastStatus());
        if (status.isRunning()) {
            return "If that run is still going, this finding is resolved once it has read the file; if its process"
                    + " is gone, " + restart + " resumes it and bills the file.";
        }
        if (status == BatchStatus.FAILED || status == BatchStatus.STOPPED) {
            return "Run " + date + " again (or " + restart + "): it resumes where it stopped and bills the file.";
        }
        // UNKNOWN (Spring Batch could not record how it ended), ABANDONED or COMPLETED: no restart is taken
        return "That run cannot be resumed (" + status + "), so no run bills the file: check its usage by hand.";
    }
}
