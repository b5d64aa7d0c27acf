package io.tokentally.stripe;

import java.time.Instant;

/**
 * One revision of what a customer's meter must show for one hour: {@code valueMicros} is the change
 * this revision makes (negative for a correction that lowers usage).
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
        Instant inFlightAt) {

    /** What the row becomes in Stripe. */
    public enum Kind {
        /** A meter event, for windows inside Stripe's 35-day window. */
        METER_EVENT,
        /** An invoice item on the customer's next invoice, for windows too old for meter events. */
        INVOICE_ITEM
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
