package io.tokentally.plans;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * Credit a customer can spend: a credit pack or top-up ({@link Category#PAID}) or a promotional grant,
 * from the purchases feed. It covers usage from {@code effectiveAt} until it expires, is voided
 * (refund) or is cancelled, whichever comes first; what it already covered stays covered.
 *
 * @param expiresAt the end of its validity from the feed, or null for never
 * @param endedAt when a refund voided it or a cancellation expired it, or null
 */
public record CreditGrant(
        String grantKey,
        String customerId,
        Category category,
        BigDecimal amountUsd,
        Instant effectiveAt,
        Instant expiresAt,
        Instant endedAt,
        End end) {

    /** Stripe's credit grant categories. */
    public enum Category {
        PAID,
        PROMOTIONAL;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a grant ended early. */
    public enum End {
        NONE,
        /** Refunded: the grant is voided in Stripe. */
        VOIDED,
        /** Cancelled: the grant is expired in Stripe. */
        EXPIRED
    }

    /** The first instant it no longer covers usage, or null when it never ends. */
    public Instant usableUntil() {
        if (endedAt == null) {
            return expiresAt;
        }
        return expiresAt == null || endedAt.isBefore(expiresAt) ? endedAt : expiresAt;
    }

    public boolean usableAt(Instant instant) {
        Instant until = usableUntil();
        return !instant.isBefore(effectiveAt) && (until == null || instant.isBefore(until));
    }
}
