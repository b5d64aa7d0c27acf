package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconciliationTableTests {

    private static final LocalDate DAY = LocalDate.parse("2026-11-02");

    @TempDir
    Path work;

    @Test
    void saysSoWhenNoCostSourceCoversTheWindow() {
        // given
        StringBuilder html = new StringBuilder();

        // when
        ReconciliationTable.appendHtml(html, List.of());

        // then
        assertThat(html.toString())
                .isEqualTo("<h2>Provider reconciliation</h2>"
                        + "<p>No cost-role source or cost export covers the window.</p>");
    }

    @Test
    void countsTheKeysButListsNoneWhenAllAreWithinTolerance() {
        // given
        StringBuilder html = new StringBuilder();

        // when
        ReconciliationTable.appendHtml(
                html, List.of(usage("input", ReconciliationLine.WITHIN), usage("output", ReconciliationLine.WITHIN)));

        // then
        assertThat(html.toString())
                .isEqualTo("<h2>Provider reconciliation</h2>"
                        + "<p>2 keys compared, 0 outside tolerance (reconciliation.csv has them all).</p>");
    }

    @Test
    void listsTheKeysOutsideToleranceEscapedWithExactAmountsAndBlankMissingCounts() {
        // given: one key within tolerance, one charge above list whose model needs escaping
        ReconciliationLine within = usage("input", ReconciliationLine.WITHIN);
        ReconciliationLine above = charge("custom/<tiny>", "charged-above-list");
        StringBuilder html = new StringBuilder();

        // when
        ReconciliationTable.appendHtml(html, List.of(within, above));

        // then: only the charge, with its fraction of a cent kept
        assertThat(html.toString())
                .contains("<p>2 keys compared, 1 outside tolerance (reconciliation.csv has them all).</p>")
                .contains("<tr class=\"neg\"><td>provider-charge</td><td>2026-11-02</td><td>custom/&lt;tiny&gt;</td>"
                        + "<td>input</td><td></td><td></td><td>12.5</td><td>12.496</td><td>0.004</td>"
                        + "<td>charged-above-list</td></tr></table>")
                .doesNotContain("<td>provider-usage</td>");
    }

    @Test
    void writesEveryLineToTheCsvWithBlankMissingCountsAndQuotedEvidence() throws Exception {
        // given
        Path file = work.resolve("reconciliation.csv");

        // when
        ReconciliationTable.writeCsv(
                file,
                List.of(usage("input", ReconciliationLine.WITHIN), charge("openai/gpt-4o", "charged-above-list")));

        // then
        assertThat(Files.readAllLines(file))
                .containsExactly(
                        String.join(",", ReconciliationTable.HEADER),
                        "provider-usage,2026-11-02,openai,openai/gpt-4o,input,1000,990,10,0.25,0.2475,0.0025,1%,"
                                + "within-tolerance,,usage.csv,",
                        "provider-charge,2026-11-02,openai,openai/gpt-4o,input,,,,12.5,12.496,0.004,0.01 USD,"
                                + "charged-above-list,charge:openai:2026-11-02,costs.csv,\"list 12.496, charged 12.5\"");
    }

    private static ReconciliationLine usage(String tokenType, String verdict) {
        return new ReconciliationLine(
                ReconciliationLine.USAGE,
                DAY,
                "openai",
                "openai/gpt-4o",
                tokenType,
                1000L,
                990L,
                new BigDecimal("0.2500"),
                new BigDecimal("0.2475"),
                new BigDecimal("0.0025"),
                10L,
                "1%",
                verdict,
                null,
                "usage.csv",
                null);
    }

    private static ReconciliationLine charge(String model, String verdict) {
        return new ReconciliationLine(
                ReconciliationLine.CHARGE,
                DAY,
                "openai",
                model,
                "input",
                null,
                null,
                new BigDecimal("12.500"),
                new BigDecimal("12.496"),
                new BigDecimal("0.004"),
                null,
                "0.01 USD",
                verdict,
                "charge:openai:2026-11-02",
                "costs.csv",
                "list 12.496, charged 12.5");
    }
}
