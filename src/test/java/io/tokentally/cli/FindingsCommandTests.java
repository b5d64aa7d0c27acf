package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FindingsCommandTests {

    @ParameterizedTest
    @CsvSource(
            nullValues = "none",
            value = {
                "none, none, ''",
                "2026-12-01T02:10:00Z, none, ', resolved 2026-12-01T02:10:00Z by hand'",
                "2026-12-01T02:10:00Z, 42, ', resolved 2026-12-01T02:10:00Z by run 42 (of 2026-11-27)'",
                "2026-12-01T02:10:00Z, 7, ', resolved 2026-12-01T02:10:00Z by run 7'"
            })
    void listsWhenAndByWhichRunAFindingWasResolved(Instant resolvedAt, Long resolvedByRun, String shown) {
        // given
        var finding = new FindingRepository.Stored(
                "k",
                "KIND",
                Finding.Severity.WARNING,
                resolvedAt == null ? "OPEN" : "RESOLVED",
                "message",
                Instant.parse("2026-12-01T02:00:00Z"),
                Instant.parse("2026-12-01T02:00:00Z"),
                null,
                resolvedAt,
                resolvedByRun);

        // when
        String resolution =
                FindingsCommand.resolution(finding, run -> run == 42 ? Optional.of("2026-11-27") : Optional.empty());

        // then
        assertThat(resolution).isEqualTo(shown);
    }
}
