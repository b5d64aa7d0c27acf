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

    /** Where the amount reached the limit: {@code by the hour from ...}, or a closed period's late usage. */
    private final String reached;

    private final String usageToCheck;
    private final BigDecimal usd;

    private MeterAmountTooLargeException(String reached, String usageToCheck, BigDecimal usd) {
        super("an amount of " + Amounts.toText(usd) + " USD " + reached
                + " is more micro-USD than a meter event or invoice item can carry");
        this.reached = reached;
        this.usageToCheck = usageToCheck;
        this.usd = usd;
    }

    /**
     * {@code usd}, the meter's amount through the hour from {@code hour}, in whole micro-USD (rounded half up);
     * throws this exception when a {@code long} cannot hold it.
     */
    static long micros(BigDecimal usd, Instant hour) {
        return micros(usd, "by the hour from " + hour, "that hour's usage");
    }

    /** {@code usd}, a closed period's change since it closed, in whole micro-USD, as {@link #micros} gives it. */
    static long lateMicros(BigDecimal usd) {
        return micros(usd, "in the usage billed since the period closed", "the usage that reached it late");
    }

    private static long micros(BigDecimal usd, String reached, String usageToCheck) {
        BigDecimal micros = Amounts.toMicros(usd).movePointRight(6);
        if (micros.abs().compareTo(MAX_MICROS) > 0) {
            throw new MeterAmountTooLargeException(reached, usageToCheck, usd);
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
                        + Amounts.toText(usd) + " USD " + reached + ", more micro-USD than a Stripe meter event or"
                        + " invoice item can carry: nothing of that meter's period from there is sent to Stripe."
                        + " Check " + usageToCheck + " for a count or a price far too large");
    }
}
