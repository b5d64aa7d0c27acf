package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.shared.BillingPeriod;
import java.time.Instant;
import java.util.Arrays;

/**
 * Which grants' payments of a closed period's usage its position counts as carried (ADR 0021): the credit Stripe's
 * own grant still holds and spends on later metered usage, which an invoice item therefore charges. Each closing
 * position keeps the rule it was recorded by, and the period's later positions are computed by that rule, so a
 * change of rule moves no item of a period closed before it.
 */
enum CarriedCredits {
    /** Grants usable after the period's end: the rule of positions recorded before migration V137. */
    USABLE_AFTER_THE_PERIOD(1),
    /**
     * Grants usable after the period's end that do not expire inside the next period: Stripe applies a grant only
     * when it finalizes an invoice, so one expiring inside the next period is never applied again, and what it pays
     * of that period is granted as the engine's ledger counts it (ADR 0008). Its expiry, not a refund's or a
     * cancellation's time, as a position recorded at the close could not know those.
     */
    NOT_EXPIRING_IN_THE_NEXT_PERIOD(2),
    /**
     * Rule 2, and a grant first seen after the close (not in the closing position) is judged by its end, a refund's
     * or a cancellation's time included: Stripe, which invoiced the period without it, would spend what it paid of
     * the period on later usage, but voids or expires it at that end, so one ending inside the next period never
     * gives that credit. A grant in the closing position keeps rule 2: Stripe held it at the close and applied it
     * at the period's invoice, so its refund takes back nothing the position counted (hunt AC).
     */
    LATE_GRANTS_BY_THEIR_END(3);

    /** The rule closing positions are recorded by. */
    static final CarriedCredits CURRENT = LATE_GRANTS_BY_THEIR_END;

    final int code;

    CarriedCredits(int code) {
        this.code = code;
    }

    static CarriedCredits of(int code) {
        return Arrays.stream(values())
                .filter(rule -> rule.code == code)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("closed_period.carried_rule " + code + " is not known"));
    }

    /**
     * Whether what {@code grant} paid of {@code period}'s usage is carried, given the customer's {@code next} period.
     *
     * @param late whether the grant was first seen after the period closed: not in its closing position
     */
    boolean carries(CreditGrant grant, BillingPeriod period, BillingPeriod next, boolean late) {
        Instant until = grant.usableUntil();
        if (until != null && !until.isAfter(period.end())) {
            return false;
        }
        if (this == USABLE_AFTER_THE_PERIOD) {
            return true;
        }
        Instant end = this == LATE_GRANTS_BY_THEIR_END && late ? until : grant.expiresAt();
        return end == null || !end.isBefore(next.end());
    }
}
