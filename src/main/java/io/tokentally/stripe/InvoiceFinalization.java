package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * When Stripe applies a period's credit grants, and what a grant's start and expiry must be to count there: Stripe
 * creates a period's invoice as the period ends and applies the grants live when it finalizes it, a close grace
 * ({@code tokentally.stripe.period-close-grace}) later.
 */
final class InvoiceFinalization {

    /** How long after a period's end Stripe may create its invoice, beyond which the close grace runs. */
    private static final Duration FINALIZING_MARGIN = Duration.ofHours(1);

    private final Instant now;
    private final Duration closeGrace;

    /**
     * @param now the run's clock
     * @param closeGrace how long after a period's end Stripe finalizes its invoice
     */
    InvoiceFinalization(Instant now, Duration closeGrace) {
        this.now = now;
        this.closeGrace = closeGrace;
    }

    /**
     * The grant as this run sends it. One expiring at the end of a period that has ended but not closed (Stripe
     * applies the grants live when it finalizes the invoice, a close grace after the end) that Stripe should hold at
     * another amount (usage lowered or rated in the grace, a plan change loaded then, a create Stripe refused) is
     * made again expiring at the close: made expiring at the end, already past, it would be refused, and left as it
     * is, Stripe would apply the old amount (hunts CB and CC). One whose amount is right is left as it was. So is one
     * of a period ending within a close grace from now: a run's upload may reach Stripe after the end, where a void
     * of the old grant sent before it and a create expiring at the end sent after it left no grant (hunt CB's
     * Medium). One made so is kept expiring at the close.
     */
    CreditGrantPlanner.Wanted untilTheCloseIfChanged(
            CreditGrantPlanner.Wanted grant, CreditGrantPlanner.Held before, Collection<BillingPeriod> periods) {
        if (grant.ending() != CreditGrantPlanner.Ending.NONE || !closing(grant.expiresAt(), periods)) {
            return grant;
        }
        Instant close = grant.expiresAt().plus(closeGrace);
        boolean changed = grant.amountMicros() != before.grantedMicros();
        boolean madeUntilTheClose =
                before.live() > 0 && close.equals(before.terms().expiresAt());
        return changed || madeUntilTheClose ? grant.expiringAt(close) : grant;
    }

    /**
     * Whether {@code expiresAt} is the end of a period the run plans that ends within a close grace from now, or
     * whose close grace runs now.
     */
    boolean closing(Instant expiresAt, Collection<BillingPeriod> periods) {
        return expiresAt != null
                && !now.isBefore(expiresAt.minus(closeGrace))
                && now.isBefore(expiresAt.plus(closeGrace))
                && periods.stream().anyMatch(period -> period.end().equals(expiresAt));
    }

    /**
     * When a create takes effect in Stripe, or null for at once. Stripe applies the grants live when it finalizes an
     * invoice, which it creates as a period ends and finalizes a close grace later. A grant whose start lies within
     * that grace of its period's start, and an hour more (the invoice may be created a little after the end), is a
     * grant of the new period made before the previous period's invoice is final: it takes effect after that, lest
     * Stripe apply it there (hunt AM). One that would expire by then (a plan segment begun in a period's last hours)
     * takes effect at its start, as before; so does a grant whose start lies in no period the run plans.
     */
    Instant effectiveAt(CreditGrantPlanner.Wanted grant, Collection<BillingPeriod> periods) {
        Instant effective = grant.effectiveAt();
        for (BillingPeriod period : periods) {
            Instant previousFinal = period.start().plus(closeGrace).plus(FINALIZING_MARGIN);
            if (period.contains(effective)
                    && effective.isBefore(previousFinal)
                    && (grant.expiresAt() == null || previousFinal.isBefore(grant.expiresAt()))) {
                effective = previousFinal;
                break;
            }
        }
        return effective.isAfter(now) ? effective : null;
    }
}
