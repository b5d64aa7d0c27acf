package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;

/**
 * Provider cost (at list price) against the billed amount for one customer and model over one UTC day
 * (or, with {@code day} null, over a period). Amounts are exact; the percent is for people.
 */
public record MarginLine(String customerId, String model, LocalDate day, BigDecimal costUsd, BigDecimal billedUsd) {

    public BigDecimal marginUsd() {
        return billedUsd.subtract(costUsd);
    }

    /** Margin as a percent of the billed amount, to two decimals; null when nothing was billed. */
    public BigDecimal marginPercent() {
        return billedUsd.signum() == 0
                ? null
                : marginUsd().multiply(BigDecimal.valueOf(100)).divide(billedUsd, 2, RoundingMode.HALF_UP);
    }

    /** The finding this line calls for, if any: a loss, or a margin under the floor (in percent of billed). */
    public java.util.Optional<Finding> finding(BigDecimal floorPercent) {
        if (costUsd.signum() == 0 && billedUsd.signum() == 0) {
            return java.util.Optional.empty();
        }
        String where = customerId + " " + model + " on " + day;
        if (marginUsd().signum() < 0) {
            return java.util.Optional.of(new Finding(
                    "margin-negative:" + customerId + ":" + model + ":" + day,
                    "NEGATIVE_MARGIN",
                    Finding.Severity.ERROR,
                    where + ": billed " + Amounts.toText(billedUsd) + " USD for a provider cost of "
                            + Amounts.toText(costUsd) + " USD (margin "
                            + Amounts.toText(marginUsd()) + ")"));
        }
        BigDecimal percent = marginPercent();
        if (percent != null && percent.compareTo(floorPercent) < 0) {
            return java.util.Optional.of(new Finding(
                    "margin-below-floor:" + customerId + ":" + model + ":" + day,
                    "MARGIN_BELOW_FLOOR",
                    Finding.Severity.WARNING,
                    where + ": margin " + percent.toPlainString() + "% is below the floor of "
                            + floorPercent.toPlainString() + "%"));
        }
        return java.util.Optional.empty();
    }
}
