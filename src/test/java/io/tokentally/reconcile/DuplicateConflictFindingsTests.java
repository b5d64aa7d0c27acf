package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.normalize.DuplicateConflictRepository.ConflictLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DuplicateConflictFindingsTests {

    @Test
    void oneWarningPerFileListingItsFirstTenLines() {
        // given: twelve conflicting rows in a.csv, one in b.csv
        List<ConflictLine> conflicts = new ArrayList<>();
        for (int line = 2; line <= 13; line++) {
            conflicts.add(new ConflictLine("/in/a.csv", line, "r" + line));
        }
        conflicts.add(new ConflictLine("/in/b.csv", 7, "x-1"));

        // when
        List<Finding> findings = DuplicateConflictFindings.of(conflicts);

        // then
        assertThat(findings)
                .extracting(Finding::key)
                .containsExactly("conflicting-duplicates:/in/a.csv", "conflicting-duplicates:/in/b.csv");
        assertThat(findings).extracting(Finding::kind).containsOnly("CONFLICTING_DUPLICATE");
        assertThat(findings).extracting(Finding::severity).containsOnly(Finding.Severity.WARNING);
        assertThat(findings.get(0).message())
                .startsWith("12 row(s) of /in/a.csv repeat a request id whose first copy counted other numbers")
                .endsWith("Lines: 2 (r2), 3 (r3), 4 (r4), 5 (r5), 6 (r6), 7 (r7), 8 (r8), 9 (r9), 10 (r10),"
                        + " 11 (r11) and 2 more");
        assertThat(findings.get(1).message()).endsWith("Lines: 7 (x-1)");
        Map<String, Object> evidence = Evidence.parse(findings.get(0).evidence());
        assertThat(evidence.get("numbers"))
                .isEqualTo(Map.of("rows", 12, "request_ids", "r2, r3, r4, r5, r6, r7, r8, r9, r10, r11 and 2 more"));
        assertThat(evidence.get("sources"))
                .isEqualTo(List.of(Map.of(
                        "side",
                        "duplicate",
                        "file",
                        "/in/a.csv",
                        "lines",
                        "2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more")));
    }

    @Test
    void noConflictsNoFindings() {
        // given
        List<ConflictLine> none = List.of();

        // when
        List<Finding> findings = DuplicateConflictFindings.of(none);

        // then
        assertThat(findings).isEmpty();
    }
}
