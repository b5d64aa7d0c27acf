package io.tokentally.stripe;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Decides when a billing period is closed for Stripe and which invoice item a closed period needs: a
 * pure function of the clock, the close grace, the periods runs recorded closed, the period's closing position, its
 * position now and what the outbox already holds for it (ADR 0021).
 */
public final class ClosedPeriodPlanner {

    /** What the outbox holds for a closed period: the sum of its invoice items and the highest revision. */
    public record Queued(long valueMicros, int revision) {}

    private final Instant now;
    private final Duration grace;
    private final Map<String, Instant> closedThrough;

    /**
     * @param now the run's clock
     * @param grace how long after a period's end Stripe may still take meter events for its invoice
     */
    public ClosedPeriodPlanner(Instant now, Duration grace) {
        this(now, grace, Map.of());
    }

    /**
     * @param now the run's clock
     * @param grace how long after a period's end Stripe may still take meter events for its invoice
     * @param closedThrough per customer id, the latest end of its periods a run recorded closed: each of its periods
     *     ending by then stays closed, so a grace made longer after a close does not open again a period Stripe has
     *     invoiced
     */
    public ClosedPeriodPlanner(Instant now, Duration grace, Map<String, Instant> closedThrough) {
        this.now = now;
        this.grace = grace;
        this.closedThrough = Map.copyOf(closedThrough);
    }

    /** Whether Stripe has invoiced the period: the clock is at or past its end plus the grace. */
    public boolean isClosed(BillingPeriod period) {
        return !period.end().plus(grace).isAfter(now);
    }

    /**
     * Whether Stripe has invoiced the customer's period: it is closed by the clock, or it ends by the end of a period
     * of the customer's that a run recorded closed.
     */
    public boolean isClosedFor(String customerId, BillingPeriod period) {
        Instant recorded = closedThrough.get(customerId);
        return isClosed(period) || (recorded != null && !period.end().isAfter(recorded));
    }

    /** The most recent period of the cycle that is closed. */
    public BillingPeriod latestClosed(BillingCycle cycle) {
        return cycle.periodContaining(earliestOpen(cycle).start().minusSeconds(1));
    }

    /** The earliest period of the cycle that is open: the one that ended less than the grace ago, else the current. */
    public BillingPeriod earliestOpen(BillingCycle cycle) {
        return cycle.periodContaining(now.minus(grace));
    }

    /**
     * The invoice item for the change of a closed period's position since it closed, less the invoice
     * items already queued for it; empty when nothing changed.
     */
    public Optional<OutboxRow> plan(
            String customerId,
            String stripeCustomerId,
            BillingPeriod period,
            PeriodPosition closing,
            PeriodPosition current,
            Queued queued) {
        long wanted =
                MeterAmountTooLargeException.lateMicros(current.chargeableUsd().subtract(closing.chargeableUsd()));
        long delta = wanted - queued.valueMicros();
        if (delta == 0) {
            return Optional.empty();
        }
        int revision = queued.revision() + 1;
        String identifier =
                OutboxPlanner.identifier(customerId, ClosedPeriodRepository.METER, period.start(), revision);
        return Optional.of(new OutboxRow(
                0,
                OutboxRow.Kind.INVOICE_ITEM,
                customerId,
                stripeCustomerId,
                ClosedPeriodRepository.METER,
                period.start(),
                revision,
                identifier,
                "tokentally-" + identifier,
                delta,
                now,
                OutboxRow.State.PENDING,
                0,
                null));
    }
}
