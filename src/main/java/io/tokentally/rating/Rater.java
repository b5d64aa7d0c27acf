package io.tokentally.rating;

import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Prices hourly usage: a pure function of the usage, the catalog, the customers and their plans. */
public final class Rater {

    private final PriceCatalog catalog;
    private final PriceCatalog heldCatalog;
    private final Map<String, Customer> customers;
    private final Map<String, Plan> plans;

    /**
     * @param catalog every price version from its effective instant
     * @param heldCatalog the same for plans that hold price changes until approved ({@link PriceChangePolicy#HOLD})
     */
    public Rater(
            PriceCatalog catalog, PriceCatalog heldCatalog, Map<String, Customer> customers, Map<String, Plan> plans) {
        this.catalog = catalog;
        this.heldCatalog = heldCatalog;
        this.customers = customers;
        this.plans = plans;
    }

    /** A rater for plans that all take price changes from their effective instant. */
    public Rater(PriceCatalog catalog, Map<String, Customer> customers, Map<String, Plan> plans) {
        this(catalog, catalog, customers, plans);
    }

    /** The usage's aggregates, one per token type it has tokens of. */
    public List<RatedAggregate> rate(HourlyUsage usage) {
        return rate(usage, false);
    }

    /**
     * The usage's aggregates; with {@code withZeros}, also one of zero tokens for each priced token type
     * it has none of, so that the writer can zero a stored aggregate whose tokens a replaced export
     * bucket took away (ADR 0012).
     */
    List<RatedAggregate> rate(HourlyUsage usage, boolean withZeros) {
        Customer customer = customers.get(usage.customerId());
        Plan plan = customer == null ? null : plans.get(customer.planIdAt(usage.hourStart()));
        BigDecimal markup = plan == null ? null : plan.markupFor(usage.provider(), usage.model());
        long[] tokens = {usage.input(), usage.cacheRead(), usage.cacheWrite5m(), usage.cacheWrite1h(), usage.output()};
        List<RatedAggregate> rated = new ArrayList<>(tokens.length);
        for (TokenType type : TokenType.values()) {
            long quantity = tokens[type.ordinal()];
            Optional<Price> found = catalogOf(plan)
                    .priceAt(usage.model(), type, usage.serviceTier(), usage.contextTier(), pricedAt(usage));
            if (quantity == 0 && (!withZeros || found.isEmpty())) {
                continue;
            }
            Price price = found.orElseThrow(
                    () -> new IllegalStateException("no " + usage.serviceTier().code() + " price for "
                            + type.code() + " of " + usage.model() + " at " + usage.priceEpoch()
                            + ": the price catalog lost a version that usage was accepted against"));
            BigDecimal cost = Amounts.cost(quantity, price.usdPerMillion());
            BigDecimal billed = markup == null ? BigDecimal.ZERO : Amounts.withMarkup(cost, markup);
            rated.add(new RatedAggregate(
                    usage.customerId(),
                    usage.provider(),
                    usage.model(),
                    type,
                    usage.serviceTier(),
                    usage.contextTier(),
                    usage.hourStart(),
                    usage.priceEpoch(),
                    plan != null,
                    plan == null ? null : plan.planId(),
                    usage.requests(),
                    quantity,
                    type == TokenType.OUTPUT ? usage.reasoning() : 0,
                    price.priceId(),
                    price.usdPerMillion(),
                    cost,
                    markup,
                    billed));
        }
        return rated;
    }

    private PriceCatalog catalogOf(Plan plan) {
        return plan != null && plan.priceChanges() == PriceChangePolicy.HOLD ? heldCatalog : catalog;
    }

    /**
     * The instant whose price applies: the usage's price epoch, or its hour's start if later (the same
     * price for every version of the full catalog; for a held catalog, an approval in force from the
     * hour's start).
     */
    private static java.time.Instant pricedAt(HourlyUsage usage) {
        return usage.hourStart().isAfter(usage.priceEpoch()) ? usage.hourStart() : usage.priceEpoch();
    }
}
