package io.tokentally.pricing;

import io.tokentally.shared.ContextTier;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares a feed with the catalog as it stands at the sync's effective instant and says what must
 * change: a new version for every price the feed states differently (or with another long-context
 * threshold) and for every price it adds. Old versions stay, so usage before the effective instant
 * keeps its price. A price overridden by hand ({@link #OVERRIDE_ORIGIN}) is never replaced by a feed. A model the
 * feed lists without the long-context prices it gave before has them end ({@link #endedLongTiers}).
 * A pure function of its inputs.
 */
public final class PriceSync {

    /** Versions whose origin starts with this were set by hand; feeds leave their slot alone. */
    public static final String OVERRIDE_ORIGIN = "override";

    private static final String FEED_ORIGIN = "feed ";

    private PriceSync() {}

    /** One price that changes: what it was at the effective instant, and what it becomes. */
    public record Change(FeedPrice.Slot slot, Price before, FeedPrice after) {

        /** The change in percent, to two decimals (for people; nothing is billed from it). */
        public BigDecimal percent() {
            return before.usdPerMillion().signum() == 0
                    ? null
                    : after.usdPerMillion()
                            .subtract(before.usdPerMillion())
                            .multiply(BigDecimal.valueOf(100))
                            .divide(before.usdPerMillion(), 2, RoundingMode.HALF_UP);
        }

        public boolean thresholdChanged() {
            return !Objects.equals(before.longContextThreshold(), after.longContextThreshold());
        }
    }

    /** What a sync does. */
    public record Outcome(
            Instant effective,
            List<Price> newVersions,
            List<Change> changed,
            List<FeedPrice> added,
            Set<String> newModels,
            Set<String> vanishedModels,
            List<FeedPrice.Slot> unlisted,
            List<FeedPrice.Slot> keptOverrides,
            int unchanged) {

        public boolean changesAnything() {
            return !newVersions.isEmpty();
        }
    }

    public static Outcome plan(Collection<Price> catalog, List<FeedPrice> feed, Instant effective, String feedName) {
        Map<FeedPrice.Slot, Price> inForce = inForceAt(catalog, effective);
        List<Price> versions = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        List<FeedPrice> added = new ArrayList<>();
        List<FeedPrice.Slot> overrides = new ArrayList<>();
        int unchanged = 0;
        List<FeedPrice> wanted = new ArrayList<>(feed);
        wanted.addAll(endedLongTiers(inForce, feed, feedName));
        for (int i = 0; i < wanted.size(); i++) {
            FeedPrice price = wanted.get(i);
            // the count of unchanged prices is the feed's own, so that the report's counts add up to the feed's
            int same = i < feed.size() ? 1 : 0;
            Price current = inForce.get(price.slot());
            if (current != null && current.origin().startsWith(OVERRIDE_ORIGIN)) {
                overrides.add(price.slot());
            } else if (current == null) {
                added.add(price);
                versions.add(price.asVersion(effective, feedName));
            } else if (current.origin().startsWith(PriceRepository.DERIVED)) {
                // the feed's own price (a batch price, say) replaces one derived from another, even at the same
                // amount: left out, the derivation would follow the other price where the feed's does not
                if (differs(current, price)) {
                    changed.add(new Change(price.slot(), current, price));
                } else {
                    unchanged += same;
                }
                versions.add(price.asVersion(effective, feedName));
            } else if (differs(current, price)) {
                changed.add(new Change(price.slot(), current, price));
                versions.add(price.asVersion(effective, feedName));
            } else {
                unchanged += same;
            }
        }
        Set<String> feedModels = feed.stream().map(FeedPrice::model).collect(Collectors.toCollection(TreeSet::new));
        return new Outcome(
                effective,
                versions,
                changed,
                added,
                newModels(inForce.keySet(), feedModels),
                vanished(inForce.values(), feedModels, feedName),
                unlisted(inForce, wanted, feedModels, feedName),
                overrides,
                unchanged);
    }

    /**
     * The long-context prices of a model this feed gave long-context prices for before and now lists without any:
     * the provider no longer charges more for a long prompt, so every price the feed lists for the model gets a
     * long-context version at what a standard request pays (the feed's price, or an override of it in force), where
     * the long-context price in force is this feed's, derived (a batch one at half the long price, where the feed's
     * own batch price is not half) or none (a priority tier's, held for want of its own, is then billed). The catalog
     * keeps the last long-context threshold given, so such a request's lines still say long. Long-context prices from
     * anywhere else (a prices file, an override) stay, and so do this feed's where it lists no standard price of their
     * token type and tier (reported by {@link #unlisted}).
     */
    private static List<FeedPrice> endedLongTiers(
            Map<FeedPrice.Slot, Price> inForce, List<FeedPrice> feed, String feedName) {
        Set<String> fedLong = new HashSet<>();
        for (FeedPrice price : feed) {
            if (price.contextTier() == ContextTier.LONG) {
                fedLong.add(price.model());
            }
        }
        Set<String> ended = new HashSet<>();
        inForce.forEach((slot, price) -> {
            if (slot.contextTier() == ContextTier.LONG
                    && fromFeed(price, feedName)
                    && !fedLong.contains(slot.model())) {
                ended.add(slot.model());
            }
        });
        List<FeedPrice> wanted = new ArrayList<>();
        for (FeedPrice standard : feed) {
            FeedPrice.Slot slot = standard.slot();
            Price longInForce = inForce.get(
                    new FeedPrice.Slot(slot.model(), slot.tokenType(), slot.serviceTier(), ContextTier.LONG));
            if (ended.contains(slot.model())
                    && (longInForce == null || longInForce.derived() || fromFeed(longInForce, feedName))) {
                Price standardInForce = inForce.get(slot);
                wanted.add(new FeedPrice(
                        slot.model(),
                        slot.tokenType(),
                        slot.serviceTier(),
                        ContextTier.LONG,
                        standardInForce != null && standardInForce.origin().startsWith(OVERRIDE_ORIGIN)
                                ? standardInForce.usdPerMillion()
                                : standard.usdPerMillion(),
                        standard.longContextThreshold(),
                        standard.feedKey() + "; long-context tier ended"));
            }
        }
        return wanted;
    }

    private static boolean fromFeed(Price price, String feedName) {
        return price.origin().startsWith(FEED_ORIGIN + feedName + " ");
    }

    /**
     * This feed's prices in force for models it still lists, in slots it no longer lists (a batch or cache price):
     * reported, never ended, as for a vanished model.
     */
    private static List<FeedPrice.Slot> unlisted(
            Map<FeedPrice.Slot, Price> inForce, List<FeedPrice> wanted, Set<String> feedModels, String feedName) {
        Set<FeedPrice.Slot> listed = wanted.stream().map(FeedPrice::slot).collect(Collectors.toSet());
        return inForce.entrySet().stream()
                .filter(entry -> fromFeed(entry.getValue(), feedName))
                .map(Map.Entry::getKey)
                .filter(slot -> feedModels.contains(slot.model()) && !listed.contains(slot))
                .sorted(Comparator.comparing(FeedPrice.Slot::toString))
                .toList();
    }

    /**
     * Whether the feed's price, or the long-context threshold it gives, differs from the version in force. A feed that
     * gives no threshold changes none: the catalog keeps the last threshold given.
     */
    private static boolean differs(Price current, FeedPrice price) {
        return current.usdPerMillion().compareTo(price.usdPerMillion()) != 0
                || (price.longContextThreshold() != null
                        && !price.longContextThreshold().equals(current.longContextThreshold()));
    }

    /** Models the feed lists that no version in force prices. */
    private static Set<String> newModels(Set<FeedPrice.Slot> inForce, Set<String> feedModels) {
        Set<String> knownModels = inForce.stream().map(FeedPrice.Slot::model).collect(Collectors.toSet());
        Set<String> newModels = new TreeSet<>(feedModels);
        newModels.removeAll(knownModels);
        return newModels;
    }

    /** Models this feed priced before that it no longer lists: reported, never deleted. */
    private static Set<String> vanished(Collection<Price> inForce, Set<String> feedModels, String feedName) {
        return inForce.stream()
                .filter(price -> fromFeed(price, feedName))
                .map(Price::model)
                .filter(model -> !feedModels.contains(model))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The feed a version came from, also for a price derived from a feed's version (its origin names
     * the source): {@code feed <name> (<key>)}.
     */
    public static java.util.Optional<String> feedOf(String origin) {
        int start = origin.startsWith(FEED_ORIGIN) ? 0 : origin.indexOf(" from " + FEED_ORIGIN);
        if (start < 0) {
            return java.util.Optional.empty();
        }
        int name = origin.indexOf(FEED_ORIGIN, start) + FEED_ORIGIN.length();
        int end = origin.indexOf(" (", name);
        return end < 0 ? java.util.Optional.empty() : java.util.Optional.of(origin.substring(name, end));
    }

    private static Map<FeedPrice.Slot, Price> inForceAt(Collection<Price> catalog, Instant at) {
        Map<FeedPrice.Slot, Price> inForce = new HashMap<>();
        for (Price price : catalog) {
            if (price.effectiveFrom().isAfter(at)) {
                continue;
            }
            inForce.merge(
                    FeedPrice.Slot.of(price), price, (a, b) -> a.effectiveFrom().isAfter(b.effectiveFrom()) ? a : b);
        }
        return inForce;
    }
}
