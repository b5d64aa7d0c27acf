package io.tokentally.reconcile;

import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Cost and billed amount of attributed usage, per customer, model and UTC day, from the rated aggregates: the
 * cost is the provider's actual charge where a cost export covers the usage ({@link ActualCosts}), list price
 * otherwise.
 */
@Repository
public class MarginRepository {

    private final JdbcTemplate jdbc;
    private final ChargeRepository charges;

    MarginRepository(JdbcTemplate jdbc, ChargeRepository charges) {
        this.jdbc = jdbc;
        this.charges = charges;
    }

    /** One line per customer, model and day of the hours in [from, to). */
    public List<MarginLine> daily(Instant from, Instant to) {
        return daily(from, to, charges.actualCosts(from, to));
    }

    private List<MarginLine> daily(Instant from, Instant to, ActualCosts actual) {
        Map<DayKey, DayCost> lines = new HashMap<>();
        for (Instant start = from; start.isBefore(to); ) {
            LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
            Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant end = dayEnd.isBefore(to) ? dayEnd : to;
            readDay(lines, day, start, end);
            start = end;
        }
        // in the order of customer id, model and day as one text, as the lines have always come
        return lines.values().stream()
                .sorted(Comparator.comparing(DayCost::sortKey))
                .map(line -> line.costed(actual))
                .toList();
    }

    /** Adds the attributed usage of [start, end), hours of {@code day}, to that day's lines. */
    private void readDay(Map<DayKey, DayCost> lines, LocalDate day, Instant start, Instant end) {
        // summed per day in SQL: the day's rows, one per hour, tiers and token type, would come back as a
        // result that H2 builds in full (on disk past its in-memory row limit) before the first row is read
        jdbc.query(
                "SELECT customer_id, provider, model, token_type, SUM(cost_usd), SUM(billed_usd)"
                        + " FROM rated_aggregate WHERE attributed = TRUE AND hour_start >= ? AND hour_start < ?"
                        + " GROUP BY customer_id, provider, model, token_type",
                rs -> {
                    String customerId = rs.getString(1);
                    String provider = rs.getString(2);
                    String model = rs.getString(3);
                    lines.computeIfAbsent(
                                    new DayKey(customerId, model, day),
                                    k -> new DayCost(customerId, provider, model, day))
                            .add(rs.getString(4), rs.getBigDecimal(5), rs.getBigDecimal(6));
                },
                SqlTime.utc(start),
                SqlTime.utc(end));
    }

    private record DayKey(String customerId, String model, LocalDate day) {}

    /**
     * The daily lines of [from, to), taking whole UTC days that {@code known} holds (lines already read,
     * by day) from it and reading only the rest, in as few ranges as possible.
     */
    public List<MarginLine> daily(Instant from, Instant to, Map<LocalDate, List<MarginLine>> known) {
        List<MarginLine> lines = new ArrayList<>();
        Instant unreadFrom = from;
        Instant cursor = from;
        while (cursor.isBefore(to)) {
            LocalDate day = LocalDate.ofInstant(cursor, ZoneOffset.UTC);
            Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant dayEnd = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (dayStart.equals(cursor) && !dayEnd.isAfter(to) && known.containsKey(day)) {
                if (unreadFrom.isBefore(cursor)) {
                    lines.addAll(daily(unreadFrom, cursor));
                }
                lines.addAll(known.get(day));
                unreadFrom = dayEnd;
            }
            cursor = dayEnd.isAfter(to) ? to : dayEnd;
        }
        if (unreadFrom.isBefore(to)) {
            lines.addAll(daily(unreadFrom, to));
        }
        return lines;
    }

