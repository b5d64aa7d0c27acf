package io.tokentally.reconcile;

import io.tokentally.ingest.CsvTable;
import io.tokentally.shared.Amounts;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A run's provider reconciliation lines as {@code reconciliation.csv} and as a section of {@code report.html}. */
final class ReconciliationTable {

    static final List<String> HEADER = List.of(
            "check",
            "day",
            "provider",
            "model",
            "token_type",
            "provider_tokens",
            "billable_tokens",
            "difference_tokens",
            "provider_usd",
            "other_usd",
            "difference_usd",
            "tolerance",
            "verdict",
            "finding_key",
            "files",
            "evidence");

    private ReconciliationTable() {}

    static void writeCsv(Path file, List<ReconciliationLine> lines) throws IOException {
        CsvTable.write(
                file, HEADER, lines.stream().map(ReconciliationTable::row).toList());
    }

    private static List<Object> row(ReconciliationLine line) {
        List<Object> row = new ArrayList<>();
        row.add(line.check());
        row.add(line.day());
        row.add(line.provider());
        row.add(line.model());
        row.add(line.tokenType());
        row.add(orBlank(line.providerTokens()));
        row.add(orBlank(line.billableTokens()));
        row.add(orBlank(line.differenceTokens()));
        row.add(Amounts.toText(line.providerUsd()));
        row.add(Amounts.toText(line.otherUsd()));
        row.add(Amounts.toText(line.differenceUsd()));
        row.add(line.tolerance());
        row.add(line.verdict());
        row.add(line.findingKey() == null ? "" : line.findingKey());
        row.add(line.files());
        row.add(line.evidence() == null ? "" : line.evidence());
        return row;
    }

    /** The section: keys outside tolerance first, then a count of those within it. */
    static void appendHtml(StringBuilder html, List<ReconciliationLine> lines) {
        html.append("<h2>Provider reconciliation</h2>");
        if (lines.isEmpty()) {
            html.append("<p>No cost-role source or cost export covers the window.</p>");
            return;
        }
        List<ReconciliationLine> outside = lines.stream()
                .filter(line -> !line.verdict().equals(ReconciliationLine.WITHIN))
                .toList();
        html.append("<p>")
                .append(lines.size())
                .append(" keys compared, ")
                .append(outside.size())
                .append(" outside tolerance (reconciliation.csv has them all).</p>");
        if (outside.isEmpty()) {
            return;
        }
        appendOutsideTable(html, outside);
    }

    /** The table of the keys outside tolerance, at most {@code TABLE_LINES} of them. */
    private static void appendOutsideTable(StringBuilder html, List<ReconciliationLine> outside) {
        html.append("<table><tr><th>check</th><th>day</th><th>model</th><th>token type</th><th>provider tokens</th>"
                + "<th>billable tokens</th><th>provider $</th><th>other $</th><th>difference $</th><th>verdict</th>"
                + "</tr>");
        for (ReconciliationLine line : outside.subList(0, Math.min(outside.size(), ReconciliationReport.TABLE_LINES))) {
            appendRow(html, line);
        }
        html.append("</table>");
    }

    /** One key outside tolerance as a table row. */
    private static void appendRow(StringBuilder html, ReconciliationLine line) {
        html.append("<tr class=\"neg\"><td>")
                .append(ReconciliationReport.escape(line.check()))
                .append("</td><td>")
                .append(line.day())
                .append("</td><td>")
                .append(ReconciliationReport.escape(line.model()))
                .append("</td><td>")
                .append(ReconciliationReport.escape(line.tokenType()))
                .append("</td><td>")
                .append(orBlank(line.providerTokens()))
                .append("</td><td>")
                .append(orBlank(line.billableTokens()))
                .append("</td><td>")
                .append(usd(line.providerUsd()))
                .append("</td><td>")
                .append(usd(line.otherUsd()))
                .append("</td><td>")
                .append(usd(line.differenceUsd()))
                .append("</td><td>")
                .append(ReconciliationReport.escape(line.verdict()))
                .append("</td></tr>");
    }

    /** Exact to the cent's hundredth: reconciliation differences are often fractions of a cent. */
    private static String usd(BigDecimal amount) {
        return Amounts.toText(amount);
    }

    private static Object orBlank(Long value) {
        return value == null ? "" : value;
    }
}
