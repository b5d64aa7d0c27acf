package io.tokentally.stripe;

import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import io.tokentally.plans.PriceChangePolicy;
import io.tokentally.plans.StripePriceMoves;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Decides which rated usage the {@code tokens} layout can send as a token count, so that Stripe, which
 * bills the count at the price on the customer's subscription item, bills exactly the engine's amount.
 * A row qualifies only when all of these hold; everything else stays on the amount meters:
 *
 * <ul>
 *   <li>its price is the model's own price of that token type in the usage's service and context tier
 *       (not a fallback such as a cache read at the input price), in a tier the layout provisions
 *       (standard, plus those listed in {@code tokentally.stripe.token-tiers});
 *   <li>the model is listed ({@code tokentally.stripe.token-models}) and its meter is active in Stripe
 *       (when Stripe is asked; a dry run assumes it is);
 *   <li>its billed amount is exactly the count times the Stripe unit price of its plan (cents per unit,
 *       12 decimals, markup included);
 *   <li>the subscription item bills that price version at the row's time: with {@code next_period}
 *       moves, the version in force at the start of the row's billing period (for a model first priced
 *       during the period, its first version, which the item was added with);
 *   <li>Stripe holds a price of that version at that unit price (when Stripe is asked): a markup or price changed
 *       since {@code stripe setup} last ran has none, and the item still bills the old one;
 *   <li>one plan is in force over the customer's whole billing period: Stripe bills a meter's count of the period
 *       at one item's price, so a period that a plan change splits (another markup, other Stripe prices) is sent
 *       in USD; and, for the same reason, the period's usage of the meter is all at one Stripe price: a plan's markup
 *       edited within the period (rows rated at the old and at the new markup, each priced in Stripe) sends the
 *       meter's period in USD ({@link #metersFor});
 *   <li>with moves at a change's instant ({@code effective_instant}), no version of the usage's price begins inside
 *       its billing period after the one its item bills at the period's start: Stripe bills a metered item moved to
 *       another price mid-period, without proration, only for the usage after the move, so the usage of such a
 *       period is sent in USD.
 * </ul>
 */
final class TokenRouting {

    /** One rated aggregate as the outbox reads it. */
    record Usage(
            String customerId,
            String planId,
            TokenType tokenType,
            ServiceTier serviceTier,
            ContextTier contextTier,
            Instant hourStart,
            Instant priceEpoch,
            long priceId,
            BigDecimal markupPercent,
            long tokens,
            BigDecimal billedUsd) {}

    private final TokenMeterLayout layout;
    private final Set<String> models;
    private final Set<String> activeMeters;
    private final Predicate<String> pricedInStripe;
    private final PriceCatalog catalog;
    private final PriceCatalog heldCatalog;
    private final Map<String, TreeSet<Instant>> starts;
    private final Map<String, TreeSet<Instant>> heldStarts;
    private final Map<String, Plan> plans;
    private final Map<String, Customer> customers;
    /** Per customer and period start, whether one plan is in force over the whole period. */
    private final Map<String, Boolean> onePlan = new HashMap<>();

    /**
     * @param activeMeters the event names of Stripe's active meters, or null when Stripe is not asked
     * @param pricedInStripe whether Stripe holds a price of a lookup key ({@link TokenMeterLayout#lookupKey}), archived
     *     or not, or null when Stripe is not asked
     * @param versions every price version from its effective instant
     * @param heldVersions the same as plans that hold changes until approval see them
     */
    TokenRouting(
            TokenMeterLayout layout,
            Set<String> models,
            Set<String> activeMeters,
            Predicate<String> pricedInStripe,
            List<Price> versions,
            List<Price> heldVersions,
            Map<String, Plan> plans,
            Map<String, Customer> customers) {
        this.layout = layout;
        this.models = Set.copyOf(models);
        this.activeMeters = activeMeters == null ? null : Set.copyOf(activeMeters);
        this.pricedInStripe = pricedInStripe;
        this.catalog = new PriceCatalog(versions);
        this.heldCatalog = new PriceCatalog(heldVersions);
        this.starts = starts(versions);
        this.heldStarts = starts(heldVersions);
        this.plans = plans;
        this.customers = customers;
    }

    private static String slot(String model, TokenType type, ServiceTier serviceTier, ContextTier contextTier) {
        return model + '\u0000' + type + '\u0000' + serviceTier + '\u0000' + contextTier;
    }

    /** Per model, token type and tiers, the effective instants of its prices. */
    private static Map<String, TreeSet<Instant>> starts(List<Price> versions) {
        Map<String, TreeSet<Instant>> starts = new HashMap<>();
        for (Price price : versions) {
            starts.computeIfAbsent(
                            slot(price.model(), price.tokenType(), price.serviceTier(), price.contextTier()),
                            key -> new TreeSet<>())
                    .add(price.effectiveFrom());
        }
        return starts;
    }

