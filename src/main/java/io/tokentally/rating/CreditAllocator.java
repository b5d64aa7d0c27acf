package io.tokentally.rating;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanSegment;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocates a customer's billed usage, hour by hour in time order, to what pays for it: the included
 * usage of the plan segment the hour falls in, promotional credits, paid credits (in the plan's
 * consumption order), and overage for the rest. A pure function of the charges, the customer's plans
 * and its grants; exact amounts, nothing rounded (included amounts of a cut period are prorated to
 * cents by {@link IncludedUsage#granted}).
 *
 * <p>Within a category, the grant that stops being usable first is used first (never-ending grants
 * last), then the earlier one. An hour's usage is covered by grants usable at the hour's start.
 */
public final class CreditAllocator {

    private static final Comparator<CreditGrant> USE_ORDER = Comparator.comparing(
                    CreditGrant::usableUntil, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(CreditGrant::effectiveAt)
            .thenComparing(CreditGrant::grantKey);

    private static final Comparator<Charge> TIME_ORDER = Comparator.comparing(Charge::hour)
            .thenComparing(Charge::model)
            .thenComparing(Charge::tokenType)
            .thenComparing(Charge::billedPerMillion)
            // tiers last: the price, not the tier, decides what an allowance in tokens pays for
            .thenComparing(Charge::serviceTier)
            .thenComparing(Charge::contextTier);

    private final Customer customer;
    private final Map<String, Plan> plans;

    public CreditAllocator(Customer customer, Map<String, Plan> plans) {
        this.customer = customer;
        this.plans = plans;
    }

    public CreditLedger allocate(List<Charge> charges, List<CreditGrant> grants) {
        List<CreditGrant> ordered = grants.stream().sorted(USE_ORDER).toList();
        Map<String, BigDecimal> consumed = new HashMap<>();
        Map<String, IncludedUsage> included = new LinkedHashMap<>();
        List<AllocatedCharge> allocated = new ArrayList<>(charges.size());
        for (Charge charge : charges.stream().sorted(TIME_ORDER).toList()) {
            allocated.add(allocate(charge, ordered, consumed, included));
        }
        return new CreditLedger(
                customer.customerId(), allocated, List.copyOf(included.values()), grants, Map.copyOf(consumed));
    }

    /** The plan segment an instant falls in. */
    public PlanSegment segmentAt(Instant instant) {
        BillingPeriod period = customer.cycle().periodContaining(instant);
        return customer.segments(period).stream()
                .filter(segment -> segment.span().contains(instant))
                .findFirst()
                .orElseThrow();
    }

    /** The allowances of a segment, as granted before any usage: none before the customer's first plan. */
    public List<IncludedUsage> includedOf(PlanSegment segment) {
        if (segment.beforeFirstPlan()) {
            return List.of();
        }
        return plan(segment).allowances().stream()
                .map(allowance -> IncludedUsage.granted(customer.customerId(), segment, allowance))
                .toList();
    }

    private Plan plan(PlanSegment segment) {
        Plan plan = plans.get(segment.planId());
        if (plan == null) {
            throw new IllegalStateException(
                    "customer " + customer.customerId() + " is on plan '" + segment.planId() + "', which is unknown");
        }
        return plan;
    }

    private AllocatedCharge allocate(
            Charge charge,
            List<CreditGrant> grants,
            Map<String, BigDecimal> consumed,
            Map<String, IncludedUsage> included) {
        PlanSegment segment = segmentAt(charge.hour());
        Remainder left = new Remainder(charge);
        Map<String, BigDecimal> credits = new LinkedHashMap<>();
        for (CreditSource source : plan(segment).consumptionOrder()) {
            if (source == CreditSource.INCLUDED) {
                useIncluded(segment, left, included);
            } else {
                CreditGrant.Category category =
                        source == CreditSource.PAID ? CreditGrant.Category.PAID : CreditGrant.Category.PROMOTIONAL;
                useGrants(category, charge.hour(), grants, left, consumed, credits);
            }
        }
        return new AllocatedCharge(
                charge, segment, left.includedUsd, left.includedTokens, credits, left.usd, left.includedByKey);
    }

    private void useIncluded(PlanSegment segment, Remainder left, Map<String, IncludedUsage> included) {
        List<IncludedUsage> buckets = new ArrayList<>();
        for (IncludedUsage fresh : includedOf(segment)) {
            buckets.add(included.computeIfAbsent(fresh.key(), key -> fresh));
        }
        // token allowances first: they cover whole tokens, which a USD allowance cannot give back; of each kind, one
        // of some models before one of every model, which can pay any usage and so is kept for what the others cannot
        buckets.sort(Comparator.comparing(
                        (IncludedUsage bucket) -> !bucket.allowance().inTokens())
                .thenComparing(bucket -> bucket.allowance().models().isEmpty()));
        for (IncludedUsage bucket : buckets) {
            Allowance allowance = bucket.allowance();
            if (left.usd.signum() <= 0 || !allowance.covers(left.charge.model())) {
                continue;
            }
            if (allowance.inTokens()) {
                if (left.charge.tokenType().isUnit()) {
                    continue; // a token allowance covers tokens, not web searches, images or audio seconds
                }
                long tokens = Math.min(left.wholeTokens(), bucket.remainingTokens());
                if (tokens == 0) {
                    continue;
                }
                BigDecimal value = left.valueOfTokens(tokens);
                included.put(bucket.key(), bucket.consume(value, tokens));
                left.take(value, tokens);
                left.include(bucket.key(), value);
            } else {
                BigDecimal value = left.usd.min(bucket.remainingUsd());
                included.put(bucket.key(), bucket.consume(value, 0));
                left.take(value, -1);
                left.include(bucket.key(), value);
            }
        }
    }

    private static void useGrants(
            CreditGrant.Category category,
            Instant hour,
            List<CreditGrant> grants,
            Remainder left,
            Map<String, BigDecimal> consumed,
            Map<String, BigDecimal> credits) {
        for (CreditGrant grant : grants) {
            if (left.usd.signum() <= 0) {
                return;
            }
            if (grant.category() != category || !grant.usableAt(hour)) {
                continue;
            }
            BigDecimal used = consumed.getOrDefault(grant.grantKey(), BigDecimal.ZERO);
            BigDecimal value = left.usd.min(grant.amountUsd().subtract(used));
            if (value.signum() > 0) {
                consumed.put(grant.grantKey(), used.add(value));
                credits.merge(grant.grantKey(), value, BigDecimal::add);
                left.take(value, -1);
            }
        }
    }

    /**
     * What of a charge is still to pay, in USD and, until a credit paid part of it, in tokens; after that, in the whole
     * tokens its USD buys at the charge's billed price, the fraction of a token left to the sources after (a USD
     * allowance, a credit; overage when none is left). (Within included usage, token allowances come before USD
     * ones, so only a credit can pay part of a charge first.)
     */
    private static final class Remainder {
        private final Charge charge;
        private BigDecimal usd;
        private long tokens;
        private boolean tokensKnown = true;
        private BigDecimal includedUsd = BigDecimal.ZERO;
        private final Map<String, BigDecimal> includedByKey = new LinkedHashMap<>();
        private long includedTokens;

        Remainder(Charge charge) {
            this.charge = charge;
            this.usd = charge.billedUsd();
            this.tokens = charge.tokens();
        }

        /**
         * The whole tokens left to pay: those not paid yet while only token allowances paid part of the charge; once a
         * credit did, those the USD left buys, so that the allowance pays them too.
         */
        long wholeTokens() {
            return tokensKnown ? tokens : Math.min(Amounts.tokensBought(usd, charge.billedPerMillion()), tokens);
        }

        /** The billed value of {@code count} of the whole tokens left, exact, at most what is left to pay. */
        BigDecimal valueOfTokens(long count) {
            if (tokensKnown) {
                return charge.valueOf(charge.tokens() - tokens + count)
                        .subtract(charge.valueOf(charge.tokens() - tokens));
            }
            return charge.valueOf(count).min(usd);
        }

        /** Counts {@code value} as paid by the allowance of {@code key}. */
        void include(String key, BigDecimal value) {
            includedUsd = includedUsd.add(value);
            if (value.signum() > 0) {
                includedByKey.merge(key, value, BigDecimal::add);
            }
        }

        /** @param coveredTokens tokens a token allowance covered, or -1 for a USD amount */
        void take(BigDecimal value, long coveredTokens) {
            usd = usd.subtract(value);
            if (coveredTokens >= 0) {
                tokens -= coveredTokens;
                includedTokens += coveredTokens;
            } else {
                tokensKnown = false;
            }
        }
    }
}
