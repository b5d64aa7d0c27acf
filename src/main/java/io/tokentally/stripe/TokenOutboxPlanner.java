package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans one customer's billing period in the {@code tokens} layout: a pure function of the period's
 * rated usage (each row with the token meter that bills it exactly, or none) and of what the outbox
 * holds. Token meters get the token count per hour, as new revisions of their differences, with the
 * same identifiers as the amount layout (customer, meter, hour, revision); the amount meters get, per
 * hour, the billed amount of their token class that the token meters do not cover, through
 * {@link OutboxPlanner} (micro-USD with the remainder carried).
 *
 * <p>An hour too old for meter events stamped with it is planned as any other, its events stamped inside Stripe's
 * window ({@link OutboxPlanner#stamp}), in the same billing period, whose count Stripe bills at one item's price: a
 * correction takes its tokens off the meter that billed them (ADR 0020). Nothing a token meter cannot bill is lost:
 * it is billed in micro-USD instead.
 */
final class TokenOutboxPlanner {

    /** One rated aggregate of the period, and the token meter that bills it exactly (null: none). */
    record Routed(TokenType tokenType, Instant hourStart, String tokenMeter, long tokens, BigDecimal billedUsd) {}

    /** The scale of {@code outbox.amount_usd}. */
    private static final int AMOUNT_SCALE = 26;

    private final OutboxPlanner planner;
    private final AmountMeterLayout amountLayout;

    TokenOutboxPlanner(OutboxPlanner planner, AmountMeterLayout amountLayout) {
        this.planner = planner;
        this.amountLayout = amountLayout;
    }

    /**
     * @param billingPeriod the billing period, open
     * @param queued what the outbox holds for this customer, per meter and hour of the period
     */
    List<OutboxRow> plan(
            String customerId,
            String stripeCustomerId,
            BillingPeriod billingPeriod,
            List<Routed> usage,
            Map<String, Map<Instant, OutboxPlanner.Queued>> queued) {
        PeriodPlan period = new PeriodPlan(customerId, stripeCustomerId, billingPeriod);
        period.sum(usage);
        for (String meter : tokenMeters(period.tokens, queued)) {
            period.planTokenMeter(meter, queued.getOrDefault(meter, Map.of()));
        }
        period.planAmountMeters(queued);
        return period.rows;
    }

    /** The token meters to plan: those the usage routes to and those the outbox holds rows of. */
    private TreeSet<String> tokenMeters(
            Map<String, NavigableMap<Instant, long[]>> tokens, Map<String, Map<Instant, OutboxPlanner.Queued>> queued) {
        Set<String> amountMeters = Set.copyOf(amountLayout.meters());
        TreeSet<String> tokenMeters = new TreeSet<>(tokens.keySet());
        queued.keySet().stream().filter(meter -> !amountMeters.contains(meter)).forEach(tokenMeters::add);
        return tokenMeters;
    }

    /** One customer's period as it is planned: its usage summed per meter and hour, and the rows planned so far. */
    private final class PeriodPlan {

        private final String customerId;
        private final String stripeCustomerId;
        private final BillingPeriod billingPeriod;
        /** The billed amount per amount meter and hour, less what the token meters cover once they are planned. */
        private final Map<String, NavigableMap<Instant, BigDecimal>> amounts = new TreeMap<>();
        /** The token count per token meter and hour. */
        private final Map<String, NavigableMap<Instant, long[]>> tokens = new TreeMap<>();
        /** The billed amount those token counts stand for, per token meter and hour. */
        private final Map<String, NavigableMap<Instant, BigDecimal>> exact = new TreeMap<>();

        private final List<OutboxRow> rows = new ArrayList<>();

        PeriodPlan(String customerId, String stripeCustomerId, BillingPeriod billingPeriod) {
            this.customerId = customerId;
            this.stripeCustomerId = stripeCustomerId;
            this.billingPeriod = billingPeriod;
        }

        /** Sums the routed usage into the amount meters and, where a token meter bills it, the token meters. */
        void sum(List<Routed> usage) {
            for (Routed row : usage) {
                add(amounts, amountLayout.meterFor(row.tokenType()), row.hourStart(), row.billedUsd());
                if (row.tokenMeter() != null) {
                    tokens.computeIfAbsent(row.tokenMeter(), meter -> new TreeMap<>())
                                    .computeIfAbsent(row.hourStart(), hour -> new long[1])[0] +=
                            row.tokens();
                    add(exact, row.tokenMeter(), row.hourStart(), row.billedUsd());
                }
            }
        }

        /**
         * Plans a token meter's hours as new revisions of their token differences, taking the amount they stand
         * for off the amount meter. A difference goes to the Stripe customers {@link
         * OutboxPlanner.Queued#meterEvents} names, each part standing for its share of the amount.
         */
        void planTokenMeter(String meter, Map<Instant, OutboxPlanner.Queued> held) {
            String amountMeter = amountLayout.meterFor(TokenMeterLayout.tokenTypeOf(meter));
            NavigableMap<Instant, long[]> wanted = tokens.getOrDefault(meter, new TreeMap<>());
            NavigableMap<Instant, BigDecimal> covered = exact.getOrDefault(meter, new TreeMap<>());
            TreeSet<Instant> hours = new TreeSet<>(wanted.keySet());
            hours.addAll(held.keySet());
            for (Instant hour : hours) {
                OutboxPlanner.Queued before = held.getOrDefault(hour, new OutboxPlanner.Queued(0, 0));
                BigDecimal amount = covered.getOrDefault(hour, BigDecimal.ZERO);
                add(amounts, amountMeter, hour, amount.negate());
                long delta = (wanted.containsKey(hour) ? wanted.get(hour)[0] : 0) - before.valueMicros();
                int revision = before.revision();
                BigDecimal amountLeft = amount.subtract(before.amountUsd());
                long tokensLeft = delta;
                for (OutboxPlanner.Part part :
                        planner.place(customerId, stripeCustomerId, meter, hour, before, delta)) {
                    // each part stands for its share of the amount, the last for what is left
                    BigDecimal partAmount = part.value() == tokensLeft
                            ? amountLeft
                            : amountLeft
                                    .multiply(BigDecimal.valueOf(part.value()))
                                    .divide(BigDecimal.valueOf(tokensLeft), AMOUNT_SCALE, RoundingMode.HALF_EVEN);
                    rows.add(planner.tokenRow(
                            customerId,
                            part.stripeCustomerId(),
                            meter,
                            hour,
                            ++revision,
                            part.value(),
                            partAmount,
                            billingPeriod));
                    amountLeft = amountLeft.subtract(partAmount);
                    tokensLeft -= part.value();
                }
            }
        }

        /** Plans the amount meters in micro-USD, through {@link OutboxPlanner}. */
        void planAmountMeters(Map<String, Map<Instant, OutboxPlanner.Queued>> queued) {
            for (String meter : amountLayout.meters()) {
                if (amounts.containsKey(meter) || queued.containsKey(meter)) {
                    rows.addAll(planner.plan(
                            customerId,
                            stripeCustomerId,
                            meter,
                            billingPeriod,
                            BigDecimal.ZERO,
                            amounts.getOrDefault(meter, new TreeMap<>()),
                            queued.getOrDefault(meter, Map.of())));
                }
            }
        }
    }

    private static void add(
            Map<String, NavigableMap<Instant, BigDecimal>> sums, String meter, Instant hour, BigDecimal amount) {
        sums.computeIfAbsent(meter, key -> new TreeMap<>()).merge(hour, amount, BigDecimal::add);
    }
}
