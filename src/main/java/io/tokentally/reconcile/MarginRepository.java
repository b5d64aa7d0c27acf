package io.tokentally.reconcile;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Cost and billed amount of attributed usage, per customer, model and UTC day, from the rated aggregates. */
@Repository
public class MarginRepository {

    private final JdbcTemplate jdbc;

    public MarginRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One line per customer, model and day of the hours in [from, to). */
    public List<MarginLine> daily(Instant from, Instant to) {
        return daily(hourly(from, to));
    }

    /** One line per customer, model and hour of [from, to): what the daily and period lines of a window sum. */
    public List<HourMargin> hourly(Instant from, Instant to) {
        return hourlyByAttribution(from, to).attributed();
    }

    /**
     * One line per customer, model and hour of [from, to), for attributed usage and, apart, for usage no
     * customer owns: one pass over the window's aggregates for the margin and the unattributed-usage findings.
     * It groups by a permutation of the primary key's first columns, so H2 groups as it reads instead of
     * holding every group in memory; a sum is null when the hour has no aggregate of its kind.
     */
    public Hours hourlyByAttribution(Instant from, Instant to) {
        Hours hours = new Hours(new ArrayList<>(), new ArrayList<>());
        jdbc.query(
                "SELECT customer_id, model, hour_start, SUM(CASE WHEN attributed = TRUE THEN cost_usd END),"
                        + " SUM(CASE WHEN attributed = TRUE THEN billed_usd END),"
                        + " SUM(CASE WHEN attributed = FALSE THEN cost_usd END),"
                        + " SUM(CASE WHEN attributed = FALSE THEN billed_usd END) FROM rated_aggregate"
                        + " WHERE hour_start >= ? AND hour_start < ? GROUP BY customer_id, model, hour_start",
                rs -> {
                    Instant hour = SqlTime.read(rs, "hour_start");
                    if (rs.getBigDecimal(4) != null) {
                        hours.attributed()
                                .add(new HourMargin(
                                        rs.getString(1),
                                        rs.getString(2),
                                        hour,
                                        rs.getBigDecimal(4),
                                        rs.getBigDecimal(5)));
                    }
                    if (rs.getBigDecimal(6) != null) {
                        hours.unattributed()
                                .add(new HourMargin(
                                        rs.getString(1),
                                        rs.getString(2),
                                        hour,
                                        rs.getBigDecimal(6),
                                        rs.getBigDecimal(7)));
                    }
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
        return hours;
    }

    /** The hourly lines of a window: attributed usage, and usage no customer owns. */
    public record Hours(List<HourMargin> attributed, List<HourMargin> unattributed) {}

    /** The hourly lines summed per customer, model and UTC day, ordered by customer, model and day. */
    public static List<MarginLine> daily(List<HourMargin> hours) {
        Map<String, MarginLine> lines = new TreeMap<>();
        for (HourMargin hour : hours) {
            LocalDate day = LocalDate.ofInstant(hour.hour(), ZoneOffset.UTC);
            MarginLine line = new MarginLine(hour.customerId(), hour.model(), day, hour.costUsd(), hour.billedUsd());
            lines.merge(line.customerId() + '\u0000' + line.model() + '\u0000' + day, line, MarginRepository::add);
        }
        return new ArrayList<>(lines.values());
    }

    /**
     * Period to date: for each customer with attributed usage in the window [from, to) ({@code window} holds
     * its hourly lines), one line per model over each of the customer's billing periods that the window
     * touches, from the period's start up to the end of the window (or of the period, if sooner). The
     * window's part comes from {@code window}; only the part of a period before the window is read, one
     * query for the customers on the same cycle.
     */
    public List<PeriodMarginLine> periodToDate(
            Instant from, Instant to, List<HourMargin> window, Map<String, BillingCycle> cycles) {
        Map<BillingPeriod, Set<String>> customersByPeriod = new TreeMap<>();
        for (HourMargin hour : window) {
            String customerId = hour.customerId();
            BillingCycle cycle = cycles.getOrDefault(customerId, BillingCycle.CALENDAR_MONTH_UTC);
            customersByPeriod
                    .computeIfAbsent(cycle.periodContaining(from), p -> new HashSet<>())
                    .add(customerId);
            customersByPeriod
                    .computeIfAbsent(cycle.periodContaining(to.minusNanos(1)), p -> new HashSet<>())
                    .add(customerId);
        }
        List<PeriodMarginLine> lines = new ArrayList<>();
        customersByPeriod.forEach((period, customers) -> {
            Instant through = period.end().isBefore(to) ? period.end() : to;
            Map<String, MarginLine> sums = new HashMap<>();
            if (period.start().isBefore(from)) {
                Instant before = through.isBefore(from) ? through : from;
                for (HourMargin hour : hourly(period.start(), before)) {
                    addTo(sums, customers, hour);
                }
            }
            for (HourMargin hour : window) {
                if (!hour.hour().isBefore(period.start()) && hour.hour().isBefore(through)) {
                    addTo(sums, customers, hour);
                }
            }
            sums.values().forEach(line -> lines.add(new PeriodMarginLine(period, through, line)));
        });
        lines.sort(Comparator.comparing((PeriodMarginLine line) -> line.line().customerId())
                .thenComparing(line -> line.period().start())
                .thenComparing(line -> line.line().model()));
        return lines;
    }

    private static void addTo(Map<String, MarginLine> sums, Set<String> customers, HourMargin hour) {
        if (customers.contains(hour.customerId())) {
            MarginLine line = new MarginLine(hour.customerId(), hour.model(), null, hour.costUsd(), hour.billedUsd());
            sums.merge(hour.customerId() + '\u0000' + hour.model(), line, MarginRepository::add);
        }
    }

    /** Cost and billed amount of one customer's attributed usage of one model in one hour. */
    public record HourMargin(String customerId, String model, Instant hour, BigDecimal costUsd, BigDecimal billedUsd) {}

    /** A customer's margin on one model over a billing period, from its start up to {@code through}. */
    public record PeriodMarginLine(BillingPeriod period, Instant through, MarginLine line) {}

    private static MarginLine add(MarginLine a, MarginLine b) {
        return new MarginLine(
                a.customerId(),
                a.model(),
                a.day(),
                a.costUsd().add(b.costUsd()),
                a.billedUsd().add(b.billedUsd()));
    }
}
