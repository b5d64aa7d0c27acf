package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.RejectRepository.RejectedLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RejectsTableTests {

    @Test
    void listsTheCountPerReasonAndTheRowsShownOfAllEscaped() {
        // given: three rejected rows, one shown
        Map<String, Long> byReason = new LinkedHashMap<>();
        byReason.put("NEGATIVE_NUMBER", 2L);
        byReason.put("MALFORMED_ROW", 1L);
        List<RejectedLine> lines = List.of(
                new RejectedLine("usage/a<b>.csv", 7, "NEGATIVE_NUMBER", "input_tokens is negative: -1", "r1,...,-1"));
        StringBuilder html = new StringBuilder();

        // when
        RejectsTable.appendHtml(html, new RejectRepository.RunRejects(byReason, lines));

        // then
        assertThat(html.toString())
                .isEqualTo("<h2>Rejected rows of this run</h2><table><tr><th>reason</th><th>rows</th></tr>"
                        + "<tr><td>NEGATIVE_NUMBER</td><td>2</td></tr><tr><td>MALFORMED_ROW</td><td>1</td></tr>"
                        + "</table><p>The first 1 of 3 rows by file and line; rejects.csv has them all, with their raw"
                        + " lines.</p><table><tr><th>file</th><th>line</th><th>reason</th><th>message</th></tr>"
                        + "<tr><td>usage/a&lt;b&gt;.csv</td><td>7</td><td>NEGATIVE_NUMBER</td>"
                        + "<td style=\"text-align:left\">input_tokens is negative: -1</td></tr></table>");
    }

    @Test
    void saysNoneForARunWithoutRejectedRows() {
        // given
        StringBuilder html = new StringBuilder();

        // when
        RejectsTable.appendHtml(html, new RejectRepository.RunRejects(Map.of(), List.of()));

        // then
        assertThat(html.toString()).isEqualTo("<h2>Rejected rows of this run</h2><p>None.</p>");
    }
}
