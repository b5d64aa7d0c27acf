package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import io.tokentally.ingest.SourceRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadFileFindingsTests {

    @Test
    void aFileRefusedAsAWholeIsAnErrorAndOneNoReaderClaimedAWarning() {
        // given
        RunFile refused = file(
                1,
                "/in/gw.csv",
                RunFileOutcome.NEW,
                FileStatus.FAILED,
                "the header lacks required" + " column timestamp");
        RunFile notes = file(
                2,
                "/in/notes.txt",
                RunFileOutcome.NEW,
                FileStatus.UNRECOGNIZED,
                "no format reader" + " recognizes its content");
        RunFile seenBefore = file(3, "/in/old.csv", RunFileOutcome.ALREADY_INGESTED, FileStatus.FAILED, "cut off");

        // when
        List<Finding> findings = UnreadFileFindings.of(List.of(refused, notes, seenBefore));

        // then
        assertThat(findings)
                .extracting(Finding::key, Finding::severity)
                .containsExactly(
                        tuple("unread-file:1", Finding.Severity.ERROR),
                        tuple("unread-file:2", Finding.Severity.WARNING));
        assertThat(findings.get(0).message())
                .isEqualTo("/in/gw.csv (source gateway) was not read, failed: the header lacks required column"
                        + " timestamp. Usage in it is neither billed nor rejected; mend or complete it at the same"
                        + " path (read as a new file, which resolves this finding; under another name it is read, but"
                        + " this finding stays), or move it out of the input and resolve this finding by hand:"
                        + " `tokentally findings resolve unread-file:1`.");
        assertThat(findings.get(1).message())
                .endsWith("; convert it to a format the engine reads at the same path (read as a new file, which"
                        + " resolves this finding; under another name it is read, but this finding stays), or move it"
                        + " out of the input and resolve this finding by hand: `tokentally findings resolve"
                        + " unread-file:2`.");
    }

    @Test
    void anS3ObjectsFindingSaysTheObjectIsMarkedFailedAndToPutItAgainUnderItsKey() {
        // given an object of the drop folder no reader recognized
        RunFile dropped = file(
                4,
                "s3://billing/drop/junk.bin",
                RunFileOutcome.NEW,
                FileStatus.UNRECOGNIZED,
                "no format reader recognizes its content");

        // when
        List<Finding> findings = UnreadFileFindings.of(List.of(dropped));

        // then it does not send the operator to the drop folder, from which the object is moved
        assertThat(findings)
                .singleElement()
                .satisfies(finding -> assertThat(finding.message())
                        .endsWith(". Usage in it is neither billed nor rejected; the object is marked failed as its"
                                + " run ends (moved under the failed prefix, or tagged in place: tokentally.s3.mark);"
                                + " convert it to a format the engine reads and put it again under its key (read as"
                                + " a new file, which resolves this finding), or resolve this finding by hand:"
                                + " `tokentally findings resolve unread-file:4`."));
    }

    private static RunFile file(long id, String path, RunFileOutcome outcome, FileStatus status, String detail) {
        return new RunFile("gateway", SourceRole.BILLABLE, path, outcome, id, null, status, detail, 0, 0, 0, 0, 0, 0);
    }
}
