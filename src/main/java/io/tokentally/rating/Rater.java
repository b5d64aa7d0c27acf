package io.tokentally.rating;

import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Prices hourly usage: a pure function of the usage, the catalog, the customers, their plans and the
 * price versions kept for aggregates billed before.
 */
public final class Rater {

    private final PriceCatalog catalog;
    private final PriceCatalog heldCatalog;
    private final Map<String, Customer> customers;
    private final Map<String, Plan> plans;
    private final PricePins pins;

    /**
     * @param catalog every price version from its effective instant
     * @param heldCatalog the same for plans that hold price changes until approved ({@link PriceChangePolicy#HOLD})
     */
    public Rater(
            PriceCatalog catalog, PriceCatalog heldCatalog, Map<String, Customer> customers, Map<String, Plan> plans) {
        this(catalog, heldCatalog, customers, plans, PricePins.NONE);
    }

    private Rater(
            PriceCatalog catalog,
            PriceCatalog heldCatalog,
            Map<String, Customer> customers,
            Map<String, Plan> plans,
            PricePins pins) {
        this.catalog = catalog;
        this.heldCatalog = heldCatalog;
        this.customers = customers;
        this.plans = plans;
        this.pins = pins;
    }

    /** A rater for plans that all take price changes from their effective instant. */
    public Rater(PriceCatalog catalog, Map<String, Customer> customers, Map<String, Plan> plans) {
        this(catalog, catalog, customers, plans);
    }

    /** This rater, rating aggregates billed before at the price version that billed them (see {@link PricePins}). */
    Rater keepingPrices(PricePins kept) {
        return new Rater(catalog, heldCatalog, customers, plans, kept);
    }

    /** The usage's rated aggregates; usage without a price is left out (see {@link #rateOrHold}). */
    public List<RatedAggregate> rate(HourlyUsage usage) {
        return rateOrHold(usage, false).rated();
    }

    /** {@link #rateOrHold(HourlyUsage, boolean)} without zero aggregates. */
    public Rating rateOrHold(HourlyUsage usage) {
        return rateOrHold(usage, false);
    }

    /**
     * Rates each token type of the usage at the price in force at its time, or holds it back when
     * there is none: held usage is never billed at zero, and is rated by a later run once a price for
     * its time exists. Usage still held since ingest ({@link HourlyUsage#held}) is held whole until the rate
     * step settles it. Usage held under its own id without that mark (export buckets, and rows held before
     * it existed) also finds a price added for its alias (its dated snapshot suffix removed); the aggregate
     * keeps the stored id, so it never collides with usage stored under the alias. With {@code withZeros}, also one aggregate of zero tokens for each
     * priced token type the usage has none of, so that the writer can zero a stored aggregate whose
     * tokens a replaced export bucket took away (ADR 0012).
     */
    Rating rateOrHold(HourlyUsage usage, boolean withZeros) {
        Customer customer = customers.get(usage.customerId());
        Plan plan = customer == null ? null : plans.get(customer.planIdAt(usage.hourStart()));
        PriceCatalog prices = catalogOf(plan);
        String model = prices.pricedModel(usage.provider(), usage.model()).orElse(usage.model());
        BigDecimal markup = plan == null ? null : plan.markupFor(usage.provider(), model);
        List<RatedAggregate> rated = new ArrayList<>(TokenType.values().length);
        List<HeldUsage> held = new ArrayList<>(0);
        for (TokenType type : TokenType.values()) {
            long quantity = usage.quantity(type);
            Optional<Price> price = priceOf(usage, type, prices, model);
            if (quantity == 0 && (!withZeros || price.isEmpty())) {
                continue;
            }
            if (price.isEmpty()) {
                held.add(held(
                        usage,
                        type,
                        quantity,
                        plan,
                        model,
                        prices.pricingAt(model, pricedAt(usage)).isPresent()));
                continue;
            }
            rated.add(rated(usage, type, quantity, plan, price.get(), model, markup));
        }
        return new Rating(rated, held);
    }

    /**
     * The price of the usage's token type: none for usage still held since ingest, the pinned version for an
     * aggregate billed before, else the price in force at its time.
     */
    private Optional<Price> priceOf(HourlyUsage usage, TokenType type, PriceCatalog prices, String model) {
        OptionalLong pinned = pins.priceIdOf(usage, type);
        return usage.held()
                ? Optional.empty()
                : pinned.isPresent()
                        ? catalog.byId(pinned.getAsLong())
                        : prices.priceAt(model, type, usage.serviceTier(), usage.contextTier(), pricedAt(usage));
    }

    /**
     * The usage of one token type held back for want of a price, with the reason: no price of its tiers and token
     * type, or, when {@code modelPriced} is false, none of its model at all.
     */
    private static HeldUsage held(
            HourlyUsage usage, TokenType type, long quantity, Plan plan, String model, boolean modelPriced) {
        return new HeldUsage(
                usage.customerId(),
                usage.provider(),
                usage.model(),
                type,
                usage.serviceTier(),
                usage.contextTier(),
                usage.hourStart(),
                usage.priceEpoch(),
                usage.newestPriceId(),
                plan != null,
                usage.requests(),
                quantity,
                modelPriced
                        ? "no " + usage.serviceTier().code()
                                + (usage.contextTier() == ContextTier.LONG ? " long-context" : "") + " price for "
                                + type.code() + " of " + model + " is in force at " + pricedAt(usage)
                        : "no price of " + model + " is in force at " + pricedAt(usage));
    }

    /**
     * The usage of one token type rated at {@code price}: its cost, and the billed amount at the plan's custom rate
     * for the model's token type and tiers, else with the plan's markup.
     */
    private static RatedAggregate rated(
            HourlyUsage usage, TokenType type, long quantity, Plan plan, Price price, String model, BigDecimal markup) {
        BigDecimal cost = Amounts.cost(quantity, price.usdPerMillion());
        BigDecimal rate = plan == null ? null : plan.rateFor(model, type, usage.serviceTier(), usage.contextTier());
        BigDecimal billed = rate != null
                ? Amounts.cost(quantity, rate)
                : markup == null ? BigDecimal.ZERO : Amounts.withMarkup(cost, markup);
        return new RatedAggregate(
                usage.customerId(),
                usage.provider(),
                usage.model(),
                type,
                usage.serviceTier(),
                usage.contextTier(),
                usage.hourStart(),
                usage.priceEpoch(),
                usage.newestPriceId(),
                plan != null,
                plan == null ? null : plan.planId(),
                usage.requests(),
                quantity,
                type == TokenType.OUTPUT ? usage.reasoning() : 0,
                price.priceId(),
                price.usdPerMillion(),
                cost,
                rate == null ? markup : null,
                rate,
                billed);
    }

    /** What rating one hour of usage gave: the rated aggregates and the usage held back for want of a price. */
    public record Rating(List<RatedAggregate> rated, List<HeldUsage> held) {}

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
