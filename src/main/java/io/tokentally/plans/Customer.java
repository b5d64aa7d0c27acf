package io.tokentally.plans;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A customer the operator bills, mapped to its Stripe customer, with its billing cycle and its plans
 * over time. {@code planId} is the plan of the latest assignment.
 *
 * @param plans the plan assignments, earliest first; before the first one, its plan's rates apply, with no fee and
 *     no included usage ({@link #segments})
 */
public record Customer(
        String customerId,
        String stripeCustomerId,
        String planId,
        String name,
        BillingCycle cycle,
        List<PlanAssignment> plans) {

    public Customer {
        plans = plans.stream()
                .sorted(Comparator.comparing(PlanAssignment::effectiveFrom))
                .toList();
    }

    /** A customer on one plan since the beginning of time, billed by UTC calendar month. */
    public Customer(String customerId, String stripeCustomerId, String planId, String name) {
        this(
                customerId,
                stripeCustomerId,
                planId,
                name,
                BillingCycle.CALENDAR_MONTH_UTC,
                List.of(new PlanAssignment(Instant.EPOCH, planId)));
    }

    /** The plan in force at {@code instant}: the latest assignment at or before it (the first one before that). */
    public String planIdAt(Instant instant) {
        String current = plans.isEmpty() ? planId : plans.get(0).planId();
        for (PlanAssignment assignment : plans) {
            if (!assignment.effectiveFrom().isAfter(instant)) {
                current = assignment.planId();
            }
        }
        return current;
    }

    /**
     * The period's pieces, one per plan in force during it, in time order; a piece before the customer's first
     * plan takes effect comes first, {@link PlanSegment#beforeFirstPlan}.
     */
    public List<PlanSegment> segments(BillingPeriod period) {
        List<PlanSegment> segments = new ArrayList<>();
        Instant from = period.start();
        String plan = planIdAt(from);
        if (!plans.isEmpty() && plans.get(0).effectiveFrom().isAfter(from)) {
            Instant first = plans.get(0).effectiveFrom();
            if (!first.isBefore(period.end())) {
                return List.of(new PlanSegment(period, period, plan, true));
            }
            segments.add(new PlanSegment(period, new BillingPeriod(from, first), plan, true));
            from = first;
        }
        for (PlanAssignment assignment : plans) {
            Instant at = assignment.effectiveFrom();
            if (at.isAfter(period.start())
                    && at.isBefore(period.end())
                    && !assignment.planId().equals(plan)) {
                segments.add(new PlanSegment(period, new BillingPeriod(from, at), plan));
                from = at;
                plan = assignment.planId();
            }
        }
        segments.add(new PlanSegment(period, new BillingPeriod(from, period.end()), plan));
        return segments;
    }
}
