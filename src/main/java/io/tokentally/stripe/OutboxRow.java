package io.tokentally.stripe;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One revision of what a customer's meter must show for one hour: {@code valueMicros} is the change
 * this revision makes (negative for a correction that lowers usage), in micro-USD on the amount
 * meters and in tokens (or units) on a {@code tokens}-layout meter.
 *
 * @param amountUsd on a tokens-layout meter, the exact billed USD the revision's token count stands
 *     for (null on every other row)
 */
public record OutboxRow(
        long outboxId,
        Kind kind,
        String customerId,
        String stripeCustomerId,
        String meter,
        Instant windowStart,
        int revision,
        String identifier,
        String idempotencyKey,
        long valueMicros,
        Instant eventTimestamp,
        State state,
        int attempts,
        Instant inFlightAt,
        GrantTerms grant,
        BigDecimal amountUsd) {

    /** A row that is not a tokens-layout meter event. */
    public OutboxRow(
            long outboxId,
            Kind kind,
            String customerId,
            String stripeCustomerId,
            String meter,
            Instant windowStart,
            int revision,
            String identifier,
            String idempotencyKey,
            long valueMicros,
            Instant eventTimestamp,
            State state,
            int attempts,
            Instant inFlightAt,
            GrantTerms grant) {
        this(
                outboxId,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                windowStart,
                revision,
                identifier,
                idempotencyKey,
                valueMicros,
                eventTimestamp,
                state,
                attempts,
                inFlightAt,
                grant,
                null);
    }

    /** A meter event or invoice item row (no grant terms). */
    public OutboxRow(
            long outboxId,
            Kind kind,
            String customerId,
            String stripeCustomerId,
            String meter,
            Instant windowStart,
            int revision,
            String identifier,
            String idempotencyKey,
            long valueMicros,
            Instant eventTimestamp,
            State state,
            int attempts,
            Instant inFlightAt) {
        this(
                outboxId,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                windowStart,
                revision,
                identifier,
                idempotencyKey,
                valueMicros,
                eventTimestamp,
                state,
                attempts,
                inFlightAt,
                null);
    }

    /** This row with other grant terms. */
    public OutboxRow withGrant(GrantTerms terms) {
        return new OutboxRow(
                outboxId,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                windowStart,
                revision,
                identifier,
                idempotencyKey,
                valueMicros,
                eventTimestamp,
                state,
                attempts,
                inFlightAt,
                terms,
                amountUsd);
    }

    /** This row standing for an exact billed amount (a tokens-layout meter event). */
    public OutboxRow withAmountUsd(BigDecimal amount) {
        return new OutboxRow(
                outboxId,
                kind,
                customerId,
                stripeCustomerId,
                meter,
                windowStart,
                revision,
                identifier,
                idempotencyKey,
                valueMicros,
                eventTimestamp,
                state,
                attempts,
                inFlightAt,
                grant,
                amount);
    }

    /**
     * What a credit grant row creates, voids or expires in Stripe.
     *
     * @param effectiveAt when the grant starts, or null for "when Stripe receives it" (a start in the past)
     * @param expiresAt when it expires, or null for never
     * @param stripeGrantId the id Stripe gave the grant; known once its create row was sent
     */
    public record GrantTerms(
            String category, int priority, Instant effectiveAt, Instant expiresAt, String name, String stripeGrantId) {}

    /**
     * Whether the row was sent before {@code cutoff}, the start of Stripe's dedup window, without an answer that
     * settles it: a call that may have arrived and that Stripe no longer dedups.
     */
    public boolean sentWithoutAnswerBefore(Instant cutoff) {
        return inFlightAt != null
                && inFlightAt.isBefore(cutoff)
                && (state == State.PENDING || state == State.IN_FLIGHT || state == State.UNCERTAIN);
    }

    /**
     * Whether only Stripe can tell if the row's call arrived: a row left uncertain, or one sent before {@code cutoff}
     * without an answer that settles it.
     */
    public boolean unsettledAt(Instant cutoff) {
        return state == State.UNCERTAIN || sentWithoutAnswerBefore(cutoff);
    }

    /** This void or expire row, naming the grant it ends by {@code grantId}. */
    OutboxRow endingGrant(String grantId) {
        return withGrant(new GrantTerms(
                grant.category(), grant.priority(), grant.effectiveAt(), grant.expiresAt(), grant.name(), grantId));
    }

    /** Whether the row voids or expires a credit grant. */
    public boolean endsAGrant() {
        return kind == Kind.CREDIT_GRANT_VOID || kind == Kind.CREDIT_GRANT_EXPIRE;
    }

    public boolean isCreditGrant() {
        return kind == Kind.CREDIT_GRANT || kind == Kind.CREDIT_GRANT_VOID || kind == Kind.CREDIT_GRANT_EXPIRE;
    }

    /** What the row becomes in Stripe. */
    public enum Kind {
        /** A meter event: an hour's usage, stamped inside Stripe's 35-day window when it is planned. */
        METER_EVENT,
        /**
         * An invoice item on the customer's next invoice: a closed period's late usage, or (before late hours of an
         * open period were stamped inside the window) one such hour.
         */
        INVOICE_ITEM,
        /** A credit grant created: {@code valueMicros} is its amount. */
        CREDIT_GRANT,
        /** A grant voided: after a refund, or because the plans no longer give it (it may be created again). */
        CREDIT_GRANT_VOID,
        /** A grant expired after a cancellation. */
        CREDIT_GRANT_EXPIRE
    }

    /** Where the row stands. */
    public enum State {
        PENDING,
        /** A call was started; Stripe's answer was not recorded (yet). */
        IN_FLIGHT,
        SENT,
        /** Stripe refused it for good; a finding says why. */
        FAILED,
        /** In flight for longer than Stripe dedups identifiers: not resent blindly, a finding asks for a check. */
        UNCERTAIN
    }
}
