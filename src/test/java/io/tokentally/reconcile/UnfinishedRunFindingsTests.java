package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.FileRegistry.PendingElsewhere;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnfinishedRunFindingsTests {

    @Test
    void eachFileNamesTheExecutionToResumeAsFitsItsRunsStateOrSaysItCannotBe() {
        // given: files left by a run that failed, by one marked running, by one the job repository lost, and by one
        // whose end Spring Batch could not record
        PendingElsewhere failed = new PendingElsewhere("/in/a.csv", 1, 7, "2026-05-20", 12L, "FAILED");
        PendingElsewhere running = new PendingElsewhere("/in/b.csv", 2, 8, "2026-05-21", 13L, "STARTED");
        PendingElsewhere lost = new PendingElsewhere("/in/c.csv", 3, 9, null, null, null);
        PendingElsewhere unknown = new PendingElsewhere("/in/d.csv", 4, 10, "2026-05-22", 14L, "UNKNOWN");

        // when
        List<Finding> findings = UnfinishedRunFindings.of(List.of(failed, running, lost, unknown));

        // then
        assertThat(findings)
                .extracting(Finding::message)
                .containsExactly(
                        "/in/a.csv is read by the run of 2026-05-20 that registered it (run 7, execution 12,"
                                + " FAILED), which has not finished reading it, so this run does not bill it. Run"
                                + " 2026-05-20 again (or 'tokentally restart 12'): it resumes where it stopped and"
                                + " bills the file.",
                        "/in/b.csv is read by the run of 2026-05-21 that registered it (run 8, execution 13,"
                                + " STARTED), which has not finished reading it, so this run does not bill it. If that"
                                + " run is still going, this finding is resolved once it has read the file; if its"
                                + " process is gone, 'tokentally restart 13' resumes it and bills the file.",
                        "/in/c.csv is read by the run of its date that registered it (run 9), which has not"
                                + " finished reading it, so this run does not bill it. Run its date again: it reads and"
                                + " bills the file.",
                        "/in/d.csv is read by the run of 2026-05-22 that registered it (run 10, execution 14,"
                                + " UNKNOWN), which has not finished reading it, so this run does not bill it. That run"
                                + " cannot be resumed (UNKNOWN), so no run bills the file: check its usage by hand.");
        assertThat(findings.get(0).evidence()).contains("\"execution\":12");
    }
}
