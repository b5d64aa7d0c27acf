package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.rating.AllocatedCharge;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What a customer owes Stripe for one billing period's usage, as far as invoice items can carry it
 * (ADR 0021): the overage after included usage and credits, exactly as the statement computes it, plus
 * the credits paid by grants whose credit Stripe keeps for later. Stripe applies credit grants to metered lines
 * only, so usage that reaches Stripe as an invoice item cannot consume them; a grant Stripe applies again after the
 * period keeps that amount in Stripe and Stripe spends it on later metered usage. Charging it with
 * the invoice item therefore bills the customer the right total. Credits of grants Stripe does not apply again
 * are not charged ({@link CarriedCredits}): those that end with the period (included usage, packs expiring in it) or
 * before the first invoice that could apply them again (by the current rule: their expiry, a refund or a
 * cancellation), and those of a grant Stripe never held (one that had already ended when first seen is never
 * created, ADR 0008).
 *
 * @param overageUsd the period's overage, exact
 * @param carriedCreditsUsd credits of grants Stripe applies again after the period that paid the period's usage,
 *     exact
 */
public record PeriodPosition(BigDecimal overageUsd, BigDecimal carriedCreditsUsd) {

    public static final PeriodPosition ZERO = new PeriodPosition(BigDecimal.ZERO, BigDecimal.ZERO);

    /**
     * The position of {@code period} in a ledger that covers it.
     *
     * @param carried whether what a grant of the ledger paid of the period's usage is carried: Stripe holds (or will
     *     hold) the grant and applies it again after the period
     */
    public static PeriodPosition of(CreditLedger ledger, BillingPeriod period, Predicate<CreditGrant> carried) {
        BigDecimal overage = BigDecimal.ZERO;
        for (AllocatedCharge charge : ledger.charges()) {
            if (charge.segment().period().equals(period)) {
                overage = overage.add(charge.overageUsd());
            }
        }
        BigDecimal carriedUsd =
                carriedByGrant(ledger, period, carried).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        return new PeriodPosition(overage, carriedUsd);
    }

    /** What each grant {@code carried} accepts paid of the period's usage, by grant key; those that paid some. */
    static Map<String, BigDecimal> carriedByGrant(
            CreditLedger ledger, BillingPeriod period, Predicate<CreditGrant> carried) {
        Map<String, BigDecimal> paidByGrant = paidByGrant(ledger, period);
        Map<String, BigDecimal> credits = new TreeMap<>();
        for (CreditGrant grant : ledger.grants()) {
            BigDecimal paid = paidByGrant.get(grant.grantKey());
            if (paid != null && carried.test(grant)) {
                credits.put(grant.grantKey(), paid);
            }
        }
        return credits;
    }

    /** What each grant of the ledger paid of the period's usage, by grant key; those that paid some. */
    static Map<String, BigDecimal> paidByGrant(CreditLedger ledger, BillingPeriod period) {
        return paid(ledger, charged -> charged.equals(period));
    }

    /** What each grant of the ledger paid of the usage of periods before {@code period}, by grant key. */
    static Map<String, BigDecimal> paidBefore(CreditLedger ledger, BillingPeriod period) {
        return paid(ledger, charged -> charged.start().isBefore(period.start()));
    }

    /** What each grant of the ledger paid of the usage of the periods {@code periods} accepts, by grant key. */
    private static Map<String, BigDecimal> paid(CreditLedger ledger, Predicate<BillingPeriod> periods) {
        Map<String, BigDecimal> paid = new TreeMap<>();
        for (AllocatedCharge charge : ledger.charges()) {
            if (periods.test(charge.segment().period())) {
                charge.creditsUsd().forEach((grantKey, usd) -> {
                    if (usd.signum() != 0) {
                        paid.merge(grantKey, usd, BigDecimal::add);
                    }
                });
            }
        }
        return paid;
    }

    /** This position with {@code usd} more carried credits. */
    PeriodPosition plusCarried(BigDecimal usd) {
        return new PeriodPosition(overageUsd, carriedCreditsUsd.add(usd));
    }

    /** What invoice items must carry in total for the period, in USD rounded once to cents. */
    public BigDecimal chargeableUsd() {
        return Amounts.toMinorUnit(overageUsd.add(carriedCreditsUsd));
    }
}
