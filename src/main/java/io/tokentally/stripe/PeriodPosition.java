package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.rating.AllocatedCharge;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a customer owes Stripe for one billing period's usage, as far as invoice items can carry it
 * (ADR 0021): the overage after included usage and credits, exactly as the statement computes it, plus
 * the credits paid by grants whose credit Stripe keeps for later. Stripe applies credit grants to metered lines
 * only, so usage that reaches Stripe as an invoice item cannot consume them; a grant Stripe applies again after the
 * period keeps that amount in Stripe and Stripe spends it on later metered usage. Charging it with
 * the invoice item therefore bills the customer the right total. Credits of grants Stripe does not apply again
 * are not charged ({@link CarriedCredits}): those that end with the period (included usage, packs expiring in it) or
 * expire inside the next one, and those of a grant Stripe never held (one that had already ended when first seen is
 * never created, ADR 0008).
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
        Map<String, Boolean> carries = new HashMap<>();
        for (CreditGrant grant : ledger.grants()) {
            carries.put(grant.grantKey(), carried.test(grant));
        }
        BigDecimal overage = BigDecimal.ZERO;
        BigDecimal carriedUsd = BigDecimal.ZERO;
        for (AllocatedCharge charge : ledger.charges()) {
            if (!charge.segment().period().equals(period)) {
                continue;
            }
            overage = overage.add(charge.overageUsd());
            for (Map.Entry<String, BigDecimal> credit : charge.creditsUsd().entrySet()) {
                if (carries.getOrDefault(credit.getKey(), Boolean.FALSE)) {
                    carriedUsd = carriedUsd.add(credit.getValue());
                }
            }
        }
        return new PeriodPosition(overage, carriedUsd);
    }

    /** What invoice items must carry in total for the period, in USD rounded once to cents. */
    public BigDecimal chargeableUsd() {
        return Amounts.toMinorUnit(overageUsd.add(carriedCreditsUsd));
    }
}
