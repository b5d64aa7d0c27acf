package io.tokentally.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The catalog as plans that hold price changes see it: a feed's version that changes a price counts
 * only once its sync is approved, and then from the approval on (never before its own effective
 * instant); a feed's version that adds a price, and every price not from a feed (files, overrides),
 * counts as it is.
 */
final class HeldPrices {

    private HeldPrices() {}

    static List<Price> view(Collection<Price> catalog, Map<PriceApprovals.Sync, Instant> approvals) {
        Map<FeedPrice.Slot, Instant> first = firstVersions(catalog);
        List<Price> view = new ArrayList<>();
        for (Price price : catalog) {
            Optional<PriceApprovals.Sync> sync = heldSync(price, first);
            if (sync.isEmpty()) {
                view.add(price);
                continue;
            }
            Instant approved = approvals.get(sync.get());
            if (approved != null) {
                view.add(from(price, approved.isAfter(price.effectiveFrom()) ? approved : price.effectiveFrom()));
            }
        }
        return view;
    }

    /** The syncs whose versions change an existing price, oldest first. */
    static List<PriceApprovals.Sync> changes(Collection<Price> catalog) {
        Map<FeedPrice.Slot, Instant> first = firstVersions(catalog);
        java.util.Set<PriceApprovals.Sync> syncs = new java.util.LinkedHashSet<>();
        catalog.stream()
                .sorted(java.util.Comparator.comparing(Price::effectiveFrom))
                .forEach(price -> heldSync(price, first).ifPresent(syncs::add));
        return new ArrayList<>(syncs);
    }

    private static Optional<PriceApprovals.Sync> heldSync(Price price, Map<FeedPrice.Slot, Instant> first) {
        Optional<String> feed = PriceSync.feedOf(price.origin());
        if (feed.isEmpty() || price.effectiveFrom().equals(first.get(FeedPrice.Slot.of(price)))) {
            return Optional.empty();
        }
        return Optional.of(new PriceApprovals.Sync(feed.get(), price.effectiveFrom()));
    }

    private static Map<FeedPrice.Slot, Instant> firstVersions(Collection<Price> catalog) {
        Map<FeedPrice.Slot, Instant> first = new HashMap<>();
        for (Price price : catalog) {
            first.merge(FeedPrice.Slot.of(price), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
        }
        return first;
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
