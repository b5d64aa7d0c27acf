package io.tokentally.job;

import io.tokentally.ingest.CsvTable;
import io.tokentally.pricing.FeedPrice;
import io.tokentally.pricing.LiteLlmPriceFeed;
import io.tokentally.pricing.PriceSync;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a price sync's {@code report.json} and {@code changes.csv} into its run folder
 * ({@code <runs-dir>/price-sync/<effective date>/execution-<id>}) and POSTs the report to the
 * configured webhook. A webhook that fails is logged; the sync stands.
 */
@Component
class PriceSyncReport {

    static final String JOB_FOLDER = "price-sync";
    private static final Logger log = LoggerFactory.getLogger(PriceSyncReport.class);

    private final TokentallyProperties properties;
    private final PriceSyncProperties syncProperties;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    PriceSyncReport(TokentallyProperties properties, PriceSyncProperties syncProperties) {
        this.properties = properties;
        this.syncProperties = syncProperties;
    }

    /** Writes the report and returns its one-line summary. */
    String write(
            long executionId,
            PriceSyncParameters parameters,
            LiteLlmPriceFeed.Contents contents,
            PriceSync.Outcome outcome,
            int versionsAdded)
            throws IOException {
        Path folder = RunFolders.of(
                properties.runsDir(),
                JOB_FOLDER,
                LocalDate.ofInstant(parameters.effective(), ZoneOffset.UTC).toString(),
                executionId);
        Files.createDirectories(folder);
        Map<String, Object> json = json(executionId, parameters, contents, outcome, versionsAdded);
        String body = RunReportListener.JSON.writeValueAsString(json);
        RunFolders.writeWhole(folder.resolve("report.json"), body.getBytes(StandardCharsets.UTF_8));
        writeChanges(folder.resolve("changes.csv"), outcome.changed());
        if (!parameters.dryRun() && syncProperties.webhookUrl() != null) {
            post(body);
        }
        return summary(parameters, outcome, versionsAdded) + notes(contents) + "; report in " + folder;
    }

    static String describe(PriceSync.Change change, Instant effective) {
        String text = change.slot() + ": " + change.before().usdPerMillion().toPlainString() + " -> "
                + change.after().usdPerMillion().toPlainString() + " USD per 1M"
                + (change.percent() == null ? "" : " (" + change.percent().toPlainString() + "%)");
        if (change.thresholdChanged()) {
            Long before = change.before().longContextThreshold();
            Long after = change.after().longContextThreshold();
            text += ", long-context threshold " + (before == null ? "none" : before) + " -> "
                    + (after == null ? "none listed (" + before + " stays in force)" : after);
        }
        return text + ", from " + effective;
    }

    /**
     * How many of the feed's prices its reading left out (not a number, negative, a dollar or more a token): said in
     * the summary, which would read as a clean sync otherwise (hunt DL). Its other notes (multipliers not applied,
     * tiers not read), which a real feed always has, are left to the report.
     */
    private static String notes(LiteLlmPriceFeed.Contents contents) {
        long leftOut = contents.notes().stream()
                .filter(note -> note.endsWith(LiteLlmPriceFeed.LEFT_OUT))
                .count();
        return leftOut == 0 ? "" : "; " + leftOut + " price(s) left out (report.json notes)";
    }

    private static String summary(PriceSyncParameters parameters, PriceSync.Outcome outcome, int added) {
        return "Price sync " + parameters.name() + " at " + parameters.effective() + ": "
                + outcome.changed().size()
                + " changed, " + outcome.added().size() + " added ("
                + outcome.newModels().size() + " new models), "
                + outcome.vanishedModels().size()
                + " vanished, " + outcome.unlisted().size() + " prices no longer listed, "
                + outcome.keptOverrides().size() + " overrides kept, " + outcome.unchanged()
                + " unchanged; " + (parameters.dryRun() ? "dry run, nothing applied" : added + " versions added");
    }

    private static Map<String, Object> json(
            long executionId,
            PriceSyncParameters parameters,
            LiteLlmPriceFeed.Contents contents,
            PriceSync.Outcome outcome,
            int added) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", JOB_FOLDER);
        json.put("executionId", executionId);
        json.put(
                "feed",
                Map.of("location", parameters.feed(), "name", parameters.name(), "format", parameters.format()));
        json.put("effective", parameters.effective().toString());
        json.put("dry_run", parameters.dryRun());
        json.put("counts", counts(contents, outcome, added));
        json.put(
                "changes",
                outcome.changed().stream().map(PriceSyncReport::changeJson).toList());
        json.put("new_models", List.copyOf(outcome.newModels()));
        json.put("vanished_models", List.copyOf(outcome.vanishedModels()));
        json.put(
                "prices_no_longer_listed",
                outcome.unlisted().stream().map(FeedPrice.Slot::toString).toList());
        json.put(
                "overrides_kept",
                outcome.keptOverrides().stream().map(FeedPrice.Slot::toString).toList());
        json.put("ignored", contents.ignored());
        json.put("notes", contents.notes());
        return json;
    }

    private static Map<String, Object> counts(
            LiteLlmPriceFeed.Contents contents, PriceSync.Outcome outcome, int added) {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("feed_prices", contents.prices().size());
        counts.put("changed", outcome.changed().size());
        counts.put("added", outcome.added().size());
        counts.put("new_models", outcome.newModels().size());
        counts.put("vanished_models", outcome.vanishedModels().size());
        counts.put("prices_no_longer_listed", outcome.unlisted().size());
        counts.put("overrides_kept", outcome.keptOverrides().size());
        counts.put("unchanged", outcome.unchanged());
        counts.put("versions_added", added);
        return counts;
    }

    private static Map<String, Object> changeJson(PriceSync.Change change) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", change.slot().model());
        json.put("token_type", change.slot().tokenType().code());
        json.put("service_tier", change.slot().serviceTier().code());
        json.put("context_tier", change.slot().contextTier().code());
        json.put("old_usd_per_million", change.before().usdPerMillion().toPlainString());
        json.put("new_usd_per_million", change.after().usdPerMillion().toPlainString());
        json.put("percent", change.percent() == null ? null : change.percent().toPlainString());
        json.put("old_long_context_threshold", change.before().longContextThreshold());
        json.put("new_long_context_threshold", thresholdInForce(change));
        return json;
    }

    /** The threshold after the change: a feed that lists none leaves the last one in force, as the catalog does. */
    private static Long thresholdInForce(PriceSync.Change change) {
        Long after = change.after().longContextThreshold();
        return after != null ? after : change.before().longContextThreshold();
    }

    private static void writeChanges(Path file, List<PriceSync.Change> changes) throws IOException {
        List<List<Object>> rows = changes.stream()
                .map(change -> new ArrayList<Object>(changeJson(change).values()))
                .map(row -> (List<Object>) row)
                .toList();
        CsvTable.write(
                file,
                List.of(
                        "model",
                        "token_type",
                        "service_tier",
                        "context_tier",
                        "old_usd_per_million",
                        "new_usd_per_million",
                        "percent",
                        "old_long_context_threshold",
                        "new_long_context_threshold"),
                rows);
    }

    private void post(String body) {
        HttpRequest request = HttpRequest.newBuilder(syncProperties.webhookUrl())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                log.warn(
                        "Price sync webhook {} answered HTTP {}",
                        syncProperties.webhookUrl().getHost(),
                        response.statusCode());
            }
        } catch (IOException e) {
            log.warn(
                    "Price sync webhook {} failed: {}",
                    syncProperties.webhookUrl().getHost(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
