package io.tokentally.job;

import io.tokentally.pricing.FeedPrice;
import io.tokentally.pricing.LiteLlmPriceFeed;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PriceSync;
import io.tokentally.pricing.PricesFile;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.StepLock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * One price sync: reads the feed, compares it with the catalog at the effective instant, adds the new
 * versions (unless it is a dry run), records the changes as findings and writes the run's report.
 */
class PriceSyncTasklet implements Tasklet {

    static final String SUMMARY = "priceSync.summary";
    private static final Logger log = LoggerFactory.getLogger(PriceSyncTasklet.class);

    private final PriceSyncParameters parameters;
    private final PriceFeedSource feeds;
    private final PriceRepository prices;
    private final FindingRepository findings;
    private final BackdatedPrices backdated;
    private final PriceSyncReport report;
    private final StepLock catalogLock;

    PriceSyncTasklet(
            PriceSyncParameters parameters,
            PriceFeedSource feeds,
            PriceRepository prices,
            FindingRepository findings,
            BackdatedPrices backdated,
            PriceSyncReport report,
            StepLock catalogLock) {
        this.parameters = parameters;
        this.feeds = feeds;
        this.prices = prices;
        this.findings = findings;
        this.backdated = backdated;
        this.report = report;
        this.catalogLock = catalogLock;
    }

    /**
     * Reads the feed, then compares and adds in turn with the runs' price loads and other syncs: the catalog's lock is
     * taken once the feed is read (a slow feed keeps no run's load waiting) and held until the step's transaction
     * ends, so that a load that takes its turn next sees this sync's versions.
     */
    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        StepExecution stepExecution = chunkContext.getStepContext().getStepExecution();
        LiteLlmPriceFeed.Contents contents = read(stepExecution);
        holdCatalogUntilTransactionEnds(stepExecution);
        List<Price> before = prices.findAll();
        PriceSync.Outcome outcome =
                PriceSync.plan(before, contents.prices(), parameters.effective(), parameters.name());
        long run = chunkContext
                .getStepContext()
                .getStepExecution()
                .getJobExecution()
                .getJobInstance()
                .getInstanceId();
        long executionId = chunkContext.getStepContext().getStepExecution().getJobExecutionId();
        int added = 0;
        if (!parameters.dryRun()) {
            added = prices.load(outcome.newVersions());
            recordFindings(outcome, run);
            resolveReturnedModels(contents.prices(), run);
            if (added > 0) {
                // a sync effective before hours already billed (--effective in the past) does not reach them
                backdated.record(before, prices.findAll(), run);
            }
        }
        String summary = report.write(executionId, parameters, contents, outcome, added);
        chunkContext
                .getStepContext()
                .getStepExecution()
                .getJobExecution()
                .getExecutionContext()
                .putString(SUMMARY, summary);
        log.info(summary);
        for (int i = 0; i < contents.prices().size(); i++) {
            contribution.incrementReadCount();
        }
        contribution.incrementWriteCount(added);
        return RepeatStatus.FINISHED;
    }

    private void holdCatalogUntilTransactionEnds(StepExecution stepExecution) throws JobInterruptedException {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException(
                    "the price sync's step ran without a transaction, so it cannot hold the catalog's lock until its"
                            + " commit");
        }
        StepLock.Held held = catalogLock.holdWithin(stepExecution);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                held.close();
            }
        });
    }

    /**
     * Reads the feed; a run asked to stop meanwhile (its process closing) ends the step STOPPED, having added nothing.
     */
    private LiteLlmPriceFeed.Contents read(StepExecution stepExecution) throws IOException, JobInterruptedException {
        try (InputStream in = feeds.open(parameters.feed(), () -> catalogLock.stopAsked(stepExecution))) {
            return parameters.format().equals("csv") ? readCsv(in) : LiteLlmPriceFeed.read(in, parameters.feed());
        } catch (PriceFeedSource.Stopped e) {
            throw new JobInterruptedException(e.getMessage());
        }
    }

    /** The own prices CSV as a feed: for each price, its latest version at or before the effective instant. */
    private LiteLlmPriceFeed.Contents readCsv(InputStream in) throws IOException {
        Path copy = Files.createTempFile("tokentally-price-feed-", ".csv");
        try {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            Instant effective = parameters.effective();
            Map<FeedPrice.Slot, Price> latest = PricesFile.read(copy, parameters.feed()).stream()
                    .filter(price -> !price.effectiveFrom().isAfter(effective))
                    .collect(Collectors.toMap(
                            price -> new FeedPrice.Slot(
                                    price.model(), price.tokenType(), price.serviceTier(), price.contextTier()),
                            Function.identity(),
                            (a, b) -> a.effectiveFrom().isAfter(b.effectiveFrom()) ? a : b));
            List<FeedPrice> feed = latest.values().stream()
                    .sorted(Comparator.comparing(Price::model).thenComparing(Price::tokenType))
                    .map(price -> new FeedPrice(
                            price.model(),
                            price.tokenType(),
                            price.serviceTier(),
                            price.contextTier(),
                            price.usdPerMillion(),
                            price.longContextThreshold(),
                            price.model()))
                    .toList();
            return new LiteLlmPriceFeed.Contents(feed, List.of(), List.of());
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private void recordFindings(PriceSync.Outcome outcome, long run) {
        String feed = parameters.name();
        for (PriceSync.Change change : outcome.changed()) {
            findings.record(priceChanged(feed, change, outcome.effective()), run);
        }
        for (String model : outcome.newModels()) {
            findings.record(modelNew(feed, model, outcome.effective()), run);
        }
        for (String model : outcome.vanishedModels()) {
            findings.record(modelVanished(feed, model), run);
        }
    }

    /**
     * Resolves the PRICE_MODEL_VANISHED findings of this feed's models that it lists again (hunt EH: one stayed open
     * saying the model was gone from the feed that priced it anew).
     */
    private void resolveReturnedModels(List<FeedPrice> listed, long run) {
        Set<String> keys = listed.stream()
                .map(price -> vanishedKey(parameters.name(), price.model()))
                .collect(Collectors.toSet());
        for (FindingRepository.Stored vanished : findings.unresolvedOfKind("PRICE_MODEL_VANISHED")) {
            if (keys.contains(vanished.key())) {
                findings.resolve(vanished.key(), run);
            }
        }
    }

    /** A PRICE_CHANGED finding: a warning when the price rose. */
    private static Finding priceChanged(String feed, PriceSync.Change change, Instant effective) {
        boolean rise = change.after().usdPerMillion().compareTo(change.before().usdPerMillion()) > 0;
        return new Finding(
                "price-change:" + feed + ":" + change.slot() + ":" + effective,
                "PRICE_CHANGED",
                rise ? Finding.Severity.WARNING : Finding.Severity.INFO,
                PriceSyncReport.describe(change, effective));
    }

    private static Finding modelNew(String feed, String model, Instant effective) {
        return new Finding(
                "price-model-new:" + feed + ":" + model,
                "PRICE_MODEL_NEW",
                Finding.Severity.INFO,
                model + " is new in price feed " + feed + ", priced from " + effective);
    }

    private static String vanishedKey(String feed, String model) {
        return "price-model-vanished:" + feed + ":" + model;
    }

    private static Finding modelVanished(String feed, String model) {
        return new Finding(
                vanishedKey(feed, model),
                "PRICE_MODEL_VANISHED",
                Finding.Severity.WARNING,
                model + " is no longer in price feed " + feed
                        + "; its last prices stay in force until a feed or an override changes them");
    }
}
