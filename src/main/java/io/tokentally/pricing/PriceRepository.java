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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The price catalog table: versions are added, never changed in place, but for the origin of a derived version whose
 * model's own price is given at its instant and amount ({@link #load}).
 */
@Repository
public class PriceRepository {

    private static final Logger log = LoggerFactory.getLogger(PriceRepository.class);
    static final String DERIVED = "derived: ";
    static final String DERIVED_BATCH = DERIVED + "50% of standard (batch)";
    static final String DERIVED_LONG = DERIVED + "standard x long input / standard input (long context)";
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final String FEED_VERSIONED = "Prices are versioned: sync the feed with a later --effective instead";

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
     * version (add a row with a new effective instant instead); a price of the model's own given at a derived
     * version's instant and amount becomes that version's origin. Then derives batch prices at 50% of
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
            Price stored = existing.putIfAbsent(price.key(), price);
            if (stored == null) {
                insert(price);
                added++;
            } else if (ownsDerived(price, stored)) {
                existing.put(price.key(), own(stored, price.origin(), price.longContextThreshold()));
                derivesBatchFromOwn(price, existing);
                added++;
            }
        }
        added += deriveLongCachePrices(existing);
        added += deriveBatchPrices(existing.values());
        log.info("Price catalog: {} price versions added", added);
        return added;
    }

    /**
     * Refuses prices that would give a stored version, or one earlier in the list, another amount, or a stored
     * version of the model's own another long-context threshold, before anything is stored.
     */
    public void refuseChangedVersions(List<Price> prices) {
        refuseChangedVersions(prices, byKey(findAll()));
    }

    private static void refuseChangedVersions(List<Price> prices, Map<Price.Key, Price> existing) {
        Map<Price.Key, Price> given = new HashMap<>();
        Map<ModelInstant, Map<Long, Price>> thresholds = ownThresholds(existing.values());
        for (Price price : prices) {
            Price stored = existing.get(price.key());
            if (stored != null && stored.usdPerMillion().compareTo(price.usdPerMillion()) != 0) {
                throw new ChangedVersion(
                        price.key(),
                        price.key() + " is already " + stored.usdPerMillion().toPlainString()
                                + " (from " + stored.origin() + "); " + price.origin() + " says "
                                + price.usdPerMillion().toPlainString() + ". " + versioned(price));
            }
            refuseAnotherThreshold(price, stored, thresholds.getOrDefault(ModelInstant.of(price), Map.of()));
            Price earlier = given.putIfAbsent(price.key(), price);
            if (earlier != null && earlier.usdPerMillion().compareTo(price.usdPerMillion()) != 0) {
                throw new IllegalArgumentException(price.key() + " is given twice, as "
                        + earlier.usdPerMillion().toPlainString() + " (" + earlier.origin() + ") and as "
                        + price.usdPerMillion().toPlainString() + " (" + price.origin() + "). " + PricesFile.VERSIONED);
            }
        }
    }

    /**
     * How to give a price otherwise than its version: a feed's by a sync at a later instant (hunt EH: a feed's sync was
     * told to add a prices file's row), any other's by a row with a later {@code effective_from}.
     */
    private static String versioned(Price price) {
        return PriceSync.feedOf(price.origin()).isPresent() ? FEED_VERSIONED : PricesFile.VERSIONED;
    }

    /** A model's prices from one instant, which share one long-context threshold. */
    private record ModelInstant(String model, Instant effectiveFrom) {

        static ModelInstant of(Price price) {
            return new ModelInstant(price.model(), price.effectiveFrom());
        }
    }

    /** The thresholds the stored prices of the model's own state, by model and instant, each with a price stating it. */
    private static Map<ModelInstant, Map<Long, Price>> ownThresholds(Collection<Price> stored) {
        Map<ModelInstant, Map<Long, Price>> thresholds = new HashMap<>();
        for (Price price : stored) {
            if (!price.derived() && price.longContextThreshold() != null) {
                thresholds
                        .computeIfAbsent(ModelInstant.of(price), instant -> new HashMap<>())
                        .putIfAbsent(price.longContextThreshold(), price);
            }
        }
        return thresholds;
    }

    /**
     * Refuses a price stating a long-context threshold that none of the model's stored prices from its instant states
     * while some state one, or one for a stored version of the model's own while none states any: either would
     * change in place which requests are long-context from that instant on (the catalog takes the lowest), or leave
     * it unchanged without a word.
     */
    private static void refuseAnotherThreshold(Price price, Price stored, Map<Long, Price> storedThresholds) {
        Long threshold = price.longContextThreshold();
        if (threshold == null || storedThresholds.containsKey(threshold)) {
            return;
        }
        if (!storedThresholds.isEmpty()) {
            Price stating = storedThresholds.values().iterator().next();
            throw new ChangedVersion(
                    price.key(),
                    price.key() + " has long_context_threshold " + threshold + " in " + price.origin() + ", where "
                            + stating.key() + " has " + stating.longContextThreshold() + " (from " + stating.origin()
                            + "): a model's prices from one instant share one threshold. " + versioned(price));
        }
        if (stored != null && !stored.derived()) {
            throw new ChangedVersion(
                    price.key(),
                    price.key() + " has no long_context_threshold (from " + stored.origin() + "); " + price.origin()
                            + " says " + threshold + ". " + versioned(price));
        }
    }

    /**
     * Whether a price of the model's own is given at a derived version's instant and amount: the version becomes the
     * model's own (its origin), as it would be, loaded first, so later derived versions of its slot are no longer
     * looked up (left out, they billed batch usage at half the next standard price). Its id and amount stay, so
     * nothing billed at it or priced from it moves (a Stripe price of the tokens layout is keyed by its amount).
     */
    private static boolean ownsDerived(Price price, Price stored) {
        return stored.derived() && !price.derived() && stored.usdPerMillion().compareTo(price.usdPerMillion()) == 0;
    }

    /**
     * Makes the batch price derived at the same instant from a derived long-context cache price that became the
     * model's own derive from that one: at the same amount, it would otherwise no longer be looked up ({@link
     * OwnPrices#supersedes}), and no other is derived at its key.
     */
    private void derivesBatchFromOwn(Price price, Map<Price.Key, Price> existing) {
        Price.Key batchKey = new Price.Key(
                price.model(), price.tokenType(), ServiceTier.BATCH, price.contextTier(), price.effectiveFrom());
        Price batch = existing.get(batchKey);
        if (price.serviceTier() == ServiceTier.STANDARD
                && batch != null
                && batch.origin().startsWith(DERIVED_BATCH)
                && batch.origin().contains(DERIVED_LONG)) {
            existing.put(batchKey, own(batch, DERIVED_BATCH + " from " + price.origin(), price.longContextThreshold()));
        }
    }

    /** Gives the stored version another origin and threshold, under its id and amount. */
    private Price own(Price stored, String origin, Long threshold) {
        Price owned = stored.withOrigin(origin, threshold);
        jdbc.update(
                "UPDATE price SET long_context_threshold = ?, origin = ? WHERE price_id = ?",
                owned.longContextThreshold(),
                owned.origin(),
                stored.priceId());
        log.info("{} ({}) is now from {}", stored.key(), stored.usdPerMillion(), owned.origin());
        return owned;
    }

    /** A price that would give a stored version another amount, or its model's instant another threshold. */
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

    /** Stores the long-context cache versions {@link LongCachePrices} derives, and adds them to {@code existing}. */
    private int deriveLongCachePrices(Map<Price.Key, Price> existing) {
        List<Price> derived = LongCachePrices.derive(existing);
        for (Price price : derived) {
            insert(price);
            existing.put(price.key(), price);
        }
        return derived.size();
    }

    /**
     * Derives a batch price at 50% of each standard version that no batch price of the model's own (for its token
     * type and context tier) precedes: before a batch price that starts later, batch usage is billed at half the
     * standard price, not held.
     */
    private int deriveBatchPrices(Iterable<Price> prices) {
        OwnPrices own = new OwnPrices(prices);
        Set<Price.Key> keys = new HashSet<>();
        for (Price price : prices) {
            keys.add(price.key());
        }
        int derived = 0;
        for (Price price : prices) {
            if (price.serviceTier() != ServiceTier.STANDARD
                    || own.supersedes(price)
                    || own.startsFromOwn(
                            price.model(),
                            price.tokenType(),
                            ServiceTier.BATCH,
                            price.contextTier(),
                            price.effectiveFrom())) {
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
