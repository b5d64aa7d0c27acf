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
     * Grants Stripe holds whose grant there lasts to the end of the first period whose invoice can apply it after the
     * close ({@link Spending}): Stripe spends what they paid of the period on later usage. A grant whose grant ends
     * before then carries what it carried at the close, kept per grant ({@link #keepsTheClose}): Stripe applied one it
     * held then at the period's invoice and applies nothing more of it, so a refund takes back nothing the close
     * counted (hunt AC) and late usage it pays is not charged; one first seen after the close carried nothing, so
     * what it pays of the period is a negative item, the credit Stripe never gives (hunts AB and AD).
     */
    CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS(3);

    /** The rule closing positions are recorded by. */
    static final CarriedCredits CURRENT = CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS;

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
     * When Stripe could spend a grant's credit after a period closed (rule 3).
     *
     * @param invoice the first period whose invoice can apply the grant after the close: the next period for a grant
     *     Stripe held at the close, the period its first create was planned in (less the close grace) for a later one
     * @param end when Stripe's grant ends for its invoices: its expiry, or the later of a refund's or cancellation's
     *     time and when the outbox planned the void or expire (less the close grace); null for never
     */
    record Spending(BillingPeriod invoice, Instant end) {

        boolean endsBeforeTheInvoice() {
            return end != null && end.isBefore(invoice.end());
        }
    }

    /**
     * Whether what {@code grant} paid of {@code period}'s usage is carried, given the customer's {@code next} period
     * and, for rule 3, when Stripe can spend it.
     */
    boolean carries(CreditGrant grant, BillingPeriod period, BillingPeriod next, Spending spending) {
        Instant until = grant.usableUntil();
        if (until != null && !until.isAfter(period.end())) {
            return false;
        }
        return switch (this) {
            case USABLE_AFTER_THE_PERIOD -> true;
            case NOT_EXPIRING_IN_THE_NEXT_PERIOD ->
                grant.expiresAt() == null || !grant.expiresAt().isBefore(next.end());
            case CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS -> !spending.endsBeforeTheInvoice();
        };
    }

    /**
     * Whether the grant carries, by this rule, what it carried at the close rather than what it pays now: by rule 3,
     * one whose grant in Stripe ends before the first invoice that could spend it, or one Stripe applied at the
     * period's invoice as if it lived though a refund or cancellation ended it by the period's end ({@code
     * appliedLive}): in the ledger it pays nothing after the period, so the invoices after it are judged by their own
     * positions (a refund first seen after the next period closed too dropped what the close carried: hunt AG, $6
     * under).
     */
    boolean keepsTheClose(Spending spending, boolean appliedLive) {
        return this == CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS && (spending.endsBeforeTheInvoice() || appliedLive);
    }
}
