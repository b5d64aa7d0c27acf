package io.tokentally.reconcile;

import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Provider cost against the billed amount for one customer and model over one UTC day (or, with {@code day}
 * null, over a period). The cost is the provider's actual charge where a cost export covers the usage, apportioned
 * by list-price cost ({@link ActualCosts}), and the list price otherwise; {@code costBasis} says which:
 * {@code actual}, {@code list}, or {@code mixed} when only some of the line's usage is covered. Amounts are exact;
 * the percent is for people.
 *
 * @param listCostUsd the same usage at list price
 * @param costSources the cost export lines behind an actual cost (empty for list price)
 */
public record MarginLine(
        String customerId,
        String model,
        LocalDate day,
        BigDecimal costUsd,
        BigDecimal billedUsd,
        BigDecimal listCostUsd,
        String costBasis,
        List<CostSource> costSources) {

    public static final String ACTUAL = "actual";
    public static final String LIST = "list";
    public static final String MIXED = "mixed";
    /** The kind of a line's finding of a loss. */
    static final String NEGATIVE = "NEGATIVE_MARGIN";
    /** The kind of a line's finding of a margin under the floor. */
    static final String BELOW_FLOOR = "MARGIN_BELOW_FLOOR";

    /** A line costed at list price. */
    public MarginLine(String customerId, String model, LocalDate day, BigDecimal costUsd, BigDecimal billedUsd) {
        this(customerId, model, day, costUsd, billedUsd, costUsd, LIST, List.of());
    }

    /** One line of a cost export: its file, line and bucket. */
    public record CostSource(String file, long line, String bucket) {}

    public BigDecimal marginUsd() {
        return billedUsd.subtract(costUsd);
    }

    /** Margin as a percent of the billed amount, to two decimals; null when nothing was billed. */
    public BigDecimal marginPercent() {
        return billedUsd.signum() == 0
                ? null
                : marginUsd().multiply(BigDecimal.valueOf(100)).divide(billedUsd, 2, RoundingMode.HALF_UP);
    }

    /** The basis of lines summed together: the one they share, else {@code mixed}. */
    static String combine(String a, String b) {
        return a == null ? b : a.equals(b) ? a : MIXED;
    }

    /** The finding this line calls for, if any: a loss, or a margin under the floor (in percent of billed). */
    public Optional<Finding> finding(BigDecimal floorPercent) {
        if (costUsd.signum() == 0 && billedUsd.signum() == 0) {
            return Optional.empty();
        }
        String where = customerId + " " + model + " on " + day;
        String cost = Amounts.toText(costUsd) + " USD (" + costBasis
                + (costBasis.equals(LIST) ? " price" : " cost, list price " + Amounts.toText(listCostUsd) + " USD")
                + ")";
        if (marginUsd().signum() < 0) {
            return Optional.of(new Finding(
                    "margin-negative:" + customerId + ":" + model + ":" + day,
                    NEGATIVE,
                    Finding.Severity.ERROR,
                    where + ": billed " + Amounts.toText(billedUsd) + " USD for a provider cost of " + cost
                            + " (margin " + Amounts.toText(marginUsd()) + ")",
                    evidence(floorPercent, marginPercent())));
        }
        if (isBelow(floorPercent)) {
            BigDecimal percent = percentUnder(floorPercent);
            return Optional.of(new Finding(
                    "margin-below-floor:" + customerId + ":" + model + ":" + day,
                    BELOW_FLOOR,
                    Finding.Severity.WARNING,
                    where + ": margin " + percent.toPlainString() + "% is below the floor of "
                            + floorPercent.toPlainString() + "% (billed " + Amounts.toText(billedUsd)
                            + " USD, provider cost " + cost + ")",
                    evidence(floorPercent, percent)));
        }
        return Optional.empty();
    }

    /** Whether the exact margin, not the percent rounded to two decimals, is under the floor. */
    private boolean isBelow(BigDecimal floorPercent) {
        return billedUsd.signum() > 0
                && marginUsd().multiply(BigDecimal.valueOf(100)).compareTo(floorPercent.multiply(billedUsd)) < 0;
    }

    /**
     * The margin percent of a line under the floor, to two decimals or one more than the floor has, rounded toward
     * zero: never shown at or above the floor it is under (16.6666…% under a floor of 16.669% is 16.6666%).
     */
    private BigDecimal percentUnder(BigDecimal floorPercent) {
        int scale = Math.max(2, floorPercent.stripTrailingZeros().scale() + 1);
        return marginUsd().multiply(BigDecimal.valueOf(100)).divide(billedUsd, scale, RoundingMode.DOWN);
    }

    /**
     * The finding's numbers, its margin percent as its message gives it (with its trailing zeros; null when nothing
     * was billed).
     */
    private Evidence evidence(BigDecimal floorPercent, BigDecimal percent) {
        Evidence evidence = new Evidence()
                .number("billed_usd", billedUsd)
                .number("cost_usd", costUsd)
                .number("cost_basis", costBasis)
                .number("list_cost_usd", listCostUsd)
                .number("margin_usd", marginUsd())
                .number("margin_percent", percent == null ? null : percent.toPlainString())
                .number("floor_percent", floorPercent);
        for (CostSource source : costSources) {
            evidence.source("charge", source.file(), Long.toString(source.line()), source.bucket());
        }
        return evidence;
    }
}
