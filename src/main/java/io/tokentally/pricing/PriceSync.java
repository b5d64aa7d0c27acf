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
        for (FeedPrice price : wanted) {
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
                    unchanged++;
                }
                versions.add(price.asVersion(effective, feedName));
            } else if (differs(current, price)) {
                changed.add(new Change(price.slot(), current, price));
                versions.add(price.asVersion(effective, feedName));
            } else {
                unchanged++;
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
     * The long-context prices this feed gave before for a model it now lists without any: the provider no longer
     * charges more for a long prompt, so each such price in force becomes the feed's standard-context price of its
     * token type and service tier (a long request then pays what a standard one does; the catalog keeps the last
     * long-context threshold given, so its lines still say long). Left alone where the feed has no such standard
     * price, and where the long price came from anywhere but this feed (a prices file, an override).
     */
    private static List<FeedPrice> endedLongTiers(
            Map<FeedPrice.Slot, Price> inForce, List<FeedPrice> feed, String feedName) {
        Map<FeedPrice.Slot, FeedPrice> fed = new HashMap<>();
        Set<String> modelsWithLongPrices = new HashSet<>();
        for (FeedPrice price : feed) {
            fed.put(price.slot(), price);
            if (price.contextTier() == ContextTier.LONG) {
                modelsWithLongPrices.add(price.model());
            }
        }
        List<FeedPrice> ended = new ArrayList<>();
        for (Map.Entry<FeedPrice.Slot, Price> entry : inForce.entrySet()) {
            FeedPrice.Slot slot = entry.getKey();
            FeedPrice standard = fed.get(
                    new FeedPrice.Slot(slot.model(), slot.tokenType(), slot.serviceTier(), ContextTier.STANDARD));
            if (slot.contextTier() == ContextTier.LONG
                    && standard != null
                    && !modelsWithLongPrices.contains(slot.model())
                    && entry.getValue().origin().startsWith(FEED_ORIGIN + feedName + " ")) {
                ended.add(new FeedPrice(
                        slot.model(),
                        slot.tokenType(),
                        slot.serviceTier(),
                        ContextTier.LONG,
                        standard.usdPerMillion(),
                        standard.longContextThreshold(),
                        standard.feedKey() + "; no long-context price listed, the standard one"));
            }
        }
        ended.sort(Comparator.comparing(price -> price.slot().toString()));
        return ended;
    }

    /**
     * This feed's prices in force for models it still lists, in slots it no longer lists (a batch or cache price):
     * reported, never ended, as for a vanished model.
     */
    private static List<FeedPrice.Slot> unlisted(
            Map<FeedPrice.Slot, Price> inForce, List<FeedPrice> wanted, Set<String> feedModels, String feedName) {
        Set<FeedPrice.Slot> listed = wanted.stream().map(FeedPrice::slot).collect(Collectors.toSet());
        return inForce.entrySet().stream()
                .filter(entry -> entry.getValue().origin().startsWith(FEED_ORIGIN + feedName + " "))
                .map(Map.Entry::getKey)
                .filter(slot -> feedModels.contains(slot.model()) && !listed.contains(slot))
                .sorted(Comparator.comparing(FeedPrice.Slot::toString))
                .toList();
    }

    /** Whether the feed's price or long-context threshold differs from the version in force. */
    private static boolean differs(Price current, FeedPrice price) {
        return current.usdPerMillion().compareTo(price.usdPerMillion()) != 0
                || !Objects.equals(current.longContextThreshold(), price.longContextThreshold());
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
                .filter(price -> price.origin().startsWith(FEED_ORIGIN + feedName + " "))
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
