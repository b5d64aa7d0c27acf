package io.tokentally.job;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import io.tokentally.job.RunTotalsRepository.Total;
import io.tokentally.rating.HeldUsage;
import io.tokentally.rating.HeldUsageRepository;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.UsageWindow;
import io.tokentally.stripe.OutboxRepository;
import io.tokentally.stripe.OutboxRow;
import io.tokentally.stripe.StripeProperties;
import io.tokentally.stripe.UploadStepConfiguration;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.stereotype.Component;

/** The content of a run's {@code report.json}: counts, totals, held usage, files, Stripe and findings. */
@Component
class RunReportJson {

    private final FileRegistry files;
    private final RunTotalsRepository totals;
    private final OutboxRepository outbox;
    private final FindingRepository findings;
    private final StripeProperties stripe;
    private final HeldUsageRepository heldUsage;

    RunReportJson(
            FileRegistry files,
            RunTotalsRepository totals,
            OutboxRepository outbox,
            FindingRepository findings,
            StripeProperties stripe,
            HeldUsageRepository heldUsage) {
        this.files = files;
        this.totals = totals;
        this.outbox = outbox;
        this.findings = findings;
        this.stripe = stripe;
        this.heldUsage = heldUsage;
    }

    /** @param executions every execution of the run, this one included */
    Map<String, Object> of(
            JobExecution execution,
            long run,
            UsageWindow window,
            Map<String, Long> uploads,
            Path folder,
            List<JobExecution> executions,
            Map<String, Long> rejectedByReason) {
        List<RunFile> runFiles = files.filesOfRun(run);
        RunTotalsRepository.RunTotals rated = totals.totals(run, window);
        Map<String, Object> report = header(execution, window);
        List<Map<String, Object>> snapshotChanges = totals.snapshotChanges(run);
        Map<String, Object> counts = counts(runFiles, run, window, rated.aggregatesChanged());
        counts.put("rejected_by_reason", rejectedByReason);
        counts.put("snapshot_buckets_replaced", snapshotChanges.size());
        report.put("counts", counts);
        putTotals(report, run, rated);
        report.put("files", runFiles.stream().map(RunReportJson::fileJson).toList());
        report.put("snapshot_changes", snapshotChanges);
        report.put("stripe", stripe(run, uploads, folder, uploaded(executions)));
        report.put(
                "findings",
                findings.storedOfRun(run).stream()
                        .map(RunReportJson::findingJson)
                        .toList());
        putFailures(report, execution);
        return report;
    }

    /** Adds the billed and unattributed totals, the usage held for want of a price, and the top customers. */
    private void putTotals(Map<String, Object> report, long run, RunTotalsRepository.RunTotals rated) {
        List<Total> billed = rated.billed();
        List<Total> unattributed = rated.unattributed();
        report.put("totals", billed.stream().map(Total::toJson).toList());
        report.put("unattributed", unattributed.stream().map(Total::toJson).toList());
        report.put(
                "held",
                perHour(heldUsage.heldBy(run)).stream()
                        .map(RunReportJson::heldJson)
                        .toList());
        report.put("top_customers", topCustomers(billed));
    }

    /** Adds the messages of the run's failures, if it had any ({@link RunFailures}). */
    private static void putFailures(Map<String, Object> report, JobExecution execution) {
        List<String> failures = RunFailures.of(execution);
        if (!failures.isEmpty()) {
            report.put("failures", failures);
        }
    }

    private static boolean uploaded(List<JobExecution> executions) {
        return executions.stream()
                .anyMatch(earlier ->
                        EarlierStepOutputs.completed(earlier, UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP));
    }

