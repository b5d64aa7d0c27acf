package io.tokentally.rating;

import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.shared.UsageWindow;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The price versions that already billed the aggregates of a run's hours. A nightly run (and its
 * reruns) keeps them, so that history is re-rated at other prices only by the rerate job ({@code
 * prices rerate}), which records who asked and why: a back-dated price (an override, a sync with a
 * past effective instant) applies to hours rated after it was loaded, not to hours already billed.
 */
public final class PricePins {

    static final PricePins NONE = new PricePins(Map.of());

    private static final String SELECT_PINS = " SELECT customer_id, model, token_type, service_tier, context_tier,"
            + " hour_start, price_epoch, newest_price_id, price_id FROM rated_aggregate";

    private final Map<AggregateKey, Long> priceIds;

    private PricePins(Map<AggregateKey, Long> priceIds) {
        this.priceIds = priceIds;
    }

    /**
     * The stored price ids of the aggregates of the run's window and, apart, of its other hours: each part
     * reads through the primary key, which starts with the hour, where "in the window or in the run's
     * hours" scanned every rated aggregate.
     */
    static PricePins of(JdbcTemplate jdbc, long run, UsageWindow window) {
        Map<AggregateKey, Long> priceIds = new HashMap<>();
        jdbc.query(
                SELECT_PINS + " WHERE hour_start >= ? AND hour_start < ? UNION ALL" + SELECT_PINS
                        + " WHERE hour_start IN (SELECT hour_start FROM run_hour WHERE ingest_run = ?"
                        + " AND (hour_start < ? OR hour_start >= ?))",
                rs -> {
                    priceIds.put(
                            new AggregateKey(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5),
                                    SqlTime.read(rs, "hour_start"),
                                    SqlTime.read(rs, "price_epoch"),
                                    rs.getLong("newest_price_id")),
                            rs.getLong("price_id"));
                },
                SqlTime.utc(window.from()),
                SqlTime.utc(window.to()),
                run,
                SqlTime.utc(window.from()),
                SqlTime.utc(window.to()));
        return new PricePins(priceIds);
    }

    /** The price version that billed this usage's token type before, if it was billed. */
    OptionalLong priceIdOf(HourlyUsage usage, TokenType type) {
        if (priceIds.isEmpty()) {
            return OptionalLong.empty();
        }
        Long id = priceIds.get(new AggregateKey(
                usage.customerId(),
                usage.model(),
                type.code(),
                usage.serviceTier().code(),
                usage.contextTier().code(),
                usage.hourStart(),
                usage.priceEpoch(),
                usage.newestPriceId()));
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }
}
