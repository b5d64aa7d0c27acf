package io.tokentally.reconcile;

import java.time.LocalDate;
import java.util.List;

/**
 * The finding of a resumed run about the files dropped into its local input folders since it registered its
 * files: it reads only those it registered, so the others wait for the next run of the date, which registers
 * them (and reads those whose content was not ingested before).
 */
public final class ResumedRunFindings {

    public static final String KIND = "FILES_NOT_READ_BY_RESUMED_RUN";
    static final int FILES_NAMED = 10;

    private ResumedRunFindings() {}

    /** @param added the absolute paths of the files added, in folder order */
    public static Finding filesNotRead(long run, LocalDate date, List<String> added) {
        Evidence evidence = new Evidence().number("files", added.size());
        added.stream().limit(FILES_NAMED).forEach(path -> evidence.source("added", path, null, null));
        return new Finding(
                "files-not-read-by-resumed-run:" + run,
                KIND,
                Finding.Severity.WARNING,
                added.size() + " file(s) were added to the input folders after this run registered its files, and"
                        + " this resumed run does not read them: " + Listing.firstOf(added, FILES_NAMED, ", ")
                        + ". The next run of " + date + " with these input folders registers them (and reads those"
                        + " whose content was not ingested before)",
                evidence);
    }
}
