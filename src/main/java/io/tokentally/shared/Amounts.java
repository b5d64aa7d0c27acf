package io.tokentally.shared;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money arithmetic. Intermediates stay exact; this class is the one place amounts are rounded, always
 * HALF_UP: to cents for invoice lines and summaries, to micro-USD for the amount meters (whose
 * remainder carries forward, so it is never lost), to 12 decimals for derived unit prices.
 */
public final class Amounts {

    /** How the names of the amount meters end, which count billed micro-USD (the Stripe stage's amount layout). */
    public static final String AMOUNT_METER_SUFFIX = "_usd_micros";

    /** The decimals a unit price (USD per million units) keeps: Stripe's limit for decimal unit amounts. */
    public static final int PRICE_SCALE = 12;

    /**
     * A plan's fee or allowance, a purchase, or a balance setting of this many dollars (10^12) or more is refused:
     * more than anyone is billed, and more than a plan's stored fee ({@code NUMERIC(24, 12)}) holds. Text, as a
     * setting's check takes it.
     */
    public static final String MAX_CONFIGURED_USD_TEXT = "1000000000000";

    /** {@link #MAX_CONFIGURED_USD_TEXT} as a number. */
    public static final BigDecimal MAX_CONFIGURED_USD = new BigDecimal(MAX_CONFIGURED_USD_TEXT);

    private Amounts() {}

    /** A unit price (USD per million units) rounded HALF_UP to {@link #PRICE_SCALE} decimals, trailing zeros dropped. */
    public static BigDecimal atPriceScale(BigDecimal usdPerMillion) {
        return usdPerMillion.setScale(PRICE_SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** A derived unit price {@code usdPerMillion × numerator / denominator}, rounded HALF_UP to 12 decimals. */
    public static BigDecimal derivedPrice(BigDecimal usdPerMillion, BigDecimal numerator, BigDecimal denominator) {
        return usdPerMillion
                .multiply(numerator)
                .divide(denominator, PRICE_SCALE, RoundingMode.HALF_UP)
                .stripTrailingZeros();
    }

    /** Provider cost of {@code quantity} units at {@code usdPerMillion}; exact, never rounded. */
    public static BigDecimal cost(long quantity, BigDecimal usdPerMillion) {
        return usdPerMillion.multiply(BigDecimal.valueOf(quantity)).movePointLeft(6);
    }

    /** The whole tokens {@code usd} buys at {@code usdPerMillion}, rounded down: none at a price of zero. */
    public static long tokensBought(BigDecimal usd, BigDecimal usdPerMillion) {
        if (usdPerMillion.signum() <= 0) {
            return 0;
        }
        return usd.movePointRight(6).divide(usdPerMillion, 0, RoundingMode.DOWN).longValueExact();
    }

    /** {@code cost × (1 + percent / 100)}, exact. */
    public static BigDecimal withMarkup(BigDecimal cost, BigDecimal markupPercent) {
        return cost.add(cost.multiply(markupPercent).movePointLeft(2));
    }

    /**
     * A Stripe per-unit price in USD cents with the markup included, rounded HALF_UP to Stripe's 12
     * decimals: {@code usdPerMillion × (1 + percent / 100) / 10^6 × 100}, i.e.
     * {@code usdPerMillion × (100 + percent) / 10^6}.
     */
    public static BigDecimal centsPerUnit(BigDecimal usdPerMillion, BigDecimal markupPercent) {
        return usdPerMillion
                .multiply(BigDecimal.valueOf(100).add(markupPercent))
                .divide(BigDecimal.valueOf(1_000_000), 12, RoundingMode.HALF_UP);
    }

    /** Plain decimal text without trailing zeros, as the run report writes amounts. */
    public static String toText(BigDecimal amount) {
        if (amount.signum() == 0) {
            return "0";
        }
        return amount.stripTrailingZeros().toPlainString();
    }

    /** The amount rounded HALF_UP to cents, the currency's minor unit. */
    public static BigDecimal toMinorUnit(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }

    /**
     * {@code amount × part / whole} rounded HALF_UP to cents: a fee or an included amount of a billing
     * period cut by a plan change, in proportion to time.
     */
    public static BigDecimal prorate(BigDecimal amount, long part, long whole) {
        if (part == whole) {
            return amount;
        }
        return amount.multiply(BigDecimal.valueOf(part)).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }

    /** {@code tokens × part / whole} rounded HALF_UP to whole tokens: an included token allowance, prorated. */
    public static long prorate(long tokens, long part, long whole) {
        if (part == whole) {
            return tokens;
        }
        return BigDecimal.valueOf(tokens)
                .multiply(BigDecimal.valueOf(part))
                .divide(BigDecimal.valueOf(whole), 0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** The decimals of a stored cost, and of a provider's charge as written (ADR 0022). */
    public static final int COST_SCALE = 18;

    /**
     * {@code total × part / whole}, HALF_UP to {@link #COST_SCALE} decimals: a share of an actual provider charge
     * apportioned by list-price cost. Exact whenever the share is.
     */
    public static BigDecimal share(BigDecimal total, BigDecimal part, BigDecimal whole) {
        if (part.compareTo(whole) == 0) {
            return total;
        }
        return total.multiply(part).divide(whole, COST_SCALE, RoundingMode.HALF_UP);
    }

    /** The amount as it is, or HALF_UP to {@link #COST_SCALE} decimals when it has more (a float's last digits). */
    public static BigDecimal atMostCostScale(BigDecimal amount) {
        return amount.scale() > COST_SCALE ? amount.setScale(COST_SCALE, RoundingMode.HALF_UP) : amount;
    }

    /** The amount rounded HALF_UP to micro-USD (six decimals), the unit of the amount meters. */
    public static BigDecimal toMicros(BigDecimal amount) {
        return amount.setScale(6, RoundingMode.HALF_UP);
    }

    /**
     * {@code amount.stripTrailingZeros()}, the same value and scale, but cheaper for the wide-scale values
     * the database returns (26 decimals, an unscaled value past a long): the fraction's zeros are cut from
     * the plain text, and only the short rest is stripped.
     */
    public static BigDecimal stripped(BigDecimal amount) {
        if (amount.scale() <= 0) {
            return amount.stripTrailingZeros();
        }
        String plain = amount.toPlainString();
        int end = plain.length();
        while (plain.charAt(end - 1) == '0') {
            end--;
        }
        if (plain.charAt(end - 1) == '.') {
            end--;
        }
        return new BigDecimal(plain.substring(0, end)).stripTrailingZeros();
    }
}
