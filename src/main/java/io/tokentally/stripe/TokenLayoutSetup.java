package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import io.tokentally.plans.Plan;
import io.tokentally.stripe.TokenMeterLayout.TokenPrice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Provisions the {@code tokens} layout in Stripe: the meters and metered prices {@link TokenMeterLayout}
 * derives, created when missing (meters found by event name, prices by lookup key, archived ones included:
 * {@link MeteredPrices#findPrice} says why), so a rerun creates nothing, and a new price version creates a new
 * price next to the old one (Stripe prices are immutable). A dry run only reads.
 */
@Component
public class TokenLayoutSetup {

    private final StripeProperties properties;
    private final Clock clock;

    public TokenLayoutSetup(StripeProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** What happened, or would happen in a dry run, to a meter or a price. */
    public enum Outcome {
        EXISTS,
        CREATED,
        WOULD_CREATE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** One price of the layout and its meter, as they stand in Stripe after the run. */
    public record Item(TokenPrice price, String meterId, Outcome meter, String priceId, Outcome stripePrice) {}

    /**
     * A price found in Stripe that a newer version supersedes: its subscription items move to {@code to}
     * once {@code to} is in force.
     *
     * @param items the subscription items on the old price ("si_… (subscription sub_…, customer cus_…)")
     * @param moved whether this run moved them (those not {@code waiting})
     * @param waiting of {@code items}, those a {@code next_period} plan leaves on the old price until their
     *     next billing period starts (their current one started before the change)
     */
    public record Move(
            String eventName,
            String fromLookupKey,
            String fromPriceId,
            TokenPrice to,
            String toPriceId,
            List<String> items,
            boolean moved,
            List<String> waiting) {

        Move(
                String eventName,
                String fromLookupKey,
                String fromPriceId,
                TokenPrice to,
                String toPriceId,
                List<String> items,
                boolean moved) {
            this(eventName, fromLookupKey, fromPriceId, to, toPriceId, items, moved, List.of());
        }
    }

    /** The run's result: the items, the moves they call for, and warnings for the operator. */
    public record Report(List<Item> items, List<Move> moves, List<String> warnings) {}

    /**
     * Ensures the prices {@code layout} derives for {@code models} under {@code plan} (null: no markup)
     * from {@code versions}, the catalog as that plan sees it; with {@code moveSubscriptions} (not in a
     * dry run) moves the subscription items on superseded prices to the price in force now, or, for a
     * plan with {@code stripe_price_moves: next_period}, those whose current billing period started at
     * or after the new price's effective instant (the others are listed as waiting).
     */
    public Report ensure(
            List<String> models,
            List<io.tokentally.pricing.Price> versions,
            Plan plan,
            boolean dryRun,
            boolean moveSubscriptions)
            throws StripeException, InterruptedException {
        return ensure(models, versions, plan, dryRun, moveSubscriptions, properties.tokenTiers());
    }

    /**
     * {@link #ensure(List, List, Plan, boolean, boolean)} for standard prices and those of {@code tiers}
     * ({@code batch}, {@code priority}, {@code flex}, {@code long}), each on meters of their own.
     */
    public Report ensure(
            List<String> models,
            List<io.tokentally.pricing.Price> versions,
            Plan plan,
            boolean dryRun,
            boolean moveSubscriptions,
            List<String> tiers)
            throws StripeException, InterruptedException {
        TokenMeterLayout layout = new TokenMeterLayout(properties.eventNamePrefix(), tiers);
        List<TokenPrice> wanted = layout.prices(models, versions, plan, clock.instant());
        List<String> warnings = warnings(wanted, versions, models, plan, tiers.contains("long"));
        if (properties.dryRun()) {
            return withoutKey(wanted, warnings, dryRun);
        }
        StripeSender stripe = new StripeSender(properties);
        List<Item> items = provision(stripe, wanted, dryRun);
        List<Move> moves = new ArrayList<>();
        for (Move move : moves(stripe, layout, items, versions, plan)) {
            moves.add(withItems(stripe, move, moveSubscriptions && !dryRun, nextPeriod(plan)));
        }
        return new Report(items, moves, warnings);
    }

    /** The report of a run without a Stripe key: a dry run lists everything as would-create; any other run fails. */
    private static Report withoutKey(List<TokenPrice> wanted, List<String> warnings, boolean dryRun) {
        if (!dryRun) {
            throw new IllegalStateException(
                    "STRIPE_API_KEY (tokentally.stripe.api-key) is not set: stripe setup needs a key"
                            + " (or --dry-run)");
        }
        warnings.add("no STRIPE_API_KEY: Stripe was not asked, so everything is listed as would-create");
        List<Item> items = wanted.stream()
                .map(price -> new Item(price, null, Outcome.WOULD_CREATE, null, Outcome.WOULD_CREATE))
                .toList();
        return new Report(items, List.of(), warnings);
    }

    /** Finds each price's meter and price, creating what is missing unless it is a dry run. */
    private static List<Item> provision(StripeSender stripe, List<TokenPrice> wanted, boolean dryRun)
            throws StripeException, InterruptedException {
        Map<String, String> meters = StripeLookups.meterIds(stripe);
        List<Item> items = new ArrayList<>();
        for (TokenPrice price : wanted) {
            String meterId = meters.get(price.eventName());
            Outcome meterOutcome = Outcome.EXISTS;
            if (meterId == null && dryRun) {
                meterOutcome = Outcome.WOULD_CREATE;
            } else if (meterId == null) {
                meterId = SummingMeters.create(stripe, price.eventName(), price.displayName())
                        .getId();
                meters.put(price.eventName(), meterId);
                meterOutcome = Outcome.CREATED;
            }
            Price found = MeteredPrices.findPrice(stripe, price.lookupKey());
            Outcome priceOutcome = found != null ? Outcome.EXISTS : dryRun ? Outcome.WOULD_CREATE : Outcome.CREATED;
            String priceId = found != null
                    ? found.getId()
                    : dryRun ? null : TokenLayoutRequests.createPrice(stripe, price, meterId);
            items.add(new Item(price, meterId, meterOutcome, priceId, priceOutcome));
        }
        return items;
    }

    private static boolean nextPeriod(Plan plan) {
        return plan != null && plan.stripePriceMoves() == io.tokentally.plans.StripePriceMoves.NEXT_PERIOD;
    }

    private static Move withItems(StripeSender stripe, Move move, boolean moveNow, boolean nextPeriod)
            throws StripeException, InterruptedException {
        if (move.fromPriceId() == null) {
            return move;
        }
        List<SubscriptionMoves.ItemOnPrice> onOld = SubscriptionMoves.itemsOn(stripe, move.fromPriceId());
        boolean due = moveNow && move.to().current() && move.toPriceId() != null && !onOld.isEmpty();
        List<String> items = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (SubscriptionMoves.ItemOnPrice item : onOld) {
            String text =
                    item.itemId() + " (subscription " + item.subscriptionId() + ", customer " + item.customer() + ")";
            items.add(text);
            if (nextPeriod && !item.periodStartedAtOrAfter(move.to().effectiveFrom())) {
                waiting.add(text);
            } else if (due) {
                SubscriptionMoves.move(
                        stripe, item.itemId(), move.toPriceId(), move.to().lookupKey());
            }
        }
        return new Move(
                move.eventName(),
                move.fromLookupKey(),
                move.fromPriceId(),
                move.to(),
                move.toPriceId(),
                items,
                due && waiting.size() < items.size(),
                waiting);
    }

    /** The moves the items call for: from each superseded price found in Stripe, and to each later version. */
    private List<Move> moves(
            StripeSender stripe,
            TokenMeterLayout layout,
            List<Item> items,
            List<io.tokentally.pricing.Price> versions,
            Plan plan)
            throws StripeException, InterruptedException {
        List<Move> moves = new ArrayList<>();
        Map<String, List<String>> superseded =
                layout.supersededKeys(items.stream().map(Item::price).toList(), versions, plan);
        Map<String, Item> currentByMeter = currentByMeter(items);
        for (Map.Entry<String, List<String>> entry : superseded.entrySet()) {
            Item to = currentByMeter.get(entry.getKey());
            for (String key : entry.getValue()) {
                Price old = MeteredPrices.findPrice(stripe, key);
                if (old != null) {
                    moves.add(new Move(entry.getKey(), key, old.getId(), to.price(), to.priceId(), List.of(), false));
                }
            }
        }
        moves.addAll(movesToLaterVersions(items, currentByMeter));
        return moves;
    }

    /** The moves from the price in force now to each later version of the same meter's price. */
    private static List<Move> movesToLaterVersions(List<Item> items, Map<String, Item> currentByMeter) {
        List<Move> moves = new ArrayList<>();
        for (Item item : items) {
            Item from = currentByMeter.get(item.price().eventName());
            if (!item.price().current() && from != null) {
                moves.add(new Move(
                        item.price().eventName(),
                        from.price().lookupKey(),
                        from.priceId(),
                        item.price(),
                        item.priceId(),
                        List.of(),
                        false));
            }
        }
        return moves;
    }

    /** The items of the prices in force now, by meter event name. */
    private static Map<String, Item> currentByMeter(List<Item> items) {
        Map<String, Item> currentByMeter = new HashMap<>();
        for (Item item : items) {
            if (item.price().current()) {
                currentByMeter.put(item.price().eventName(), item);
            }
        }
        return currentByMeter;
    }

    /** The amount layout's meters, whose prices a subscription in the tokens layout carries too (ADR 0020). */
    private static final int AMOUNT_METERS =
            new AmountMeterLayout("tokentally").meters().size();

    private static List<String> warnings(
            List<TokenPrice> wanted,
            List<io.tokentally.pricing.Price> versions,
            List<String> models,
            Plan plan,
            boolean longProvisioned) {
        List<String> warnings = new ArrayList<>();
        Set<String> meters = new LinkedHashSet<>();
        wanted.forEach(price -> meters.add(price.eventName()));
        int room = TokenMeterLayout.MAX_SUBSCRIPTION_ITEMS - AMOUNT_METERS;
        if (meters.size() > room) {
            warnings.add(meters.size() + " metered prices for plan "
                    + (plan == null ? TokenMeterLayout.NO_PLAN : plan.planId())
                    + ": Stripe allows " + TokenMeterLayout.MAX_SUBSCRIPTION_ITEMS
                    + " items per subscription and the upload also needs the " + AMOUNT_METERS
                    + " amount meters' prices for the usage it cannot send as tokens, so one subscription can"
                    + " carry " + room + " token prices; list fewer models or use the amount layout");
        }
        longContextModels(versions, models, longProvisioned)
                .forEach(model -> warnings.add(model
                        + " has long-context prices; without --tiers long the tokens layout provisions only"
                        + " standard-context prices (long-context usage is then billed on the amount meters)"));
        return warnings;
    }

    /** The listed models with long-context prices, in catalog order, unless the run provisions the long tier. */
    private static Set<String> longContextModels(
            List<io.tokentally.pricing.Price> versions, List<String> models, boolean longProvisioned) {
        Set<String> longContext = new LinkedHashSet<>();
        for (io.tokentally.pricing.Price price : versions) {
            if (!longProvisioned
                    && models.contains(price.model())
                    && price.contextTier() == io.tokentally.shared.ContextTier.LONG) {
                longContext.add(price.model());
            }
        }
        return longContext;
    }
}
