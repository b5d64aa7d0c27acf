package io.tokentally.reconcile;

import java.math.BigDecimal;

/**
 * How far two numbers may differ: {@code |a - b| <= max(absolute, percent / 100 x max(|a|, |b|))}. A
 * difference exactly at the tolerance is within it.
 */
record Tolerance(BigDecimal absolute, BigDecimal percent) {

    /** The largest difference allowed between {@code a} and {@code b}; exact. */
    BigDecimal allowed(BigDecimal a, BigDecimal b) {
        BigDecimal relative = a.abs().max(b.abs()).multiply(percent).movePointLeft(2);
        return absolute.max(relative);
    }

    boolean within(BigDecimal a, BigDecimal b) {
        return a.subtract(b).abs().compareTo(allowed(a, b)) <= 0;
    }

    boolean within(long a, long b) {
        return within(BigDecimal.valueOf(a), BigDecimal.valueOf(b));
    }

    /** As the findings and reconciliation.csv show it. */
    String describe(String unit) {
        return absolute.stripTrailingZeros().toPlainString() + " " + unit + " or "
                + percent.stripTrailingZeros().toPlainString() + "%";
    }
}
