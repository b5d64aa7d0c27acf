package io.tokentally.stripe;

import io.tokentally.rating.AllocatedCharge;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which Stripe customers' meters bill a customer's hours, and how much of each hour: after the customer's Stripe
 * customer changed inside a billing period, each one's invoice bills the hours its meters hold, and Stripe applies a
 * grant to the invoices of the Stripe customer it was made on only. So a grant of what an allowance or a purchase
 * paid of such a period is split between them by what it paid of the hours each one bills (hunt BT: a $20 grant
 * left whole on the old one paid its $11.25 and expired $8.75 unused while the new one paid its $15.00 whole), and
 * one of a period a single Stripe customer bills names that one, whichever grant another holds being voided (hunt
 * BY: a whole grant made on the old id before any usage stayed there while the new id billed the period; a grant
 * of the new id's was raised under the old one's column while that one's grant lived on).
 */
final class StripeHolders {

    /** A customer whose Stripe customer never changed: it holds every hour and every grant. */
    static StripeHolders only(String current) {
        return new StripeHolders(current, Map.of(), false);
    }

    private final String current;
    private final Map<Instant, Map<String, BigDecimal>> billed;
    /** Whether the customer's Stripe customer changed: then every grant it places names its Stripe customer. */
    private final boolean changed;

    /**
     * The holders of a customer whose Stripe customer changed.
     *
     * @param current the customer's Stripe customer now
     * @param billed per hour, what each Stripe customer's meter events of it bill, in USD: only a positive holding
     *     counts
     */
    StripeHolders(String current, Map<Instant, Map<String, BigDecimal>> billed) {
        this(current, billed, true);
    }

    private StripeHolders(String current, Map<Instant, Map<String, BigDecimal>> billed, boolean changed) {
        this.current = current;
        this.billed = billed;
        this.changed = changed;
    }

    /**
     * The Stripe customers that bill some hour of the period, in id order: the customer's now alone if none does
     * (no usage yet).
     */
    Set<String> billing(BillingPeriod period) {
        Set<String> billing = new TreeSet<>();
        billed.forEach((hour, holders) -> {
            if (period.contains(hour)) {
                holders.forEach((holder, value) -> {
                    if (value.signum() > 0) {
                        billing.add(holder);
                    }
                });
            }
        });
        return billing.isEmpty() ? Set.of(current) : billing;
    }

    /**
     * A grant of what an allowance or a purchase paid of a period's usage, as the Stripe customers that bill the
     * period should hold it: split between them when several do ({@link #parts}), on the one that does otherwise
     * (named when the customer's Stripe customer changed), as it is for a customer whose never did.
     *
     * @param paid what the grant's source paid of a charge, or null
     */
    List<CreditGrantPlanner.Wanted> place(
            CreditGrantPlanner.Wanted grant,
            BillingPeriod period,
            Supplier<CreditLedger> ledger,
            Function<AllocatedCharge, BigDecimal> paid) {
        Set<String> billing = billing(period);
        if (billing.size() > 1) {
            List<CreditGrantPlanner.Wanted> parts = new ArrayList<>();
            parts(paid, period, ledger.get(), BigDecimal.valueOf(grant.amountMicros(), 6))
                    .forEach((stripeCustomerId, usd) ->
                            parts.add(grant.partOn(stripeCustomerId, WantedGrants.micros(usd))));
            return parts;
        }
        return List.of(changed ? grant.on(billing.iterator().next()) : grant);
    }

    /**
     * What a grant's source paid of the period's hours each Stripe customer bills, in whole cents adding up to
     * {@code usedUsd} (what it paid in all, rounded to cents): an hour several bill is shared in proportion to what
     * each bills of it, one none bills goes to the customer's Stripe customer now, which takes what rounding leaves.
     *
     * @param paid what the source paid of a charge, or null
     */
    Map<String, BigDecimal> parts(
            Function<AllocatedCharge, BigDecimal> paid, BillingPeriod period, CreditLedger ledger, BigDecimal usedUsd) {
        Map<String, BigDecimal> exact = new TreeMap<>();
        exact.put(current, BigDecimal.ZERO);
        for (AllocatedCharge charge : ledger.charges()) {
            BigDecimal usdPaid = charge.segment().period().equals(period) ? paid.apply(charge) : null;
            if (usdPaid != null) {
                share(usdPaid, charge.charge().hour())
                        .forEach((holder, usd) -> exact.merge(holder, usd, BigDecimal::add));
            }
        }
        Map<String, BigDecimal> parts = new TreeMap<>();
        BigDecimal left = usedUsd;
        for (Map.Entry<String, BigDecimal> part : exact.entrySet()) {
            if (!part.getKey().equals(current)) {
                BigDecimal cents = Amounts.toMinorUnit(part.getValue()).min(left);
                parts.put(part.getKey(), cents);
                left = left.subtract(cents);
            }
        }
        parts.put(current, left.max(BigDecimal.ZERO));
        return parts;
    }

    /** {@code usd} of an hour, shared between the Stripe customers that bill it by what each bills. */
    private Map<String, BigDecimal> share(BigDecimal usd, Instant hour) {
        Map<String, BigDecimal> holders = new TreeMap<>();
        billed.getOrDefault(hour, Map.of()).forEach((holder, value) -> {
            if (value.signum() > 0) {
                holders.put(holder, value);
            }
        });
        if (holders.isEmpty()) {
            return Map.of(current, usd);
        }
        BigDecimal total = holders.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        Map<String, BigDecimal> shares = new TreeMap<>();
        holders.forEach(
                (holder, value) -> shares.put(holder, usd.multiply(value).divide(total, 20, RoundingMode.HALF_EVEN)));
        return shares;
    }
}
