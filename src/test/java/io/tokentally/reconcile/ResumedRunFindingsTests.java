package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResumedRunFindingsTests {

    @Test
    void namesTheFirstTenFilesAddedInItsMessageAndCountsTheRestAndAllOfThemInItsEvidence() {
        // given
        List<String> added = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> "/drop/late-" + i + ".csv")
                .toList();

        // when
        Finding finding = ResumedRunFindings.filesNotRead(7, LocalDate.of(2026, 10, 13), added);

        // then
        assertThat(finding.key()).isEqualTo("files-not-read-by-resumed-run:7");
        assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
        assertThat(finding.message())
                .startsWith(
                        "12 file(s) were added to the input folders or S3 prefixes after this run registered its files, and this"
                                + " resumed run does not read them: /drop/late-1.csv, /drop/late-2.csv, ")
                .contains("/drop/late-10.csv and 2 more. The next run of 2026-10-13")
                .doesNotContain("late-11");
        Map<String, Object> evidence = Evidence.parse(finding.evidence());
        assertThat(evidence.get("numbers")).isEqualTo(Map.of("files", 12));
        assertThat((List<?>) evidence.get("sources"))
                .hasSize(12)
                .last()
                .isEqualTo(Map.of("side", "added", "file", "/drop/late-12.csv"));
    }

    @Test
    void isAnsweredByARunThatSawEveryFileAddedAndNotByOneThatMissedOne() {
        // given
        List<String> added = IntStream.rangeClosed(1, 12)
                .mapToObj(i -> "/drop/late-" + i + ".csv")
                .toList();
        Map<String, Object> evidence =
                Evidence.parse(ResumedRunFindings.filesNotRead(7, LocalDate.of(2026, 10, 13), added)
                        .evidence());
        Set<String> allAndMore = new HashSet<>(added);
        allAndMore.add("/drop/gateway.csv");

        // when / then
        assertThat(ResumedRunFindings.answeredBy(evidence, allAndMore)).isTrue();
        assertThat(ResumedRunFindings.answeredBy(evidence, Set.copyOf(added.subList(0, 11))))
                .isFalse();
    }

    @Test
    void namesInItsEvidenceOnlyThePathsThatFitItsColumn() {
        // given: paths of over 10,000 characters
        List<String> added = IntStream.rangeClosed(1, 5)
                .mapToObj(i -> "/drop/" + "d".repeat(9_990) + "/late-" + i + ".csv")
                .toList();

        // when
        Finding finding = ResumedRunFindings.filesNotRead(7, LocalDate.of(2026, 10, 13), added);

        // then
        assertThat((List<?>) Evidence.parse(finding.evidence()).get("sources")).hasSize(3);
        assertThat(finding.evidence()).hasSizeLessThan(100_000);
    }

    @Test
    void isAnsweredByNoRunWhenItsEvidenceNamesFewerFilesThanItCounts() {
        // given: more files than the evidence names, all of them seen
        List<String> added = IntStream.rangeClosed(1, ResumedRunFindings.FILES_IN_EVIDENCE + 1)
                .mapToObj(i -> "/drop/late-" + i + ".csv")
                .toList();
        Map<String, Object> evidence =
                Evidence.parse(ResumedRunFindings.filesNotRead(7, LocalDate.of(2026, 10, 13), added)
                        .evidence());

        // when
        boolean answered = ResumedRunFindings.answeredBy(evidence, Set.copyOf(added));

        // then
        assertThat(answered).isFalse();
    }
}
