package io.tokentally.pricing;

import io.tokentally.shared.Hours;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The catalog as plans that hold price changes see it: a feed's version that changes a price counts
 * only once its sync is approved, and then from its own effective instant if it was approved before, else from the
 * first whole hour that starts at or after the approval; so does one that adds a price with a long-context threshold
 * new to a model priced before; a feed's version that adds a price otherwise, and every price not from a feed (files,
 * overrides), counts as it is.
 */
public final class HeldPrices {

    private HeldPrices() {}

    /**
     * Which versions of {@code catalog} plans that hold price changes take only from their sync's approval (never
     * back-dated): a feed's version that changes a price or brings a new threshold; not one that adds a price, nor
     * one not from a feed, which they take as it is. The catalog's first versions are found once, for every test.
     */
    public static Predicate<Price> waitingForApproval(Collection<Price> catalog) {
        Firsts first = firstVersions(catalog);
        return price -> heldSync(price, first).isPresent();
    }

    static List<Price> view(Collection<Price> catalog, Map<PriceApprovals.Sync, Instant> approvals) {
        Firsts first = firstVersions(catalog);
        Map<FeedPrice.Slot, List<Seen>> seen = new HashMap<>();
        for (Price price : catalog) {
            Optional<PriceApprovals.Sync> sync = heldSync(price, first);
            Instant approved = sync.map(approvals::get).orElse(null);
            if (sync.isEmpty() || approved != null) {
                Instant from = approved != null && approved.isAfter(price.effectiveFrom())
                        ? firstFullHourFrom(approved)
                        : null;
                seen.computeIfAbsent(FeedPrice.Slot.of(price), slot -> new ArrayList<>())
                        .add(new Seen(price, from == null ? price : from(price, from)));
            }
        }
        List<Price> view = new ArrayList<>();
        seen.values().forEach(versions -> view.addAll(withoutOvertaken(versions)));
        return view;
    }

    /**
     * The start of the first whole hour at or after an approval: a version approved inside an hour takes effect
     * from the next, never inside the hour (a row of that hour priced at a later version's instant would get it).
     */
    private static Instant firstFullHourFrom(Instant approved) {
        Instant hour = Hours.startOf(approved);
        return hour.equals(approved) ? hour : hour.plus(1, ChronoUnit.HOURS);
    }

    /**
     * A version of a price, and the same as plans that hold changes see it (from the first whole hour after its
     * approval, if that came after its effective instant).
     */
    private record Seen(Price own, Price held) {}

    /**
     * The held versions of one price that no later version (later by its own effective instant) starts before or
     * with: a change approved once a later version was in force (an override, a later sync approved first) never
     * takes effect, rather than bringing its older amount back.
     */
    private static List<Price> withoutOvertaken(List<Seen> versions) {
        versions.sort(
                Comparator.comparing((Seen seen) -> seen.own().effectiveFrom()).reversed());
        List<Price> kept = new ArrayList<>();
        Instant laterStart = null;
        for (Seen version : versions) {
            Instant from = version.held().effectiveFrom();
            if (laterStart == null || from.isBefore(laterStart)) {
                kept.add(version.held());
                laterStart = from;
            }
        }
        return kept;
    }

    /** The syncs whose versions change an existing price, oldest first. */
    static List<PriceApprovals.Sync> changes(Collection<Price> catalog) {
        Firsts first = firstVersions(catalog);
        java.util.Set<PriceApprovals.Sync> syncs = new java.util.LinkedHashSet<>();
        catalog.stream()
                .sorted(java.util.Comparator.comparing(Price::effectiveFrom))
                .forEach(price -> heldSync(price, first).ifPresent(syncs::add));
        return new ArrayList<>(syncs);
    }

    /**
     * The sync a feed's version waits for: one that changes a price, or one that adds a price with a long-context
     * threshold new to a model priced before it (a threshold decides which requests are long, so it is held like a
     * price); none for a version that adds a price otherwise, nor for one not from a feed.
     */
    private static Optional<PriceApprovals.Sync> heldSync(Price price, Firsts first) {
        Optional<String> feed = PriceSync.feedOf(price.origin());
        if (feed.isEmpty()
                || (price.effectiveFrom().equals(first.slots().get(FeedPrice.Slot.of(price)))
                        && !first.bringsThreshold(price))) {
            return Optional.empty();
        }
        return Optional.of(new PriceApprovals.Sync(feed.get(), price.effectiveFrom()));
    }

    /**
     * The first version of each price and of each model, and every version that gives a threshold, by model.
     *
     * @param slots the effective instant of each price's first version
     * @param models the effective instant of each model's first version
     * @param thresholds the versions that give a long-context threshold, by model
     */
    private record Firsts(
            Map<FeedPrice.Slot, Instant> slots, Map<String, Instant> models, Map<String, List<Price>> thresholds) {

        /** Whether {@code price} gives its model, priced before it, a threshold no earlier version gave. */
        boolean bringsThreshold(Price price) {
            Long threshold = price.longContextThreshold();
            Instant modelFirst = models.get(price.model());
            return threshold != null
                    && modelFirst.isBefore(price.effectiveFrom())
                    && thresholds.get(price.model()).stream()
                            .noneMatch(earlier -> earlier.effectiveFrom().isBefore(price.effectiveFrom())
                                    && threshold.equals(earlier.longContextThreshold()));
        }
    }

    private static Firsts firstVersions(Collection<Price> catalog) {
        Map<FeedPrice.Slot, Instant> slots = new HashMap<>();
        Map<String, Instant> models = new HashMap<>();
        Map<String, List<Price>> thresholds = new HashMap<>();
        for (Price price : catalog) {
            slots.merge(FeedPrice.Slot.of(price), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
            models.merge(price.model(), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
            if (price.longContextThreshold() != null) {
                thresholds
                        .computeIfAbsent(price.model(), model -> new ArrayList<>())
                        .add(price);
            }
        }
        return new Firsts(slots, models, thresholds);
    }

    private static Price from(Price price, Instant effectiveFrom) {
        return new Price(
                price.priceId(),
                price.model(),
                price.tokenType(),
                price.serviceTier(),
                price.contextTier(),
                effectiveFrom,
                price.usdPerMillion(),
                price.longContextThreshold(),
                price.origin());
    }
}
