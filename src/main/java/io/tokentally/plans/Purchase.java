package io.tokentally.plans;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * One row of the purchases feed: a credit pack or top-up bought, or a refund or cancellation of one.
 *
 * @param amountUsd the credit bought (for a refund or cancellation, null)
 * @param expiresAt when the credit expires, or null for never
 */
public record Purchase(
        String purchaseId,
        Event event,
        String customerId,
        CreditGrant.Category category,
        BigDecimal amountUsd,
        Instant at,
        Instant expiresAt) {

    /** What happened to the purchase. */
    public enum Event {
        PURCHASE,
        REFUND,
        CANCELLATION;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Event parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "", "purchase", "topup", "top_up", "top-up" -> PURCHASE;
                case "refund" -> REFUND;
                case "cancel", "cancellation", "cancelled", "canceled" -> CANCELLATION;
                default ->
                    throw new IllegalArgumentException("event '" + text + "' is not purchase, refund or cancellation");
            };
        }
    }
}
