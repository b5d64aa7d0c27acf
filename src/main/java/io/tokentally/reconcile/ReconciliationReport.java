package io.tokentally.reconcile;

import io.tokentally.ingest.RejectRepository;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.UsageWindow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Writes a run's {@code margin.csv} (every customer, model and day of the window),
 * {@code margin-period.csv} (every customer and model over its billing period to date),
 * {@code reconciliation.csv} (every key the provider reconciliation compared) and a
 * self-contained {@code report.html} (no external assets: totals, an inline SVG chart of daily cost,
 * billed amount and margin over the last 30 days, the largest lines and the run's findings).
 */
@Component
public class ReconciliationReport {

    static final int CHART_DAYS = 30;
    static final int TABLE_LINES = 200;

    private final MarginRepository margins;
    private final FindingRepository findings;
    private final CustomerRepository customers;
    private final ReconciliationLineRepository reconciliationLines;
    private final ReconcileDays reconcileDays;

    ReconciliationReport(
            MarginRepository margins,
            FindingRepository findings,
            CustomerRepository customers,
            ReconciliationLineRepository reconciliationLines,
            ReconcileDays reconcileDays) {
        this.margins = margins;
        this.findings = findings;
        this.customers = customers;
        this.reconciliationLines = reconciliationLines;
        this.reconcileDays = reconcileDays;
    }

    /**
     * Drops the margin lines the run's reconcile step kept for {@link #write}, once the run has completed and its
     * report is written; a run that failed keeps them for its restart's report.
     */
    public void forgetStoredLines(long run) {
        margins.forget(run);
    }

    public void write(Path folder, long run, String title, UsageWindow window, RejectRepository.RunRejects rejected)
            throws IOException {
        SortedMap<LocalDate, List<MarginLine>> read = linesOfRun(run, window);
        SortedSet<LocalDate> days = new TreeSet<>(read.keySet());
        List<MarginLine> lines = new ArrayList<>();
        read.values().forEach(lines::addAll);
        MarginTable.writeCsv(folder.resolve("margin.csv"), lines);
        Map<String, BillingCycle> cycles = new HashMap<>();
        customers.findAll().forEach((id, customer) -> cycles.put(id, customer.cycle()));
        MarginTable.writePeriodCsv(
                folder.resolve("margin-period.csv"),
                margins.periodToDate(
                        days,
                        window.to().isAfter(lastEnd(days)) ? window.to() : lastEnd(days),
                        lines.stream().map(MarginLine::customerId).collect(Collectors.toSet()),
                        cycles,
                        read));
        List<ReconciliationLine> reconciled = reconciliationLines.ofRun(run);
        ReconciliationTable.writeCsv(folder.resolve("reconciliation.csv"), reconciled);
        List<MarginLine> chart =
                byDay(margins.daily(window.to().minus(Duration.ofDays(CHART_DAYS)), window.to(), read));
        Files.writeString(
                folder.resolve("report.html"),
                html(title, window, lines, chart, reconciled, run, rejected),
                StandardCharsets.UTF_8);
    }

    /**
     * The days and lines the run's reconcile step kept, by day; computed here only when the step did not run.
     */
    private SortedMap<LocalDate, List<MarginLine>> linesOfRun(long run, UsageWindow window) {
        SortedMap<LocalDate, List<MarginLine>> read = margins.stored(run);
        if (read.isEmpty()) {
            SortedSet<LocalDate> days = reconcileDays.of(window, run);
            days.forEach(day -> read.put(day, new ArrayList<>()));
            margins.daily(days).forEach(line -> read.get(line.day()).add(line));
        }
        return read;
    }

    private String html(
            String title,
            UsageWindow window,
            List<MarginLine> lines,
            List<MarginLine> days,
            List<ReconciliationLine> reconciled,
            long run,
            RejectRepository.RunRejects rejected) {
        StringBuilder html = head(title, window, sum(lines, null));
        html.append(MarginChart.svg(days));
        MarginTable.appendHtml(html, lines);
        ReconciliationTable.appendHtml(html, reconciled);
        appendFindings(html, findings.storedOfRun(run));
        RejectsTable.appendHtml(html, rejected);
        return html.append("</body></html>\n").toString();
    }

    /** The page up to the chart: title, window, the totals over every line and the chart's heading. */
    private static StringBuilder head(String title, UsageWindow window, MarginLine total) {
        return new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child"
                        + "{text-align:left}.neg{color:#b00}</style></head><body>")
                .append("<h1>")
                .append(escape(title))
                .append("</h1><p>Window ")
                .append(window.from())
                .append(" to ")
                .append(window.to())
                .append("</p><p>Provider cost (actual where a cost export covers the usage, list price otherwise) <b>$")
                .append(money(total.costUsd()))
                .append("</b>, billed <b>$")
                .append(money(total.billedUsd()))
                .append("</b>, margin <b>$")
                .append(money(total.marginUsd()))
                .append("</b>")
                .append(
                        total.marginPercent() == null
                                ? ""
                                : " (" + total.marginPercent().toPlainString() + "%)")
                .append("</p><h2>Last ")
                .append(CHART_DAYS)
                .append(" days</h2>");
    }

    /** The findings the run raised or saw again so far, with their status (an acknowledged one stays so). */
    private static void appendFindings(StringBuilder html, List<FindingRepository.Stored> found) {
        html.append("<h2>Findings of this run</h2>");
        if (found.isEmpty()) {
            html.append("<p>None.</p>");
            return;
        }
        html.append("<table><tr><th>severity</th><th>status</th><th>kind</th><th>message</th><th>evidence</th></tr>");
        for (FindingRepository.Stored finding : found) {
            html.append("<tr><td>")
                    .append(finding.severity())
                    .append("</td><td>")
                    .append(finding.status())
                    .append("</td><td>")
                    .append(escape(finding.kind()))
                    .append("</td><td style=\"text-align:left\">")
                    .append(escape(finding.message()))
                    .append("</td><td style=\"text-align:left\"><code>")
                    .append(finding.evidence() == null ? "" : escape(Evidence.format(finding.evidence())))
                    .append("</code></td></tr>");
        }
        html.append("</table>");
    }

    /** The end of the last of these days. */
    private static Instant lastEnd(SortedSet<LocalDate> days) {
        return days.last().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Totals per day over every customer and model. */
    static List<MarginLine> byDay(List<MarginLine> lines) {
        Map<LocalDate, List<MarginLine>> days = new TreeMap<>();
        lines.forEach(line ->
                days.computeIfAbsent(line.day(), day -> new ArrayList<>()).add(line));
        return days.entrySet().stream()
                .map(day -> sum(day.getValue(), day.getKey()))
                .toList();
    }

    private static MarginLine sum(List<MarginLine> lines, LocalDate day) {
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal billed = BigDecimal.ZERO;
        for (MarginLine line : lines) {
            cost = cost.add(line.costUsd());
            billed = billed.add(line.billedUsd());
        }
        return new MarginLine("*", "*", day, cost, billed);
    }

    static String money(BigDecimal amount) {
        return Amounts.toMinorUnit(amount).toPlainString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
