package io.tokentally.pricing;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The price catalog table: versions are added, never changed in place. */
@Repository
public class PriceRepository {

    private static final Logger log = LoggerFactory.getLogger(PriceRepository.class);
    static final String DERIVED = "derived: ";
    static final String DERIVED_BATCH = DERIVED + "50% of standard (batch)";
    static final String DERIVED_LONG = DERIVED + "standard x long input / standard input (long context)";
    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public PriceRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public List<Price> findAll() {
        return jdbc.query(
                "SELECT price_id, model, token_type, service_tier, context_tier, effective_from, usd_per_million,"
                        + " long_context_threshold, origin FROM price",
                PriceRepository::map);
    }

    /**
     * Adds the prices that are new, leaves identical ones alone and refuses to change an existing
     * version (add a row with a new effective instant instead). Then derives batch prices at 50% of
     * standard for every (model, token type, context tier) until a batch price of its own starts.
     *
     * @return how many versions were added
     */
    @Transactional
    public int load(List<Price> prices) {
        Map<Price.Key, Price> existing = byKey(findAll());
        refuseChangedVersions(prices, existing);
        int added = 0;
        for (Price price : prices) {
            if (existing.putIfAbsent(price.key(), price) == null) {
                insert(price);
                added++;
            }
        }
        added += deriveLongCachePrices(existing);
        added += deriveBatchPrices(existing.values());
        log.info("Price catalog: {} price versions added", added);
        return added;
    }

    /**
     * Refuses prices that would give a stored version, or one earlier in the list, another amount, before
     * anything is stored.
     */
    public void refuseChangedVersions(List<Price> prices) {
        refuseChangedVersions(prices, byKey(findAll()));
    }

    private static void refuseChangedVersions(List<Price> prices, Map<Price.Key, Price> existing) {
        Map<Price.Key, Price> given = new HashMap<>();
        for (Price price : prices) {
            Price stored = existing.get(price.key());
            if (stored != null && stored.usdPerMillion().compareTo(price.usdPerMillion()) != 0) {
                throw new ChangedVersion(
                        price.key(),
                        price.key() + " is already " + stored.usdPerMillion().toPlainString()
                                + " (from " + stored.origin() + "); " + price.origin() + " says "
                                + price.usdPerMillion().toPlainString() + ". " + PricesFile.VERSIONED);
            }
            Price earlier = given.putIfAbsent(price.key(), price);
            if (earlier != null && earlier.usdPerMillion().compareTo(price.usdPerMillion()) != 0) {
                throw new IllegalArgumentException(price.key() + " is given twice, as "
                        + earlier.usdPerMillion().toPlainString() + " (" + earlier.origin() + ") and as "
                        + price.usdPerMillion().toPlainString() + " (" + price.origin() + "). " + PricesFile.VERSIONED);
            }
        }
    }

    /** A price that would give a stored version another amount. */
    public static final class ChangedVersion extends IllegalArgumentException {

        private final transient Price.Key key;

        ChangedVersion(Price.Key key, String message) {
            super(message);
            this.key = key;
        }

        /** The version it would change, to find its line in the file it came from. */
        public Price.Key key() {
            return key;
        }
    }

    private static Map<Price.Key, Price> byKey(List<Price> prices) {
        Map<Price.Key, Price> byKey = new HashMap<>();
        for (Price price : prices) {
            byKey.put(price.key(), price);
        }
        return byKey;
    }

