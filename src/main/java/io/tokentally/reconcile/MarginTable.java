package io.tokentally.reconcile;

import io.tokentally.ingest.CsvTable;
import io.tokentally.shared.Amounts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The report's margin lines: {@code margin.csv}, {@code margin-period.csv} and the HTML table of the largest. */
final class MarginTable {

    private MarginTable() {}

    /** Writes {@code margin.csv}: one row per customer, model and day. */
    static void writeCsv(Path file, List<MarginLine> lines) throws IOException {
        CsvTable.write(
                file,
                columns("customer_id", "model", "day"),
                lines.stream().map(MarginTable::csvRow).toList());
    }

    /** Writes {@code margin-period.csv}: one row per customer and model over its billing period to date. */
    static void writePeriodCsv(Path file, List<MarginRepository.PeriodMarginLine> lines) throws IOException {
        CsvTable.write(
                file,
                columns("customer_id", "model", "period_start", "period_end", "through"),
                lines.stream().map(MarginTable::csvRow).toList());
    }

    /** The section: the {@link ReconciliationReport#TABLE_LINES} largest lines by billed amount. */
    static void appendHtml(StringBuilder html, List<MarginLine> lines) {
        html.append("<h2>Margin by customer and model</h2>");
        if (lines.size() > ReconciliationReport.TABLE_LINES) {
            html.append("<p>The ")
                    .append(ReconciliationReport.TABLE_LINES)
                    .append(" largest of ")
                    .append(lines.size())
                    .append(" lines by billed amount; margin.csv has them all.</p>");
        }
        html.append("<table><tr><th>customer</th><th>model</th><th>day</th><th>cost</th><th>cost basis</th>"
                + "<th>list price</th><th>billed</th><th>margin</th><th>%</th></tr>");
        lines.stream()
                .sorted(Comparator.comparing(MarginLine::billedUsd).reversed())
                .limit(ReconciliationReport.TABLE_LINES)
                .forEach(line -> appendRow(html, line));
        html.append("</table>");
    }

    /** A line's row; a negative margin is marked. */
    private static void appendRow(StringBuilder html, MarginLine line) {
        html.append("<tr")
                .append(line.marginUsd().signum() < 0 ? " class=\"neg\"" : "")
                .append("><td>")
                .append(ReconciliationReport.escape(line.customerId()))
                .append("</td><td>")
                .append(ReconciliationReport.escape(line.model()))
                .append("</td><td>")
                .append(line.day())
                .append("</td><td>")
                .append(ReconciliationReport.money(line.costUsd()))
                .append("</td><td>")
                .append(line.costBasis())
                .append("</td><td>")
                .append(ReconciliationReport.money(line.listCostUsd()))
                .append("</td><td>")
                .append(ReconciliationReport.money(line.billedUsd()))
                .append("</td><td>")
                .append(ReconciliationReport.money(line.marginUsd()))
                .append("</td><td>")
                .append(line.marginPercent() == null ? "" : line.marginPercent().toPlainString())
                .append("</td></tr>");
    }

    /** A period line's row of margin-period.csv. */
    private static List<Object> csvRow(MarginRepository.PeriodMarginLine period) {
        MarginLine line = period.line();
        List<Object> row = new ArrayList<>();
        row.add(line.customerId());
        row.add(line.model());
        row.add(period.period().start());
        row.add(period.period().end());
        row.add(period.through());
        addAmounts(row, line);
        return row;
    }

    /** A daily line's row of margin.csv. */
    private static List<Object> csvRow(MarginLine line) {
        List<Object> row = new ArrayList<>();
        row.add(line.customerId());
        row.add(line.model());
        row.add(line.day());
        addAmounts(row, line);
        return row;
    }

    /** A margin CSV's header: {@code leading}, then the columns {@link #addAmounts} fills. */
    private static List<String> columns(String... leading) {
        List<String> header = new ArrayList<>(List.of(leading));
        header.addAll(List.of("cost_usd", "billed_usd", "margin_usd", "margin_percent", "cost_basis", "list_cost_usd"));
        return header;
    }

    /** The columns both margin CSVs end with: cost, billed, margin, margin percent, cost basis, list cost. */
    private static void addAmounts(List<Object> row, MarginLine line) {
        row.add(Amounts.toText(line.costUsd()));
        row.add(Amounts.toText(line.billedUsd()));
        row.add(Amounts.toText(line.marginUsd()));
        row.add(line.marginPercent() == null ? "" : line.marginPercent().toPlainString());
        row.add(line.costBasis());
        row.add(Amounts.toText(line.listCostUsd()));
    }
}
