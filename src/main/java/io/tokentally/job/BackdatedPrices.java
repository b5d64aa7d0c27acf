package io.tokentally.job;

import io.tokentally.pricing.HeldPrices;
import io.tokentally.pricing.OwnPrices;
import io.tokentally.pricing.Price;
import io.tokentally.rating.EarlierVersionBilling;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Finds the price versions a load added that take effect before hours an earlier run billed at another version (a
 * back-dated price, from the prices file, a price sync or an override): they do not reach the rows billed then, which
 * keep the version that billed them until {@code prices rerate} moves them ({@link EarlierVersionBilling}). Each such
 * version raises a {@code PRICE_ADDED_AFTER_BILLING} warning, so the operator decides.
 */
@Component
public class BackdatedPrices {

    static final String KIND = "PRICE_ADDED_AFTER_BILLING";
    /** What a held version (a feed's change) means for plans that hold price changes: they take it once approved. */
    private static final String HELD_PLANS = ". Plans that hold price changes take a feed's change only from its"
            + " approval, never back-dated: their customers' hours stay as billed, also in a rerate, and are not"
            + " counted here";

    private final EarlierVersionBilling earlierVersions;
    private final FindingRepository findings;

    public BackdatedPrices(EarlierVersionBilling earlierVersions, FindingRepository findings) {
        this.earlierVersions = earlierVersions;
        this.findings = findings;
    }

    /**
     * Records a finding, seen by {@code run} (0 for none), for each version in {@code after} but not {@code before}
     * (a version added, or a derived one that became the model's own, hiding later derived ones) that takes effect
     * before hours billed at another version; returns them. Only a model priced before the load can
     * have billed hours a new version of it reaches (a cache or long-context price of its own replaces the input or
     * standard-context price those hours fell back to): a model without a price had its usage held, not billed.
     */
    public List<Finding> record(List<Price> before, List<Price> after, long run) {
        Set<Price> stored = new HashSet<>(before);
        OwnPrices own = new OwnPrices(after);
        Set<String> pricedModels = before.stream().map(Price::model).collect(Collectors.toSet());
        Predicate<Price> waitsForApproval = HeldPrices.waitingForApproval(after);
        List<Finding> recorded = new ArrayList<>();
        for (Price version : after) {
            if (!stored.contains(version) && pricedModels.contains(version.model())) {
                boolean held = waitsForApproval.test(version);
                earlierVersions
                        .of(version, nextVersion(version, after, own), held)
                        .ifPresent(billed -> {
                            Finding finding = finding(version, billed, held);
                            findings.record(finding, run);
                            recorded.add(finding);
                        });
            }
        }
        return recorded;
    }

    /**
     * When the next version of the same price takes over, or null if none does. A derived version never ends a
     * version of the price's own (the catalog takes a derived batch price only before the model's own), nor does one
     * the catalog no longer looks up (a batch price derived from a derived long-context cache price that a price of
     * the model's own has since replaced).
     */
    private static Instant nextVersion(Price version, List<Price> catalog, OwnPrices own) {
        return catalog.stream()
                .filter(later -> sameSlot(later, version)
                        && later.effectiveFrom().isAfter(version.effectiveFrom())
                        && (version.derived() || !later.derived())
                        && !own.supersedes(later))
                .map(Price::effectiveFrom)
                .min(Instant::compareTo)
                .orElse(null);
    }

    /** @param held whether plans that hold price changes take {@code version} only from its approval */
    static Finding finding(Price version, EarlierVersionBilling.Billed billed, boolean held) {
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
                        + rerate(billed) + inStartHour(version, billed) + (held ? HELD_PLANS : ""),
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
