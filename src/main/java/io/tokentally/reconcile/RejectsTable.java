package io.tokentally.reconcile;

import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.RejectRepository.RejectedLine;
import java.util.List;
import java.util.Map;

/** A run's rejected rows as a section of {@code report.html}: how many per reason, and the first of them. */
final class RejectsTable {

    private RejectsTable() {}

    static void appendHtml(StringBuilder html, RejectRepository.RunRejects rejected) {
        Map<String, Long> byReason = rejected.byReason();
        List<RejectedLine> first = rejected.first();
        html.append("<h2>Rejected rows of this run</h2>");
        if (byReason.isEmpty()) {
            html.append("<p>None.</p>");
            return;
        }
        long total = byReason.values().stream().mapToLong(Long::longValue).sum();
        appendCountsByReason(html, byReason);
        if (total > first.size()) {
            html.append("<p>The first ")
                    .append(first.size())
                    .append(" of ")
                    .append(total)
                    .append(" rows by file and line; rejects.csv has them all, with their raw lines.</p>");
        }
        appendLines(html, first);
    }

    private static void appendCountsByReason(StringBuilder html, Map<String, Long> byReason) {
        html.append("<table><tr><th>reason</th><th>rows</th></tr>");
        byReason.forEach((reason, rows) -> html.append("<tr><td>")
                .append(ReconciliationReport.escape(reason))
                .append("</td><td>")
                .append(rows)
                .append("</td></tr>"));
        html.append("</table>");
    }

    private static void appendLines(StringBuilder html, List<RejectedLine> lines) {
        html.append("<table><tr><th>file</th><th>line</th><th>reason</th><th>message</th></tr>");
        for (RejectedLine line : lines) {
            html.append("<tr><td>")
                    .append(ReconciliationReport.escape(line.file()))
                    .append("</td><td>")
                    .append(line.lineNo())
                    .append("</td><td>")
                    .append(ReconciliationReport.escape(line.reasonCode()))
                    .append("</td><td style=\"text-align:left\">")
                    .append(ReconciliationReport.escape(line.message()))
                    .append("</td></tr>");
        }
        html.append("</table>");
    }
}
