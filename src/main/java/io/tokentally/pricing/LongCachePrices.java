package io.tokentally.pricing;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a model has long-context input pricing but no long-context price of its own for a cache token type,
 * derives it in the same proportion as input (Anthropic's and Google's cache prices are multiples of the
 * input price): long cache = standard cache x long input / standard input, 12 decimals. A version is derived
 * at every instant one of the three changes, from the versions in force then, so a later standard cache,
 * standard input or long input price moves the derived one too. A derived version already stored is kept,
 * since versions are never changed in place: when a version loaded since (one effective between two derived
 * ones) means it is no longer due, the load says so in the log. From a long cache price of the model's own, one
 * derived earlier is not looked up ({@link OwnPrices}).
 */
final class LongCachePrices {

    /** The price catalog's logger: the warnings belong to its load. */
    private static final Logger log = LoggerFactory.getLogger(PriceRepository.class);

    private static final List<TokenType> CACHE_TYPES =
            List.of(TokenType.CACHE_READ, TokenType.CACHE_WRITE_5M, TokenType.CACHE_WRITE_1H);

    private LongCachePrices() {}

    /** The long-context cache versions due and not yet stored in {@code existing}, warning of stored ones not due. */
    static List<Price> derive(Map<Price.Key, Price> existing) {
        Map<Slot, NavigableMap<Instant, Price>> given = given(existing);
        List<Price> derived = new ArrayList<>();
        for (Slot slot : given.keySet()) {
            if (slot.tokenType() != TokenType.INPUT || slot.contextTier() != ContextTier.LONG) {
                continue;
            }
            for (TokenType cache : CACHE_TYPES) {
                deriveAtChanges(LongCacheSources.of(slot, cache, given), existing, derived);
            }
        }
        return derived;
    }

    /** The versions given, not derived, of every slot, by the instant they take effect. */
    private static Map<Slot, NavigableMap<Instant, Price>> given(Map<Price.Key, Price> existing) {
        Map<Slot, NavigableMap<Instant, Price>> given = new HashMap<>();
        for (Price price : existing.values()) {
            if (!OwnPrices.isDerived(price)) {
                given.computeIfAbsent(Slot.of(price), slot -> new TreeMap<>()).put(price.effectiveFrom(), price);
            }
        }
        return given;
    }

    /** Adds the version due at each instant a source changes, unless one is stored, and warns of a stored one not due. */
    private static void deriveAtChanges(LongCacheSources sources, Map<Price.Key, Price> existing, List<Price> derived) {
        Slot longCache = sources.longCache();
        for (Instant at : sources.changes()) {
            Price due = sources.derivedAt(at);
            Price stored = existing.get(new Price.Key(
                    longCache.model(), longCache.tokenType(), longCache.serviceTier(), ContextTier.LONG, at));
            if (stored == null && due != null) {
                derived.add(due);
            } else if (stored != null
                    && stored.origin().startsWith(PriceRepository.DERIVED_LONG)
                    && !sameAmount(stored, due)
                    && !sources.ownInForce(at)) {
                warnKept(stored, due);
            }
        }
    }

    /** Whether a price is due and has the stored version's amount. */
    private static boolean sameAmount(Price stored, Price due) {
        return due != null && stored.usdPerMillion().compareTo(due.usdPerMillion()) == 0;
    }

    /** Says in the log that a derived version stored earlier stays, though the prices in force now give another. */
    private static void warnKept(Price stored, Price due) {
        log.warn(
                "{} stays {} ({}), though the prices in force now give {}: versions are never changed"
                        + " in place; give it a price of its own from a later instant to change it",
                stored.key(),
                stored.usdPerMillion().toPlainString(),
                stored.origin(),
                due == null
                        ? "none (a source is missing or zero)"
                        : due.usdPerMillion().toPlainString());
    }

    /**
     * The given versions a long-context cache price of one model, service tier and cache type is derived from, and
     * the model's own long-context versions of it.
     */
    private record LongCacheSources(
            Slot longCache,
            NavigableMap<Instant, Price> longInput,
            NavigableMap<Instant, Price> standardInput,
            NavigableMap<Instant, Price> standardCache,
            NavigableMap<Instant, Price> own) {

        static LongCacheSources of(Slot longInput, TokenType cache, Map<Slot, NavigableMap<Instant, Price>> given) {
            Slot longCache = longInput.with(cache, ContextTier.LONG);
            return new LongCacheSources(
                    longCache,
                    given.get(longInput),
                    versions(given, longInput.with(TokenType.INPUT, ContextTier.STANDARD)),
                    versions(given, longInput.with(cache, ContextTier.STANDARD)),
                    versions(given, longCache));
        }

        private static NavigableMap<Instant, Price> versions(Map<Slot, NavigableMap<Instant, Price>> given, Slot slot) {
            return given.getOrDefault(slot, Collections.emptyNavigableMap());
        }

        /** Every instant one of the three sources changes. */
        Set<Instant> changes() {
            Set<Instant> changes = new TreeSet<>(longInput.keySet());
            changes.addAll(standardInput.keySet());
            changes.addAll(standardCache.keySet());
            return changes;
        }

        /** The version due at {@code at}, or null where a source is missing or the model's own price is in force. */
        Price derivedAt(Instant at) {
            Price longInputPrice = inForce(longInput, at);
            Price standardInputPrice = inForce(standardInput, at);
            Price standardCachePrice = inForce(standardCache, at);
            if (longInputPrice == null
                    || standardInputPrice == null
                    || standardCachePrice == null
                    || standardInputPrice.usdPerMillion().signum() == 0
                    || ownInForce(at)) {
                return null;
            }
            return new Price(
                    0,
                    longCache.model(),
                    longCache.tokenType(),
                    longCache.serviceTier(),
                    ContextTier.LONG,
                    at,
                    Amounts.derivedPrice(
                            standardCachePrice.usdPerMillion(),
                            longInputPrice.usdPerMillion(),
                            standardInputPrice.usdPerMillion()),
                    longInputPrice.longContextThreshold(),
                    PriceRepository.DERIVED_LONG + " from " + changedAt(at).origin());
        }

        /**
         * The source version that starts at {@code at}, a feed's first: the derived version's origin names it, so a
         * feed sync's change is held for plans that hold changes, as the sync's own versions are, and a prices file's
         * is not (named after the standard cache price alone, a prices file's new long input price, derived under a
         * feed's cache price, was held for a sync that never ran).
         */
        private Price changedAt(Instant at) {
            List<Price> changed = Stream.of(standardCache, longInput, standardInput)
                    .map(versions -> versions.get(at))
                    .filter(Objects::nonNull)
                    .toList();
            return changed.stream()
                    .filter(price -> PriceSync.feedOf(price.origin()).isPresent())
                    .findFirst()
                    .orElse(changed.get(0));
        }

        /** Whether a long-context price of the model's own is in force at {@code at}. */
        boolean ownInForce(Instant at) {
            return inForce(own, at) != null;
        }

        private static Price inForce(NavigableMap<Instant, Price> versions, Instant at) {
            Map.Entry<Instant, Price> version = versions.floorEntry(at);
            return version == null ? null : version.getValue();
        }
    }

    /** The versions of one model's price for one token type and tiers. */
    private record Slot(String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier) {

        static Slot of(Price price) {
            return new Slot(price.model(), price.tokenType(), price.serviceTier(), price.contextTier());
        }

        Slot with(TokenType otherType, ContextTier otherContext) {
            return new Slot(model, otherType, serviceTier, otherContext);
        }
    }
}