    /** job, executionId, status, exitCode and window. */
    private static Map<String, Object> header(JobExecution execution, UsageWindow window) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("job", RunReportListener.JOB_NAME);
        report.put("executionId", execution.getId());
        report.put("status", execution.getStatus().name());
        report.put("exitCode", execution.getExitStatus().getExitCode());
        Map<String, Object> windowJson = new LinkedHashMap<>();
        windowJson.put("from", window.from().toString());
        windowJson.put("to", window.to().toString());
        report.put("window", windowJson);
        return report;
    }

    /**
     * The count a file goes in: its outcome, except that content registered before and never read (no reader
     * claimed it, or one refused it) is {@code seen_before_unread}, and content another run registered and has not
     * read yet is {@code left_to_unfinished_run}, not {@code already_ingested}.
     */
    private static String outcomeCount(RunFile file) {
        if (file.outcome() == RunFileOutcome.ALREADY_INGESTED && file.status().unread()) {
            return "seen_before_unread";
        }
        if (file.outcome() == RunFileOutcome.ALREADY_INGESTED && file.status() == FileStatus.PENDING) {
            return "left_to_unfinished_run";
        }
        return file.outcome().name().toLowerCase(Locale.ROOT);
    }

    private Map<String, Object> counts(List<RunFile> runFiles, long run, UsageWindow window, long aggregatesChanged) {
        long read = 0, accepted = 0, rejected = 0, duplicates = 0, unattributed = 0, errors = 0;
        Map<String, Long> byOutcome = new TreeMap<>();
        for (RunFile file : runFiles) {
            byOutcome.merge(outcomeCount(file), 1L, Long::sum);
            if (file.outcome() == RunFileOutcome.ALREADY_INGESTED) {
                continue;
            }
            byOutcome.merge("status_" + file.status().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
            read += file.rowsRead();
            accepted += file.rowsAccepted();
            rejected += file.rowsRejected();
            duplicates += file.rowsDuplicate();
            // as the UNATTRIBUTED_USAGE findings count them: a cost source's rows are never billed
            unattributed += file.role().bills() ? file.rowsUnattributed() : 0;
            errors += file.rowsError();
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("read", read);
        counts.put("accepted", accepted);
        counts.put("rejected", rejected);
        counts.put("duplicates", duplicates);
        counts.put("unattributed", unattributed);
        counts.put("error_rows", errors);
        counts.put("files", byOutcome);
        RunTotalsRepository.RatedHourCounts hours = totals.ratedHours(run, window);
        counts.put("rated_hours", hours.rated());
        counts.put("hours_outside_window", hours.outsideWindow());
        counts.put("aggregates_changed", aggregatesChanged);
        return counts;
    }

    private static List<Map<String, Object>> topCustomers(List<Total> billed) {
        Map<String, BigDecimal[]> byCustomer = new TreeMap<>();
        for (Total total : billed) {
            BigDecimal[] sums = byCustomer.computeIfAbsent(
                    total.customerId(), id -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sums[0] = sums[0].add(total.costUsd());
            sums[1] = sums[1].add(total.billedUsd());
        }
        List<Map.Entry<String, BigDecimal[]>> entries = new ArrayList<>(byCustomer.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<String, BigDecimal[]> e) -> e.getValue()[1])
                .reversed());
        return entries.stream()
                .limit(10)
                .map(e -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("customer_id", e.getKey());
                    json.put("cost_usd", Amounts.toText(e.getValue()[0]));
                    json.put("billed_usd", Amounts.toText(e.getValue()[1]));
                    return json;
                })
                .toList();
    }

    private static Map<String, Object> fileJson(RunFile file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", file.source());
        json.put("path", file.path());
        json.put("outcome", file.outcome().name());
        json.put("format", file.format());
        json.put("status", file.status().name());
        if (file.detail() != null) {
            json.put("detail", file.detail());
        }
        json.put("read", file.rowsRead());
        json.put("accepted", file.rowsAccepted());
        json.put("rejected", file.rowsRejected());
        json.put("duplicates", file.rowsDuplicate());
        json.put("unattributed", file.rowsUnattributed());
        json.put("error_rows", file.rowsError());
        return json;
    }

    /** A dry run names its requests file only when the upload step wrote it: a run that stopped before has none. */
    private Map<String, Object> stripe(long run, Map<String, Long> uploads, Path folder, boolean uploaded) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dry_run", stripe.dryRun());
        json.put("upload_step_completed", uploaded);
        json.put("meter_events_sent", uploads.getOrDefault("METER_EVENT:DELIVERED", 0L));
        json.put("meter_events_already_sent", uploads.getOrDefault("METER_EVENT:ALREADY_DELIVERED", 0L));
        json.put("credit_grants_sent", sent(uploads, OutboxRow.Kind.CREDIT_GRANT));
        json.put("credit_grant_voids_sent", sent(uploads, OutboxRow.Kind.CREDIT_GRANT_VOID));
        json.put("credit_grant_expires_sent", sent(uploads, OutboxRow.Kind.CREDIT_GRANT_EXPIRE));
        json.put(
                "credit_grant_rows_found_in_stripe",
                uploads.getOrDefault("CREDIT_GRANT:FOUND_IN_STRIPE", 0L)
                        + uploads.getOrDefault("CREDIT_GRANT_VOID:FOUND_IN_STRIPE", 0L)
                        + uploads.getOrDefault("CREDIT_GRANT_EXPIRE:FOUND_IN_STRIPE", 0L));
        json.put("credit_grants_never_arrived", ofOutcome(uploads, "NEVER_ARRIVED"));
        json.put("invoice_items_sent", sent(uploads, OutboxRow.Kind.INVOICE_ITEM));
        json.put("invoice_items_found_in_stripe", uploads.getOrDefault("INVOICE_ITEM:FOUND_IN_STRIPE", 0L));
        json.put("failed", rejectedUploads(uploads));
        json.put("uncertain", ofOutcome(uploads, "UNCERTAIN"));
        json.put("pending", uploads.getOrDefault("PENDING", 0L));
        if (stripe.dryRun() && Files.exists(folder.resolve(UploadStepConfiguration.DRY_RUN_FILE))) {
            json.put("requests_file", UploadStepConfiguration.DRY_RUN_FILE);
        }
        json.put(
                "late_usage_invoice_items",
                outbox.invoiceItemsOfRun(run).stream()
                        .map(RunReportJson::lateUsageInvoiceItemJson)
                        .toList());
        return json;
    }

    /** The rows of a kind Stripe took from this run, in one call or as a repeat of a call it had kept. */
    private static long sent(Map<String, Long> uploads, OutboxRow.Kind kind) {
        return uploads.getOrDefault(kind + ":DELIVERED", 0L) + uploads.getOrDefault(kind + ":ALREADY_DELIVERED", 0L);
    }

    /** The rows of every kind the run left with this outcome (or state). */
    private static long ofOutcome(Map<String, Long> uploads, String outcome) {
        return uploads.entrySet().stream()
                .filter(entry -> entry.getKey().endsWith(":" + outcome))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static Map<String, Object> lateUsageInvoiceItemJson(OutboxRow row) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("customer_id", row.customerId());
        item.put("meter", row.meter());
        item.put("window_start", row.windowStart().toString());
        item.put("value_micros", row.valueMicros());
        item.put("identifier", row.identifier());
        item.put("state", row.state().name());
        return item;
    }

    /** The rows of every kind Stripe refused, voids and expires of grants included. */
    static long rejectedUploads(Map<String, Long> uploads) {
        return ofOutcome(uploads, "REJECTED");
    }

    /**
     * The held usage summed per hour across its price epochs (usage held for its tier keeps one per minute), with the
     * reason of its earliest.
     */
    private static List<HeldUsage> perHour(List<HeldUsage> held) {
        List<HeldUsage> summed = new ArrayList<>();
        for (HeldUsage usage : held) {
            int last = summed.size() - 1;
            if (last >= 0 && sameHour(summed.get(last), usage)) {
                summed.set(last, summed.get(last).plus(usage));
            } else {
                summed.add(usage);
            }
        }
        return summed;
    }

    /** Whether two held usages differ in their price epoch, sums and reason only. */
    private static boolean sameHour(HeldUsage a, HeldUsage b) {
        return a.hourStart().equals(b.hourStart())
                && a.customerId().equals(b.customerId())
                && a.provider().equals(b.provider())
                && a.model().equals(b.model())
                && a.tokenType() == b.tokenType()
                && a.serviceTier() == b.serviceTier()
                && a.contextTier() == b.contextTier()
                && a.attributed() == b.attributed();
    }

    private static Map<String, Object> heldJson(HeldUsage held) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("customer_id", held.customerId());
        json.put("provider", held.provider());
        json.put("model", held.model());
        json.put("token_type", held.tokenType().code());
        json.put("service_tier", held.serviceTier().code());
        json.put("context_tier", held.contextTier().code());
        json.put("hour_start", held.hourStart().toString());
        json.put("tokens", held.tokens());
        json.put("requests", held.requests());
        json.put("reason", held.reason());
        return json;
    }

    /**
     * A finding with its status: OPEN; ACKNOWLEDGED by someone; or RESOLVED since the run saw it (by the run's restart,
     * which sent what it could not, say).
     */
    private static Map<String, Object> findingJson(FindingRepository.Stored finding) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", finding.key());
        json.put("kind", finding.kind());
        json.put("severity", finding.severity().name());
        json.put("status", finding.status());
        json.put("message", finding.message());
        if (finding.evidence() != null) {
            json.put("evidence", finding.evidence());
        }
        return json;
    }
}
