package io.tokentally.job;

import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PricesFile;
import io.tokentally.rating.EarlierVersionBilling;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Adds the prices file's new versions to the catalog (and the versions derived from them). A new version that
 * takes effect before hours an earlier run billed at another version (a back-dated price) does not reach the rows
 * billed then: they keep the version that billed them until {@code prices rerate} moves them ({@link
 * EarlierVersionBilling}). Each such version raises a {@code PRICE_ADDED_AFTER_BILLING} warning, so the operator
 * decides.
 */
class LoadPricesTasklet implements Tasklet {

    static final String KIND = "PRICE_ADDED_AFTER_BILLING";

    private final PriceRepository prices;
    private final EarlierVersionBilling earlierVersions;
    private final FindingRepository findings;
    private final Path pricesFile;
    private final long run;

    LoadPricesTasklet(
            PriceRepository prices,
            EarlierVersionBilling earlierVersions,
            FindingRepository findings,
            Path pricesFile,
            long run) {
        this.prices = prices;
        this.earlierVersions = earlierVersions;
        this.findings = findings;
        this.pricesFile = pricesFile;
        this.run = run;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        List<Price> before = prices.findAll();
        int added = prices.load(PricesFile.read(pricesFile));
        contribution.incrementWriteCount(added);
        if (added > 0) {
            recordBackdated(before, prices.findAll());
        }
        return RepeatStatus.FINISHED;
    }

    /**
     * Only a model priced before this load can have billed hours a new version of it reaches (a cache or
     * long-context price of its own replaces the input or standard-context price those hours fell back to): a model
     * without a price had its usage held, not billed.
     */
    private void recordBackdated(List<Price> before, List<Price> after) {
        Set<Long> stored = before.stream().map(Price::priceId).collect(Collectors.toSet());
        Set<String> pricedModels = before.stream().map(Price::model).collect(Collectors.toSet());
        for (Price version : after) {
            if (!stored.contains(version.priceId()) && pricedModels.contains(version.model())) {
                earlierVersions
                        .of(version, nextVersion(version, after))
                        .ifPresent(billed -> findings.record(finding(version, billed), run));
            }
        }
    }

    /**
     * When the next version of the same price takes over, or null if none does. A derived version never ends a
     * version of the price's own (the catalog takes a derived batch price only before the model's own).
     */
    private static Instant nextVersion(Price version, List<Price> catalog) {
        return catalog.stream()
                .filter(later -> sameSlot(later, version)
                        && later.effectiveFrom().isAfter(version.effectiveFrom())
                        && (version.derived() || !later.derived()))
                .map(Price::effectiveFrom)
                .min(Instant::compareTo)
                .orElse(null);
    }

    static Finding finding(Price version, EarlierVersionBilling.Billed billed) {
        return new Finding(
                "price-added-after-billing:" + version.model() + ":"
                        + version.tokenType().code() + ":"
                        + version.serviceTier().code() + ":"
                        + version.contextTier().code() + ":"
                        + version.effectiveFrom(),
                KIND,
                Finding.Severity.WARNING,
                "the " + version.tokenType().code() + " price of " + version.model() + " ("
                        + version.serviceTier().code() + ", "
                        + version.contextTier().code() + ") "
                        + version.usdPerMillion().toPlainString() + " per 1M from " + version.effectiveFrom() + " ("
                        + version.origin() + ") was added after " + billed.aggregates() + " aggregate(s) of "
                        + billed.customers() + " customer(s) in the hours " + billed.firstHour() + " to "
                        + billed.lastHour() + " were billed at another version. Rows already billed keep the version"
                        + " that billed them (late rows are billed at the new price, in an aggregate of their own)"
                        + rerate(billed) + inStartHour(version, billed),
                new Evidence()
                        .number("aggregates", billed.aggregates())
                        .number("customers", billed.customers())
                        .number("first_hour", billed.firstHour().toString())
                        .number("last_hour", billed.lastHour().toString())
                        .number("aggregates_in_start_hour", billed.inStartHour())
                        .number("usd_per_million", version.usdPerMillion()));
    }

    /** The command that bills the difference in the hours it can move, if there are any. */
    private static String rerate(EarlierVersionBilling.Billed billed) {
        if (billed.firstRerateHour() == null) {
            return "";
        }
        return ": `tokentally prices rerate --from " + LocalDate.ofInstant(billed.firstRerateHour(), ZoneOffset.UTC)
                + " --to " + LocalDate.ofInstant(billed.lastHour(), ZoneOffset.UTC)
                + " --by WHO --reason WHY` shows what the new price changes, and with --apply bills the difference";
    }

    /** What stays at the earlier version for good: the aggregates of the hour a version starts inside of. */
    private static String inStartHour(Price version, EarlierVersionBilling.Billed billed) {
        if (billed.inStartHour() == 0) {
            return "";
        }
        return ". " + billed.inStartHour() + " of them lie in the hour " + billed.firstHour() + ", in which the price"
                + " starts: they sum rows of the whole hour, rated before the price was added, and which of those rows"
                + " came after " + version.effectiveFrom() + " is not kept, so `prices rerate` leaves them at the"
                + " version that billed them";
    }

    private static boolean sameSlot(Price a, Price b) {
        return a.model().equals(b.model())
                && a.tokenType() == b.tokenType()
                && a.serviceTier() == b.serviceTier()
                && a.contextTier() == b.contextTier();
    }
}
