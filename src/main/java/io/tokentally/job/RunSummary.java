package io.tokentally.job;

import io.tokentally.ingest.RunFileOutcome;
import io.tokentally.ingest.UsageFormat;
import io.tokentally.reconcile.Finding;
import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;

/** The short human summary of a run, made from its {@code report.json}. */
public final class RunSummary {

    private RunSummary() {}

    public static String read(Path runFolder) {
        Path file = runFolder.resolve("report.json");
        if (!Files.exists(file)) {
            return "No report was written (" + file + " is missing).\n";
        }
        return format(RunReportListener.JSON.readTree(file.toFile()));
    }

    /** A JSON object of counts as {@code KEY n, KEY m}, each key as {@code name} says it; empty when it has none. */
    private static String listed(JsonNode counts, UnaryOperator<String> name) {
        StringBuilder listed = new StringBuilder();
        for (Map.Entry<String, JsonNode> entry : counts.properties()) {
            listed.append(listed.isEmpty() ? "" : ", ")
                    .append(name.apply(entry.getKey()))
                    .append(' ')
                    .append(entry.getValue().asLong());
        }
        return listed.toString();
    }

    static String format(JsonNode report) {
        StringBuilder out = new StringBuilder();
        JsonNode counts = report.get("counts");
        appendHeader(report, out);
        appendRows(counts, out);
        appendFiles(report, counts, out);
        appendBilledUsage(report, counts, out);
        appendHeld(report, out);
        appendStripe(report.get("stripe"), out);
        appendFindings(report.get("findings"), out);
        appendTopCustomers(report.get("top_customers"), out);
        appendFailures(report, out);
        return out.toString();
    }

    /** The run's job, window, status and execution id, and for one that did not complete, that it ended early. */
    private static void appendHeader(JsonNode report, StringBuilder out) {
        out.append(String.format(
                "%s %s..%s: %s (execution %s)%n",
                report.get("job").asString(),
                report.get("window").get("from").asString(),
                report.get("window").get("to").asString(),
                report.get("status").asString(),
                report.get("executionId").asString()));
        String status = report.get("status").asString();
        if (status.equals("STOPPED") || status.equals("FAILED")) {
            out.append("  (it ended before its last step: the figures below are what it had done by then)\n");
        }
    }

    /** The row counts, and the rejected rows by reason if there are any. */
    private static void appendRows(JsonNode counts, StringBuilder out) {
        out.append(String.format(
                "  rows: read %,d  accepted %,d  rejected %,d  duplicates %,d  unattributed %,d  error rows %,d%n",
                counts.get("read").asLong(),
                counts.get("accepted").asLong(),
                counts.get("rejected").asLong(),
                counts.get("duplicates").asLong(),
                counts.get("unattributed").asLong(),
                counts.get("error_rows").asLong()));
        // a run with rejects exits 0, and the counts alone do not say where to look
        String byReason = listed(counts.path("rejected_by_reason"), UnaryOperator.identity());
        if (!byReason.isEmpty()) {
            out.append(String.format("  rejected rows (file, line, reason and text in rejects.csv): %s%n", byReason));
        }
    }

    /**
     * The file counts, how many files this run read have an input count not split (a file already ingested keeps the
     * detail of the run that read it), and the export buckets newer numbers replaced.
     */
    private static void appendFiles(JsonNode report, JsonNode counts, StringBuilder out) {
        String files = listed(counts.get("files"), key -> key.replace('_', ' '));
        out.append("  files: ").append(files.isEmpty() ? "none" : files).append('\n');
        long unsplit = 0;
        for (JsonNode file : report.path("files")) {
            JsonNode detail = file.get("detail");
            boolean readNow = !RunFileOutcome.ALREADY_INGESTED
                    .name()
                    .equals(file.path("outcome").asString());
            unsplit += readNow && detail != null && detail.asString().contains(UsageFormat.NOT_SPLIT) ? 1 : 0;
        }
        if (unsplit > 0) {
            out.append(String.format(
                    "  files whose input count holds cache tokens it cannot split, billed as plain input: %,d"
                            + " (report.json files' detail)%n",
                    unsplit));
        }
        JsonNode replaced = counts.get("snapshot_buckets_replaced");
        if (replaced != null && replaced.asLong() > 0) {
            out.append(String.format(
                    "  export buckets replaced by newer numbers: %,d (report.json snapshot_changes)%n",
                    replaced.asLong()));
        }
    }

