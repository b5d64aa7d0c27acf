package io.tokentally.stripe;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import io.tokentally.rating.CreditAllocator;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.IncludedUsage;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Stripe credit grants a customer should have: a {@code paid} or {@code promotional} grant per purchase (voided
 * after a refund, expired after a cancellation) and a {@code promotional} grant per started plan segment and
 * allowance, expiring at its period's end: Stripe applies credits when it finalizes the period's invoice, so a grant
 * of a segment that a plan change ends inside the period expiring with the segment would never be applied. A USD
 * allowance of all models of a segment alone in its period is granted whole; a token allowance, one of some models,
 * and any allowance of a period a plan change splits, is granted as the billed value of the usage it covered so far,
 * rounded to cents. A purchase that ends inside a period also grants, for that period, what it paid of the period's
 * usage before its end; one made inside a period grants what it paid of that period, and the rest from the period's
 * end once it has closed ({@link PurchaseGrants}). Stripe's priority follows the plan's consumption order: 10 for the
 * first source, 20, 30 (a purchase with an expiry one before its source's, a grant of what a purchase paid of a period
 * it covered in part two before). The credit ledger is asked for only when a grant of what was used needs it:
 * allocating it reads the customer's usage. An included grant of a period whose hours more than one Stripe customer
 * bills (the customer's changed inside the period) is granted as used, each Stripe customer its part on its own
 * invoices ({@link StripeHolders}); one of a period a single Stripe customer bills is granted there, whichever
 * grant an earlier one holds being voided. A purchase's own grant stays where it was made; its grant of what it paid
 * of a period is placed as an included one is.
 */
final class WantedGrants {

    private WantedGrants() {}

    static List<CreditGrantPlanner.Wanted> of(
            Customer customer,
            Map<String, Plan> plans,
            List<CreditGrant> grants,
            Collection<BillingPeriod> periods,
            Supplier<CreditLedger> ledger,
            Instant now,
            Duration closeGrace,
            Map<String, CreditGrantPlanner.Held> held,
            StripeHolders holders) {
        List<CreditGrantPlanner.Wanted> wanted = new ArrayList<>(
                new PurchaseGrants(customer, now, closeGrace, held, holders).of(plans, grants, periods, ledger));
        CreditAllocator allocator = new CreditAllocator(customer, plans);
        for (BillingPeriod period : periods) {
            List<PlanSegment> segments = customer.segments(period);
            boolean shared = holders.billing(period).size() > 1;
            for (PlanSegment segment : segments) {
                if (!segment.span().start().isAfter(now)) {
                    List<CreditGrantPlanner.Wanted> included = included(
                            allocator.includedOf(segment),
                            plans.get(segment.planId()),
                            segment,
                            segments.size() > 1 || shared,
                            ledger);
                    for (CreditGrantPlanner.Wanted grant : included) {
                        wanted.addAll(holders.place(
                                grant,
                                period,
                                ledger,
                                charge -> charge.includedByKey().get(grant.key())));
                    }
                }
            }
        }
        return wanted;
    }

    /**
     * @param allowances the segment's allowances as granted ({@link CreditAllocator#includedOf})
     * @param split whether a plan change splits the segment's period, or more than one Stripe customer bills it
     */
    private static List<CreditGrantPlanner.Wanted> included(
            List<IncludedUsage> allowances,
            Plan plan,
            PlanSegment segment,
            boolean split,
            Supplier<CreditLedger> ledger) {
        List<CreditGrantPlanner.Wanted> wanted = new ArrayList<>();
        for (IncludedUsage granted : allowances) {
            Allowance allowance = granted.allowance();
            BigDecimal usd = granted.grantedUsd();
            // a segment of a period that a plan change splits grants what its own usage used, as a token
            // allowance and one of some models always do: Stripe applies every grant to the whole invoice's metered
            // usage, and the rest would pay the usage of the period's other segments, or of other models, which the
            // statement bills as overage; so does one of a period two Stripe customers bill, each its own part
            boolean asUsed = allowance.inTokens()
                    || !allowance.models().isEmpty()
                    || split
                    || !segment.span().end().equals(segment.period().end());
            if (asUsed) {
                usd = usedUsd(granted, ledger.get());
            }
            wanted.add(new CreditGrantPlanner.Wanted(
                    granted.key(),
                    CreditGrant.Category.PROMOTIONAL.code(),
                    micros(usd),
                    segment.span().start(),
                    segment.period().end(),
                    CreditGrantPlanner.Ending.NONE,
                    null,
                    priority(plan, CreditSource.INCLUDED),
                    "Included usage " + allowance.name() + " of " + plan.planId() + " from "
                            + segment.span().start(),
                    asUsed));
        }
        return wanted;
    }

    /** What the usage so far used of the allowance, in USD rounded to cents; zero if the ledger has none of it. */
    private static BigDecimal usedUsd(IncludedUsage granted, CreditLedger ledger) {
        return ledger.included().stream()
                .filter(used -> used.key().equals(granted.key()))
                .map(used -> Amounts.toMinorUnit(used.consumedUsd()))
                .findFirst()
                .orElse(BigDecimal.ZERO);
    }

    static int priority(Plan plan, CreditSource source) {
        return 10 * (1 + plan.consumptionOrder().indexOf(source));
    }

    /** Whole cents as micro-USD; fails rather than rounds. */
    static long micros(BigDecimal usd) {
        return usd.movePointRight(6).longValueExact();
    }
}
