package io.tokentally.shared;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a customer's billing periods are cut: monthly or yearly, starting at midnight of the anchor day
 * in the customer's time zone. An anchor day past a month's end means that month's last day (the 31st
 * anchors on 28 or 29 February and on 31 March again), as Stripe does.
 *
 * @param anchorMonth the month (1-12) yearly periods start in; ignored for monthly periods
 */
public record BillingCycle(Interval interval, int anchorDay, int anchorMonth, ZoneId zone) {

    /** UTC calendar months: the cycle of a customer that names none. */
    public static final BillingCycle CALENDAR_MONTH_UTC = new BillingCycle(Interval.MONTH, 1, 1, ZoneId.of("UTC"));

    /** How long a period is. */
    public enum Interval {
        MONTH,
        YEAR;

        public static Interval parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "month", "monthly" -> MONTH;
                case "year", "yearly" -> YEAR;
                default -> throw new IllegalArgumentException("'" + text + "' is not month or year");
            };
        }
    }

    public BillingCycle {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(zone, "zone");
        if (anchorDay < 1 || anchorDay > 31) {
            throw new IllegalArgumentException("billing anchor day " + anchorDay + " is not between 1 and 31");
        }
        if (anchorMonth < 1 || anchorMonth > 12) {
            throw new IllegalArgumentException("billing anchor month " + anchorMonth + " is not between 1 and 12");
        }
    }

    /** The period that contains {@code instant}. */
    public BillingPeriod periodContaining(Instant instant) {
        LocalDate local = instant.atZone(zone).toLocalDate();
        int step = interval == Interval.MONTH ? 1 : 12;
        YearMonth month =
                interval == Interval.MONTH ? YearMonth.from(local) : YearMonth.of(local.getYear(), anchorMonth);
        Instant start = startIn(month);
        while (start.isAfter(instant)) {
            month = month.minusMonths(step);
            start = startIn(month);
        }
        return new BillingPeriod(start, startIn(month.plusMonths(step)));
    }

    /** The periods that hold part of {@code [from, to)}, in order: one, or more when a period starts inside it. */
    public List<BillingPeriod> periodsOverlapping(Instant from, Instant to) {
        List<BillingPeriod> periods = new ArrayList<>();
        for (BillingPeriod period = periodContaining(from); period.start().isBefore(to); period = next(period)) {
            periods.add(period);
        }
        return periods;
    }

    /** The period that follows {@code period}. */
    public BillingPeriod next(BillingPeriod period) {
        return periodContaining(period.end());
    }

    private Instant startIn(YearMonth month) {
        LocalDate day = month.atDay(Math.min(anchorDay, month.lengthOfMonth()));
        try {
            return ZonedDateTime.of(day.atStartOfDay(), zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalStateException("no midnight on " + day + " in " + zone, e);
        }
    }
}