    /** The billed usage: tokens, provider cost and billed amount of the totals, and the hours rated. */
    private static void appendBilledUsage(JsonNode report, JsonNode counts, StringBuilder out) {
        BigDecimal cost = BigDecimal.ZERO;
        BigDecimal billed = BigDecimal.ZERO;
        long tokens = 0;
        for (JsonNode total : report.get("totals")) {
            cost = cost.add(new BigDecimal(total.get("cost_usd").asString()));
            billed = billed.add(new BigDecimal(total.get("billed_usd").asString()));
            tokens += total.get("tokens").asLong();
        }
        long outside = counts.has("hours_outside_window")
                ? counts.get("hours_outside_window").asLong()
                : 0;
        out.append(String.format(
                "  billed usage: %,d tokens, provider cost $%s, billed $%s (%s rated%s, %d aggregates changed)%n",
                tokens,
                Amounts.toMinorUnit(cost).toPlainString(),
                Amounts.toMinorUnit(billed).toPlainString(),
                counted(counts.get("rated_hours").asLong(), "hour"),
                // hours its files or held usage reach outside the date: why a rerun of the date alone totals less
                outside > 0 ? ", " + outside + " of them outside the date" : "",
                counts.get("aggregates_changed").asLong()));
    }

    /** The tokens held back for want of a price and their models, if any were. */
    private static void appendHeld(JsonNode report, StringBuilder out) {
        if (report.has("held") && !report.get("held").isEmpty()) {
            long held = 0;
            TreeSet<String> models = new TreeSet<>();
            for (JsonNode row : report.get("held")) {
                held += row.get("tokens").asLong();
                models.add(row.get("model").asString());
            }
            out.append(String.format(
                    "  held back, no price at their time or for their tier (not billed; billed once a price exists): %,d"
                            + " tokens of %s%n",
                    held, String.join(", ", models)));
        }
    }

    /** What the upload step sent to Stripe, or on a dry run what it would send. */
    private static void appendStripe(JsonNode stripe, StringBuilder out) {
        if (stripe.get("dry_run").asBoolean()) {
            appendDryRun(stripe, out);
        } else {
            out.append(String.format(
                    "  stripe: %,d meter events sent, %,d already delivered, %,d invoice items for late usage%s,"
                            + " %,d rejected, %,d uncertain, %,d still pending%n",
                    stripe.get("meter_events_sent").asLong(),
                    stripe.get("meter_events_already_sent").asLong(),
                    stripe.get("invoice_items_sent").asLong(),
                    stripe.path("invoice_items_found_in_stripe").asLong() == 0
                            ? ""
                            : String.format(
                                    " (and %,d an earlier call had sent, found in Stripe)",
                                    stripe.get("invoice_items_found_in_stripe").asLong()),
                    stripe.get("failed").asLong(),
                    stripe.get("uncertain").asLong(),
                    stripe.get("pending").asLong()));
            appendCreditGrants(stripe, out);
        }
    }

    /**
     * A live run's credit grant rows, on a line of their own when it had any (a report of a version before these
     * counts has none).
     */
    private static void appendCreditGrants(JsonNode stripe, StringBuilder out) {
        long created = stripe.path("credit_grants_sent").asLong();
        long voided = stripe.path("credit_grant_voids_sent").asLong();
        long expired = stripe.path("credit_grant_expires_sent").asLong();
        long found = stripe.path("credit_grant_rows_found_in_stripe").asLong();
        long neverArrived = stripe.path("credit_grants_never_arrived").asLong();
        if (created + voided + expired + found + neverArrived == 0) {
            return;
        }
        out.append(String.format(
                "  credit grants: %,d created, %,d voided, %,d expired; %s an earlier call had sent found in Stripe,"
                        + " %,d never arrived%n",
                created, voided, expired, counted(found, "row"), neverArrived));
    }

    /** A dry run's Stripe line: the requests file, an empty outbox, or requests the run ended before writing. */
    private static void appendDryRun(JsonNode stripe, StringBuilder out) {
        if (stripe.has("requests_file")) {
            out.append(String.format(
                    "  stripe: dry run (no STRIPE_API_KEY); the %s it would send, earlier runs' unsent ones"
                            + " included, are in %s%n",
                    counted(stripe.get("pending").asLong(), "request"),
                    stripe.get("requests_file").asString()));
        } else if (stripe.get("pending").asLong() == 0) {
            out.append("  stripe: dry run (no STRIPE_API_KEY); the outbox holds nothing to send")
                    .append(
                            stripe.path("upload_step_completed").asBoolean(true)
                                    ? ""
                                    : ": the run ended before its upload step completed")
                    .append('\n');
        } else {
            out.append(String.format(
                    "  stripe: dry run (no STRIPE_API_KEY); %,d requests wait in the outbox, none written:"
                            + " the run ended before its upload step%n",
                    stripe.get("pending").asLong()));
        }
    }