    /**
     * The tokens-layout meter of each of a customer's usage of one billing period, in their order (see the class),
     * but none for a meter whose usage there would be billed at more than one Stripe price (lookup key): Stripe bills
     * the meter's count of the period at one item's price, so those rows go in USD, as a period a plan change splits
     * does.
     */
    List<Optional<String>> metersFor(List<Usage> usages, BillingPeriod period) {
        List<Optional<Route>> routes =
                usages.stream().map(usage -> route(usage, period)).toList();
        Map<String, Set<String>> keysPerMeter = new HashMap<>();
        routes.forEach(route -> route.ifPresent(found -> keysPerMeter
                .computeIfAbsent(found.customerMeter(), meter -> new HashSet<>())
                .add(found.lookupKey())));
        return routes.stream()
                .map(route -> route.filter(
                                found -> keysPerMeter.get(found.customerMeter()).size() == 1)
                        .map(Route::meter))
                .toList();
    }

    /**
     * A meter that bills a usage exactly, and the lookup key of the Stripe price it bills it at.
     *
     * @param customerId the usage's customer: a meter's prices are told apart per customer
     */
    private record Route(String customerId, String meter, String lookupKey) {

        String customerMeter() {
            return customerId + '\u0000' + meter;
        }
    }

    /** The tokens-layout meter that bills this usage exactly, if there is one, with its lookup key. */
    private Optional<Route> route(Usage usage, BillingPeriod period) {
        Plan plan = usage.planId() == null ? null : plans.get(usage.planId());
        Optional<Price> price = catalog.byId(usage.priceId());
        if (plan == null || usage.markupPercent() == null || price.isEmpty() || !ownPrice(usage, price.get())) {
            return Optional.empty();
        }
        String model = price.get().model();
        String meter = layout.eventName(model, usage.tokenType(), usage.serviceTier(), usage.contextTier());
        if (!models.contains(model) || (activeMeters != null && !activeMeters.contains(meter))) {
            return Optional.empty();
        }
        BigDecimal centsPerUnit = Amounts.centsPerUnit(price.get().usdPerMillion(), usage.markupPercent());
        BigDecimal stripeUsd =
                centsPerUnit.multiply(BigDecimal.valueOf(usage.tokens())).movePointLeft(2);
        if (stripeUsd.compareTo(usage.billedUsd()) != 0
                || !onItem(usage, price.get(), plan, period)
                || movesInside(usage, price.get(), plan, period)
                || !onePlanThrough(usage.customerId(), period)) {
            return Optional.empty();
        }
        String lookupKey = TokenMeterLayout.lookupKey(meter, price.get().effectiveFrom(), plan.planId(), centsPerUnit);
        if (pricedInStripe != null && !pricedInStripe.test(lookupKey)) {
            return Optional.empty(); // no Stripe price bills this markup and version: set-up not run since they changed
        }
        return Optional.of(new Route(usage.customerId(), meter, lookupKey));
    }

    /** Whether one plan is in force over the customer's whole period (a customer unknown here has none). */
    private boolean onePlanThrough(String customerId, BillingPeriod period) {
        return onePlan.computeIfAbsent(customerId + '\u0000' + period.start(), key -> {
            Customer customer = customers.get(customerId);
            return customer != null
                    && customer.segments(period).stream()
                                    .map(PlanSegment::planId)
                                    .distinct()
                                    .count()
                            == 1;
        });
    }

    private boolean ownPrice(Usage usage, Price price) {
        return price.tokenType() == usage.tokenType()
                && price.serviceTier() == usage.serviceTier()
                && price.contextTier() == usage.contextTier()
                && layout.provisions(usage.serviceTier(), usage.contextTier());
    }

    /**
     * Whether a plan that moves items at a change's instant has the item of the usage's price move inside the period:
     * a version begins inside it after the one in force at its start (or, for a model first priced during the
     * period, after its first version, which the item was added with).
     */
    private boolean movesInside(Usage usage, Price price, Plan plan, BillingPeriod period) {
        if (plan.stripePriceMoves() == StripePriceMoves.NEXT_PERIOD) {
            return false;
        }
        TreeSet<Instant> effective = (plan.priceChanges() == PriceChangePolicy.HOLD ? heldStarts : starts)
                .get(slot(price.model(), usage.tokenType(), usage.serviceTier(), usage.contextTier()));
        if (effective == null || effective.isEmpty()) {
            return false;
        }
        Instant first = effective.first().isAfter(period.start()) ? effective.first() : period.start();
        Instant move = effective.higher(first);
        return move != null && move.isBefore(period.end());
    }

    /** Whether the subscription item bills this version at the usage's time, as the plan moves items. */
    private boolean onItem(Usage usage, Price price, Plan plan, BillingPeriod period) {
        boolean held = plan.priceChanges() == PriceChangePolicy.HOLD;
        PriceCatalog view = held ? heldCatalog : catalog;
        Instant at = usage.hourStart().isAfter(usage.priceEpoch()) ? usage.hourStart() : usage.priceEpoch();
        if (plan.stripePriceMoves() == StripePriceMoves.NEXT_PERIOD) {
            TreeSet<Instant> effective = (held ? heldStarts : starts)
                    .getOrDefault(
                            slot(price.model(), usage.tokenType(), usage.serviceTier(), usage.contextTier()),
                            new TreeSet<>());
            Instant inForceAtStart = effective.floor(period.start());
            at = inForceAtStart != null ? period.start() : effective.ceiling(period.start());
            if (at == null) {
                return false;
            }
        }
        return view.priceAt(price.model(), usage.tokenType(), usage.serviceTier(), usage.contextTier(), at)
                .filter(onItem -> onItem.priceId() == price.priceId())
                .isPresent();
    }
}