    /** The daily lines of each of these days. */
    public List<MarginLine> daily(Collection<LocalDate> days) {
        List<MarginLine> lines = new ArrayList<>();
        for (LocalDate day : days) {
            lines.addAll(daily(
                    day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        return lines;
    }

    /**
     * The daily lines of each of these days, costed from the usage already read for them
     * ({@link ProviderReconciliation#usage}) instead of reading it again where a cost export covers a day.
     */
    List<MarginLine> daily(SortedMap<LocalDate, ProviderUsageRepository.Sides> usage) {
        List<MarginLine> lines = new ArrayList<>();
        usage.forEach((day, sides) -> {
            Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            lines.addAll(daily(from, to, charges.actualCosts(from, to, sides)));
        });
        return lines;
    }

    /**
     * Keeps the lines the reconcile step computed for a run's days, replacing what an earlier attempt of the run
     * kept, so that the run report reads them ({@link #stored(long)}) instead of computing the days again.
     */
    public void store(long run, Collection<LocalDate> days, List<MarginLine> lines) {
        forget(run);
        jdbc.batchUpdate(
                "INSERT INTO run_margin_day (run_id, margin_day) VALUES (?, ?)",
                days.stream().map(day -> new Object[] {run, day}).toList());
        jdbc.batchUpdate(
                "INSERT INTO run_margin_line (run_id, margin_day, customer_id, model, cost_usd, billed_usd, list_cost_usd,"
                        + " cost_basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                lines.stream()
                        .map(line -> new Object[] {
                            run,
                            line.day(),
                            line.customerId(),
                            line.model(),
                            line.costUsd(),
                            line.billedUsd(),
                            line.listCostUsd(),
                            line.costBasis()
                        })
                        .toList());
    }

    /** Drops what {@link #store} kept for a run, once its report is written: nothing reads it after that. */
    public void forget(long run) {
        jdbc.update("DELETE FROM run_margin_line WHERE run_id = ?", run);
        jdbc.update("DELETE FROM run_margin_day WHERE run_id = ?", run);
    }

    /**
     * The lines {@link #store} kept for a run, by day, in the order {@link #daily(Collection)} gives them: every
     * day the run's reconcile step covered (empty when it has not run). The lines carry no cost sources: those
     * went into the step's findings.
     */
    public SortedMap<LocalDate, List<MarginLine>> stored(long run) {
        SortedMap<LocalDate, List<MarginLine>> days = new TreeMap<>();
        jdbc.queryForList("SELECT margin_day FROM run_margin_day WHERE run_id = ?", LocalDate.class, run)
                .forEach(day -> days.put(day, new ArrayList<>()));
        jdbc.query(
                "SELECT margin_day, customer_id, model, cost_usd, billed_usd, list_cost_usd, cost_basis"
                        + " FROM run_margin_line WHERE run_id = ?",
                rs -> {
                    LocalDate day = rs.getObject(1, LocalDate.class);
                    days.get(day)
                            .add(new MarginLine(
                                    rs.getString(2),
                                    rs.getString(3),
                                    day,
                                    rs.getBigDecimal(4),
                                    rs.getBigDecimal(5),
                                    rs.getBigDecimal(6),
                                    rs.getString(7),
                                    List.of()));
                },
                run);
        days.values()
                .forEach(
                        lines -> lines.sort(Comparator.comparing(line -> line.customerId() + '\u0000' + line.model())));
        return days;
    }

    /**
     * Period to date: for each of these customers, one line per model over each of the customer's billing
     * periods that these days reach (two, when a period starts during one of them), from the period's start up
     * to {@code to} (or the period's end, if sooner), costed as the daily lines are.
     */
    public List<PeriodMarginLine> periodToDate(
            Collection<LocalDate> days, Instant to, Set<String> customerIds, Map<String, BillingCycle> cycles) {
        return periodToDate(days, to, customerIds, cycles, Map.of());
    }

    /** {@link #periodToDate(Collection, Instant, Set, Map)}, taking the whole days {@code known} holds from it. */
    public List<PeriodMarginLine> periodToDate(
            Collection<LocalDate> days,
            Instant to,
            Set<String> customerIds,
            Map<String, BillingCycle> cycles,
            Map<LocalDate, List<MarginLine>> known) {
        Map<BillingPeriod, Set<String>> customersByPeriod = customersByPeriod(days, customerIds, cycles);
        List<PeriodMarginLine> lines = new ArrayList<>();
        customersByPeriod.forEach((period, customers) -> {
            Instant through = period.end().isBefore(to) ? period.end() : to;
            Map<String, MarginLine> sums = new TreeMap<>();
            for (MarginLine line : daily(period.start(), through, known)) {
                if (customers.contains(line.customerId())) {
                    sums.merge(line.customerId() + '\u0000' + line.model(), line, MarginRepository::add);
                }
            }
            sums.values().forEach(line -> lines.add(new PeriodMarginLine(period, through, line)));
        });
        lines.sort(Comparator.comparing((PeriodMarginLine line) -> line.line().customerId())
                .thenComparing(line -> line.period().start())
                .thenComparing(line -> line.line().model()));
        return lines;
    }

    /** Every billing period of each customer's cycle that these days reach, with its customers. */
    private static Map<BillingPeriod, Set<String>> customersByPeriod(
            Collection<LocalDate> days, Set<String> customerIds, Map<String, BillingCycle> cycles) {
        Map<BillingPeriod, Set<String>> customersByPeriod = new TreeMap<>();
        for (String customerId : customerIds) {
            BillingCycle cycle = cycles.getOrDefault(customerId, BillingCycle.CALENDAR_MONTH_UTC);
            for (LocalDate day : days) {
                // every period the UTC day reaches: two when one starts during it
                for (BillingPeriod period : cycle.periodsOverlapping(
                        day.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())) {
                    customersByPeriod
                            .computeIfAbsent(period, p -> new TreeSet<>())
                            .add(customerId);
                }
            }
        }
        return customersByPeriod;
    }

    /** A customer's margin on one model over a billing period, from its start up to {@code through}. */
    public record PeriodMarginLine(BillingPeriod period, Instant through, MarginLine line) {}

    private static MarginLine add(MarginLine a, MarginLine b) {
        List<MarginLine.CostSource> sources = new ArrayList<>(a.costSources());
        sources.addAll(b.costSources());
        return new MarginLine(
                a.customerId(),
                a.model(),
                null,
                a.costUsd().add(b.costUsd()),
                a.billedUsd().add(b.billedUsd()),
                a.listCostUsd().add(b.listCostUsd()),
                MarginLine.combine(a.costBasis(), b.costBasis()),
                sources);
    }
}
