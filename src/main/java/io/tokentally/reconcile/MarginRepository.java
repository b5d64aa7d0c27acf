package io.tokentally.reconcile;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
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
        Map<String, MarginLine> lines = new TreeMap<>();
        jdbc.query(
                "SELECT customer_id, model, hour_start, SUM(cost_usd), SUM(billed_usd) FROM rated_aggregate"
                        + " WHERE attributed = TRUE AND hour_start >= ? AND hour_start < ?"
                        + " GROUP BY customer_id, model, hour_start",
                rs -> {
                    LocalDate day = LocalDate.ofInstant(SqlTime.read(rs, "hour_start"), ZoneOffset.UTC);
                    MarginLine hour = new MarginLine(
                            rs.getString(1), rs.getString(2), day, rs.getBigDecimal(4), rs.getBigDecimal(5));
                    lines.merge(
                            hour.customerId() + '\u0000' + hour.model() + '\u0000' + day, hour, MarginRepository::add);
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
        return new ArrayList<>(lines.values());
    }

    /**
     * Period to date: for each of these customers (those with attributed usage in [from, to)), one line per model over
     * each of the customer's billing periods that [from, to) touches, from the period's start up to the
     * end of the window (or of the period, if sooner). Customers on the same cycle share one query.
     */
    public List<PeriodMarginLine> periodToDate(
            Instant from, Instant to, Set<String> customerIds, Map<String, BillingCycle> cycles) {
        Map<BillingPeriod, Set<String>> customersByPeriod = new TreeMap<>();
        for (String customerId : customerIds) {
            BillingCycle cycle = cycles.getOrDefault(customerId, BillingCycle.CALENDAR_MONTH_UTC);
            Set<BillingPeriod> touched = new HashSet<>();
            touched.add(cycle.periodContaining(from));
            touched.add(cycle.periodContaining(to.minusNanos(1)));
            for (BillingPeriod period : touched) {
                customersByPeriod.computeIfAbsent(period, p -> new HashSet<>()).add(customerId);
            }
        }
        List<PeriodMarginLine> lines = new ArrayList<>();
        customersByPeriod.forEach((period, customers) -> {
            Instant through = period.end().isBefore(to) ? period.end() : to;
            jdbc.query(
                    "SELECT customer_id, model, SUM(cost_usd), SUM(billed_usd) FROM rated_aggregate"
                            + " WHERE attributed = TRUE AND hour_start >= ? AND hour_start < ?"
                            + " GROUP BY customer_id, model ORDER BY customer_id, model",
                    rs -> {
                        if (customers.contains(rs.getString(1))) {
                            lines.add(new PeriodMarginLine(
                                    period,
                                    through,
                                    new MarginLine(
                                            rs.getString(1),
                                            rs.getString(2),
                                            null,
                                            rs.getBigDecimal(3),
                                            rs.getBigDecimal(4))));
                        }
                    },
                    SqlTime.utc(period.start()),
                    SqlTime.utc(through));
        });
        lines.sort(Comparator.comparing((PeriodMarginLine line) -> line.line().customerId())
                .thenComparing(line -> line.period().start())
                .thenComparing(line -> line.line().model()));
        return lines;
    }

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