    /** The top customers by billed amount, with their billed amount and cost, if there are any. */
    private static void appendTopCustomers(JsonNode topCustomers, StringBuilder out) {
        if (!topCustomers.isEmpty()) {
            out.append("  top customers by billed amount:\n");
            for (JsonNode customer : topCustomers) {
                out.append(String.format(
                        "    %-24s billed $%s  cost $%s%n",
                        customer.get("customer_id").asString(),
                        Amounts.toMinorUnit(new BigDecimal(
                                        customer.get("billed_usd").asString()))
                                .toPlainString(),
                        Amounts.toMinorUnit(
                                        new BigDecimal(customer.get("cost_usd").asString()))
                                .toPlainString()));
            }
        }
    }

    /** One line for each failure the run reported. */
    private static void appendFailures(JsonNode report, StringBuilder out) {
        if (report.has("failures")) {
            for (JsonNode failure : report.get("failures")) {
                out.append("  failure: ").append(failure.asString()).append('\n');
            }
        }
    }

    /** {@code 1 hour}, {@code 2 hours}, {@code 1,000 hours}. */
    private static String counted(long count, String noun) {
        return String.format("%,d %s%s", count, noun, count == 1 ? "" : "s");
    }

    /**
     * The run's findings by severity, most urgent first, and kind: "1 error (NEGATIVE_MARGIN 1), 2 warnings (...)";
     * those that are not open (acknowledged by someone, or resolved since the run saw them; neither makes the run exit
     * 4) after the open ones, each status on its own: "none open; acknowledged: 1 error (UNFINISHED_RUN 1)". A report
     * without statuses (older) counts all as open.
     */
    private static void appendFindings(JsonNode findings, StringBuilder out) {
        if (findings == null || findings.isEmpty()) {
            return;
        }
        Map<String, List<JsonNode>> byStatus = new TreeMap<>();
        List<JsonNode> open = new ArrayList<>();
        for (JsonNode finding : findings) {
            String status = finding.has("status") ? finding.get("status").asString() : "OPEN";
            if (status.equals("OPEN")) {
                open.add(finding);
            } else {
                byStatus.computeIfAbsent(status.toLowerCase(Locale.ROOT), s -> new ArrayList<>())
                        .add(finding);
            }
        }
        StringBuilder line = new StringBuilder(open.isEmpty() ? "none open" : bySeverity(open));
        byStatus.forEach(
                (status, some) -> line.append("; ").append(status).append(": ").append(bySeverity(some)));
        out.append("  findings: ").append(line).append("; see report.json or 'tokentally findings list'\n");
    }

    /** "1 error (NEGATIVE_MARGIN 1), 2 warnings (CONFLICTING_DUPLICATE 1, UNATTRIBUTED_USAGE 1)". */
    private static String bySeverity(List<JsonNode> findings) {
        Map<Finding.Severity, Map<String, Integer>> bySeverity = new TreeMap<>(Comparator.reverseOrder());
        for (JsonNode finding : findings) {
            bySeverity
                    .computeIfAbsent(
                            Finding.Severity.valueOf(finding.get("severity").asString()), severity -> new TreeMap<>())
                    .merge(finding.get("kind").asString(), 1, Integer::sum);
        }
        StringBuilder line = new StringBuilder();
        bySeverity.forEach((severity, kinds) -> {
            int count = kinds.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder byKind = new StringBuilder();
            kinds.forEach((kind, n) -> byKind.append(byKind.isEmpty() ? "" : ", ")
                    .append(kind)
                    .append(' ')
                    .append(n));
            line.append(line.isEmpty() ? "" : ", ")
                    .append(count)
                    .append(' ')
                    .append(severity.name().toLowerCase(Locale.ROOT))
                    .append(count == 1 || severity == Finding.Severity.INFO ? "" : "s")
                    .append(" (")
                    .append(byKind)
                    .append(')');
        });
        return line.toString();
    }
}
