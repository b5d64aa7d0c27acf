package io.tokentally.stripe;

import io.tokentally.reconcile.Finding;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A customer's billed amount on a meter, in micro-USD, that a meter event (a {@code long}) cannot carry: more
 * than about 9.2 trillion USD in a billing period, which only a count or a price far too large can make. The
 * outbox leaves that customer's meter of the period unplanned and records an error for a person, so that the
 * others' usage still goes to Stripe.
 */
final class MeterAmountTooLargeException extends RuntimeException {

    private static final BigDecimal MAX_MICROS = BigDecimal.valueOf(Long.MAX_VALUE);

    private final Instant hour;
    private final BigDecimal usd;

    private MeterAmountTooLargeException(Instant hour, BigDecimal usd) {
        super("an amount of " + usd.toPlainString() + " USD through the hour from " + hour
                + " is more micro-USD than a meter event can carry");
        this.hour = hour;
        this.usd = usd;
    }

    /** {@code usd} in whole micro-USD (rounded half up); throws this exception when a {@code long} cannot hold it. */
    static long micros(BigDecimal usd, Instant hour) {
        BigDecimal micros = Amounts.toMicros(usd).movePointRight(6);
        if (micros.abs().compareTo(MAX_MICROS) > 0) {
            throw new MeterAmountTooLargeException(hour, usd);
        }
        return micros.longValueExact();
    }

    /** The error finding for the customer's meter in the period. */
    Finding finding(String customerId, String meter, BillingPeriod period) {
        return new Finding(
                "meter-amount-too-large:" + customerId + ":" + meter + ":" + period.start(),
                "METER_AMOUNT_TOO_LARGE",
                Finding.Severity.ERROR,
                customerId + "'s billed amount on " + meter + " in the billing period " + period + " reaches "
                        + usd.toPlainString() + " USD by the hour from " + hour + ", more micro-USD than a Stripe"
                        + " meter event or invoice item can carry: nothing of that meter's period from there is sent"
                        + " to Stripe. Check that hour's usage for a count or a price far too large");
    }
}
