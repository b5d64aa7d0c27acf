package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.shared.BillingPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What Stripe holds of one customer's credit grants, as the outbox tells it, for the carried credits of closed
 * periods (ADR 0021): whether Stripe holds a grant, and when it can spend what the grant carries of a period.
 */
final class GrantsInStripe {

    private final Customer customer;
    private final Map<String, CreditGrantPlanner.Held> held;
    private final Map<String, OutboxRepository.GrantTimes> times;
    private final Duration closeGrace;
    private final Instant now;

    /**
     * @param held the customer's grant rows ({@link OutboxRepository#grantsHeld}), by meter column
     * @param times when they reached Stripe ({@link OutboxRepository#grantTimes}), by meter column
     * @param now the run's clock: a grant or an end without rows reaches Stripe with this run
     */
    GrantsInStripe(
            Customer customer,
            Map<String, CreditGrantPlanner.Held> held,
            Map<String, OutboxRepository.GrantTimes> times,
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
     * run's clock, and never will be if it had already ended (ADR 0008). Stripe spends only the credit it holds on
     * later usage.
     */
    boolean holds(CreditGrant grant) {
        CreditGrantPlanner.Held rows = held.get(meterOf(grant));
        Instant until = grant.usableUntil();
        return rows != null ? rows.live() > 0 || rows.ended() : until == null || until.isAfter(now);
    }

    /**
     * When Stripe can spend what the grant carries of {@code period} once it closed: from the first invoice that can
     * apply it after the close (the next period's, or that of the period its create reached Stripe in, less the close
     * grace, for one first seen later), until Stripe's grant ends (its expiry, or a refund's or cancellation's time,
     * no earlier than the void or expire reached Stripe).
     */
    CarriedCredits.Spending spending(CreditGrant grant, BillingPeriod period) {
        OutboxRepository.GrantTimes planned = times.get(meterOf(grant));
        BillingPeriod next = customer.cycle().periodContaining(period.end());
        Instant created = planned == null || planned.created() == null ? now : planned.created();
        BillingPeriod arrived = customer.cycle().periodContaining(created.minus(closeGrace));
        return new CarriedCredits.Spending(arrived.start().isAfter(next.start()) ? arrived : next, end(grant, planned));
    }

    /** When Stripe's grant ends, or null for never. */
    private Instant end(CreditGrant grant, OutboxRepository.GrantTimes planned) {
        if (grant.endedAt() == null) {
            return grant.expiresAt();
        }
        CreditGrantPlanner.Held rows = held.get(meterOf(grant));
        Instant reached =
                rows != null && rows.ended() && planned != null && planned.ended() != null ? planned.ended() : now;
        Instant end = reached.isAfter(grant.endedAt()) ? reached : grant.endedAt();
        return grant.expiresAt() != null && grant.expiresAt().isBefore(end) ? grant.expiresAt() : end;
    }

    private String meterOf(CreditGrant grant) {
        return CreditGrantPlanner.meterOf(customer.customerId(), grant.grantKey());
    }
}
