package io.tokentally.plans;

import io.tokentally.shared.BillingPeriod;

/**
 * The part of a billing period during which one plan applies: the whole period, or the piece a plan
 * change cut off. The plan's fee and allowances are prorated to {@code span}'s share of {@code period}.
 * A segment {@code beforeFirstPlan} is the part of the period before the customer's first plan takes
 * effect: its usage is billed at that plan's rates, with no fee and no included usage.
 */
public record PlanSegment(BillingPeriod period, BillingPeriod span, String planId, boolean beforeFirstPlan) {

    /** A segment during which {@code planId} is in force. */
    public PlanSegment(BillingPeriod period, BillingPeriod span, String planId) {
        this(period, span, planId, false);
    }

    public boolean wholePeriod() {
        return span.equals(period);
    }
}
