package io.tokentally.plans;

import io.tokentally.shared.BillingPeriod;

/**
 * The part of a billing period during which one plan applies: the whole period, or the piece a plan
 * change cut off. The plan's fee and allowances are prorated to {@code span}'s share of {@code period}.
 */
public record PlanSegment(BillingPeriod period, BillingPeriod span, String planId) {

    public boolean wholePeriod() {
        return span.equals(period);
    }
}