    /**
     * Where a model has long-context input pricing but no long-context price of its own for a cache token type,
     * derives it in the same proportion as input (Anthropic's and Google's cache prices are multiples of the
     * input price): long cache = standard cache x long input / standard input, 12 decimals. A version is derived
     * at every instant one of the three changes, from the versions in force then, so a later standard cache,
     * standard input or long input price moves the derived one too. A derived version already stored is kept,
     * since versions are never changed in place: when a version loaded since (one effective between two derived
     * ones, or a long cache price of the model's own) means it is no longer due, the load says so in the log.
     */
    private int deriveLongCachePrices(Map<Price.Key, Price> existing) {
        Map<Slot, NavigableMap<Instant, Price>> given = new HashMap<>();
        for (Price price : existing.values()) {
            if (!price.origin().startsWith(DERIVED_LONG) && !price.origin().startsWith(DERIVED_BATCH)) {
                given.computeIfAbsent(Slot.of(price), slot -> new TreeMap<>()).put(price.effectiveFrom(), price);
            }
        }
        List<Price> derived = new ArrayList<>();
        for (Slot slot : given.keySet()) {
            if (slot.tokenType() != TokenType.INPUT || slot.contextTier() != ContextTier.LONG) {
                continue;
            }
            for (TokenType cache : List.of(TokenType.CACHE_READ, TokenType.CACHE_WRITE_5M, TokenType.CACHE_WRITE_1H)) {
                LongCacheSources sources = LongCacheSources.of(slot, cache, given);
                for (Instant at : sources.changes()) {
                    Price due = sources.derivedAt(at);
                    Price stored =
                            existing.get(new Price.Key(slot.model(), cache, slot.serviceTier(), ContextTier.LONG, at));
                    if (stored == null && due != null) {
                        derived.add(due);
                    } else if (stored != null && stored.origin().startsWith(DERIVED_LONG) && !sameAmount(stored, due)) {
                        log.warn(
                                "{} stays {} ({}), though the prices in force now give {}: versions are never changed"
                                        + " in place; give it a price of its own from a later instant to change it",
                                stored.key(),
                                stored.usdPerMillion().toPlainString(),
                                stored.origin(),
                                due == null
                                        ? "none (the model has a price of its own, or a source is zero)"
                                        : due.usdPerMillion().toPlainString());
                    }
                }
            }
        }
        for (Price price : derived) {
            insert(price);
            existing.put(price.key(), price);
        }
        return derived.size();
    }

    private static boolean sameAmount(Price stored, Price due) {
        return due != null && stored.usdPerMillion().compareTo(due.usdPerMillion()) == 0;
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
                    || inForce(own, at) != null) {
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
                    DERIVED_LONG + " from " + standardCachePrice.origin());
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

    /**
     * Derives a batch price at 50% of each standard version that no batch price of the model's own (for its token
     * type and context tier) precedes: before a batch price that starts later, batch usage is billed at half the
     * standard price, not held.
     */
    private int deriveBatchPrices(Iterable<Price> prices) {
        OwnBatchPrices own = new OwnBatchPrices(prices);
        Set<Price.Key> keys = new HashSet<>();
        for (Price price : prices) {
            keys.add(price.key());
        }
        int derived = 0;
        for (Price price : prices) {
            if (price.serviceTier() != ServiceTier.STANDARD || own.startsFromOwn(price)) {
                continue;
            }
            Price batch = new Price(
                    0,
                    price.model(),
                    price.tokenType(),
                    ServiceTier.BATCH,
                    price.contextTier(),
                    price.effectiveFrom(),
                    Amounts.derivedPrice(price.usdPerMillion(), BigDecimal.ONE, TWO),
                    price.longContextThreshold(),
                    DERIVED_BATCH + " from " + price.origin());
            if (keys.add(batch.key())) {
                insert(batch);
                derived++;
            }
        }
        return derived;
    }

    private void insert(Price price) {
        jdbc.update(
                "INSERT INTO price (model, token_type, service_tier, context_tier, effective_from, usd_per_million,"
                        + " long_context_threshold, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                price.model(),
                price.tokenType().code(),
                price.serviceTier().code(),
                price.contextTier().code(),
                SqlTime.utc(price.effectiveFrom()),
                price.usdPerMillion(),
                price.longContextThreshold(),
                price.origin(),
                SqlTime.utc(Instant.now(clock)));
    }

    private static Price map(ResultSet rs, int rowNum) throws SQLException {
        Object threshold = rs.getObject("long_context_threshold");
        return new Price(
                rs.getLong("price_id"),
                rs.getString("model"),
                TokenType.fromCode(rs.getString("token_type")),
                ServiceTier.parse(rs.getString("service_tier")).orElseThrow(),
                ContextTier.fromCode(rs.getString("context_tier")),
                SqlTime.read(rs, "effective_from"),
                rs.getBigDecimal("usd_per_million").stripTrailingZeros(),
                threshold == null ? null : ((Number) threshold).longValue(),
                rs.getString("origin"));
    }
}
