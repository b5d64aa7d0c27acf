package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What Stripe holds of one customer's credit grants, as the outbox tells it, for the carried credits of closed
 * periods (ADR 0021): whether Stripe holds a grant, and when it can spend what the grant carries of a period, from
 * when the outbox planned the grant's rows.
 */
final class GrantsInStripe {

    private final Customer customer;
    private final Map<String, CreditGrantPlanner.Held> held;
    private final Map<String, OutboxGrants.GrantTimes> times;
    private final Duration closeGrace;
    private final Instant now;

    /**
     * @param held the customer's grant rows ({@link OutboxGrants#held}), by meter column
     * @param times when their creates and ends were planned ({@link OutboxGrants#times}), by meter column
     * @param now the run's clock: a grant or an end without rows reaches Stripe with this run
     */
    GrantsInStripe(
            Customer customer,
            Map<String, CreditGrantPlanner.Held> held,
            Map<String, OutboxGrants.GrantTimes> times,
            Duration closeGrace,
            Instant now) {
        this.customer = customer;
        this.held = held;
        this.times = times;
        this.closeGrace = closeGrace;
        this.now = now;
    }

    /**
     * Whether Stripe holds, or will hold, a purchase's grant: one the outbox has rows of is there if a create Stripe
     * did not refuse is live or was ended; one without rows is about to be created if it is still usable at the
     * run's clock, and never will be if it had already ended (ADR 0008). One made inside a period whose grant of what
     * it paid of that period took all of it, so that its own grant, the rest, is never sent ({@link PurchaseGrants}),
     * counts as held whatever its end: that grant stood for it, and what it pays of the period is judged by it, at the
     * close and after (a late promotion taking its usage made a +$10 item, a refund after the period a -$6 one).
     * Stripe spends only the credit it holds on later usage.
     */
    boolean holds(CreditGrant grant) {
        CreditGrantPlanner.Held rows = held.get(meterOf(grant));
        if (rows != null) {
            return rows.live() > 0 || rows.ended();
        }
        Instant until = grant.usableUntil();
        return until == null || until.isAfter(now) || usedUpInItsFirstPeriod(grant);
    }

    /** Whether the purchase was made inside a period whose grant of what it paid of it holds all of it. */
    private boolean usedUpInItsFirstPeriod(CreditGrant grant) {
        BillingPeriod first = customer.cycle().periodContaining(grant.effectiveAt());
        return PurchaseGrants.madeInside(grant, first)
                && grantedUsd(PurchaseGrants.usedAfterItsStartKey(grant, first)).compareTo(grant.amountUsd()) >= 0;
    }

    /**
     * When Stripe can spend what the grant carries of {@code period} once it closed: from the first invoice that can
     * apply it after the close (the next period's, or, for one first seen later, that of the period its first create
     * was planned in, less the close grace), until Stripe's grant ends (its expiry, or a refund's or cancellation's
     * time, no earlier than the outbox planned the void or expire, less the close grace: an invoice finalized after
     * that plan no longer has the grant). The outbox plans a row in the run that uploads it.
     */
    CarriedCredits.Spending spending(CreditGrant grant, BillingPeriod period) {
        OutboxGrants.GrantTimes planned = times.get(meterOf(grant));
        BillingPeriod next = customer.cycle().periodContaining(period.end());
        Instant created = planned == null || planned.created() == null ? now : planned.created();
        BillingPeriod arrived = customer.cycle().periodContaining(created.minus(closeGrace));
        return new CarriedCredits.Spending(arrived.start().isAfter(next.start()) ? arrived : next, end(grant, planned));
    }

    /**
     * Whether the grant was refunded or cancelled by the end of {@code period} (inside it, or before it) and its end
     * planned after the period closed: Stripe applied it at the period's invoice as if it lived.
     */
    boolean endedByThePeriodsEndPlannedAfterItsClose(CreditGrant grant, BillingPeriod period) {
        Instant ended = grant.endedAt();
        return ended != null
                && !ended.isAfter(period.end())
                && !endPlanned(grant, times.get(meterOf(grant)))
                        .isBefore(period.end().plus(closeGrace));
    }

    /** Whether the outbox has rows of the grant of {@code key}, refused ones too, in any of its columns. */
    boolean made(String key) {
        return GrantColumns.heldOfAllColumns(customer.customerId(), key, held) != CreditGrantPlanner.Held.NONE;
    }

    /**
     * What the grant of {@code key} holds in Stripe: the sum of its live creates, its parts on other Stripe customers
     * included, in USD; zero without rows.
     */
    BigDecimal grantedUsd(String key) {
        return BigDecimal.valueOf(
                GrantColumns.heldOfAllColumns(customer.customerId(), key, held).grantedMicros(), 6);
    }

    /** When Stripe's grant ends, as far as invoices can tell, or null for never. */
    private Instant end(CreditGrant grant, OutboxGrants.GrantTimes planned) {
        if (grant.endedAt() == null) {
            return grant.expiresAt();
        }
        Instant reached = endPlanned(grant, planned).minus(closeGrace);
        Instant end = reached.isAfter(grant.endedAt()) ? reached : grant.endedAt();
        return grant.expiresAt() != null && grant.expiresAt().isBefore(end) ? grant.expiresAt() : end;
    }

    /** When the outbox planned the void or expire that ended the grant, or the run's clock if it has not yet. */
    private Instant endPlanned(CreditGrant grant, OutboxGrants.GrantTimes planned) {
        CreditGrantPlanner.Held rows = held.get(meterOf(grant));
        return rows != null && rows.ended() && planned != null && planned.ended() != null ? planned.ended() : now;
    }

    private String meterOf(CreditGrant grant) {
        return GrantColumns.meterOf(customer.customerId(), grant.grantKey());
    }
}
