package io.tokentally.rating;

import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.pricing.Price;
import io.tokentally.shared.Hours;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The billed hours a price version added later does not reach (a back-dated price): rated aggregates of the
 * version's model, from the hour its effective instant falls in until the next version, that another version
 * billed: of the version's token type and tiers (at an earlier version, or at the input or standard-context price a
 * cache or long-context price fell back to), or of another token type or tier billed at an earlier version of the
 * version's own while it has no price of its own at its time (cache reads of a model without a cache price, billed
 * at its input price, when an input price is added; not once a back-dated cache price covers them). An aggregate
 * priced at the next version's start or later (in the hour that version starts in, its price epoch) is not this
 * version's to bill: the next version's, or, if rated before that one was added, named by that one's warning. Rows
 * already billed keep the version that billed them ({@link PricePins}) until {@code prices rerate} moves them. In
 * the hour the version starts in, only aggregates rated before it was added count: the hour's earlier part is
 * rightly billed at the version before it.
 */
@Component
public class EarlierVersionBilling {

    private static final String SQL = "SELECT COUNT(*) AS aggregates, COUNT(DISTINCT ra.customer_id) AS customers,"
            + " MIN(ra.hour_start) AS first_hour, MAX(ra.hour_start) AS last_hour,"
            + " SUM(CASE WHEN ra.hour_start < v.effective_from AND ra.price_epoch < v.effective_from THEN 1 ELSE 0 END)"
            + " AS in_start_hour,"
            + " MIN(CASE WHEN ra.hour_start >= v.effective_from OR ra.price_epoch >= v.effective_from"
            + " THEN ra.hour_start END) AS first_rerate_hour"
            + " FROM rated_aggregate ra JOIN price v ON v.price_id = ? JOIN price p ON p.price_id = ra.price_id"
            + " WHERE ra.hour_start >= ? AND ra.hour_start < ? AND ra.price_epoch < ? AND ra.model = ?"
            + " AND ((ra.token_type = ? AND ra.service_tier = ? AND ra.context_tier = ?)"
            + " OR (p.token_type = v.token_type AND p.service_tier = v.service_tier AND p.context_tier = v.context_tier"
            + " AND NOT EXISTS (SELECT 1 FROM price o WHERE o.model = ra.model AND o.token_type = ra.token_type"
            + " AND o.service_tier = ra.service_tier AND o.context_tier = ra.context_tier"
            + " AND o.effective_from <= ra.price_epoch))) AND ra.price_id <> v.price_id"
            + " AND ra.tokens > 0"
            + " AND ra.attributed = TRUE AND (ra.hour_start >= v.effective_from OR ra.rated_at < v.created_at)";
    /** Leaves out the aggregates of plans that hold price changes: they take a held version from its approval. */
    private static final String EXCEPT_HOLD_PLANS = SQL + " AND (ra.plan_id IS NULL OR ra.plan_id NOT IN"
            + " (SELECT plan_id FROM plan WHERE price_changes = '" + PriceChangePolicy.HOLD.code() + "'))";
    /** Bounds the hours when the version has no next one. */
    private static final Instant NO_NEXT_VERSION = Instant.parse("9999-01-01T00:00:00Z");

    private final JdbcTemplate jdbc;

    public EarlierVersionBilling(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What another version billed in the hours {@code version} covers until {@code until} (null: no next
     * version); empty if nothing. With {@code exceptHoldPlans} (a feed's version those plans take only once approved:
     * a change, not an added price), not counting the aggregates of plans that hold price changes, which never take
     * such a version back: their hours stay as billed, also in a rerate.
     */
    public Optional<Billed> of(Price version, Instant until, boolean exceptHoldPlans) {
        Instant end = until == null ? NO_NEXT_VERSION : until;
        Billed billed = jdbc.queryForObject(
                exceptHoldPlans ? EXCEPT_HOLD_PLANS : SQL,
                (rs, rowNum) -> new Billed(
                        rs.getLong("aggregates"),
                        rs.getLong("customers"),
                        SqlTime.read(rs, "first_hour"),
                        SqlTime.read(rs, "last_hour"),
                        rs.getLong("in_start_hour"),
                        SqlTime.read(rs, "first_rerate_hour")),
                version.priceId(),
                SqlTime.utc(Hours.startOf(version.effectiveFrom())),
                SqlTime.utc(end),
                SqlTime.utc(end),
                version.model(),
                version.tokenType().code(),
                version.serviceTier().code(),
                version.contextTier().code());
        return billed.aggregates() == 0 ? Optional.empty() : Optional.of(billed);
    }

    /**
     * How many aggregates of how many customers, the first and last of their hours, and how many of them lie in
     * the hour a version starting inside an hour starts in. Those hold that hour's rows summed before the version
     * was added, its earlier minutes (rightly at the version before) and its later ones alike: which rows came
     * after the version's start is not kept, so {@code prices rerate}, which prices an aggregate at its hour's
     * start or its price epoch, leaves them at the version that billed them. An aggregate of that hour whose price
     * epoch is the version's start or later (usage held for its tier keeps its own minute) is not among them: the
     * rerate prices it at its epoch, at this version. {@code firstRerateHour} is the first hour of the aggregates a
     * rerate moves, null when there are none.
     */
    public record Billed(
            long aggregates,
            long customers,
            Instant firstHour,
            Instant lastHour,
            long inStartHour,
            Instant firstRerateHour) {}
}
