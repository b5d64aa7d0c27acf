package io.tokentally.stripe;

import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The amount layout's planning of one billing period for the run's customers on the period's cycle: the
 * outbox rows that bring each amount meter to what they were billed per hour (ADR 0025).
 *
 * <p>A period whose ends are UTC midnights is planned from the first day that changed since the last plan
 * (its first unplanned hour, or the first hour the run rated): the days before are planned already. Their
 * exact billed amount, which the meter values carry forward (ADR 0002), comes from the rated days ({@link
 * io.tokentally.rating.RatedDays}), not from every hour's rated aggregates, so a night's plan does not grow with
 * the days of the period behind it. Other periods are planned from their start.
 */
final class AmountLayoutOutbox {

    private final JdbcTemplate jdbc;
    private final OutboxRepository outbox;
    private final AmountMeterLayout layout;
    private final OutboxPlanner planner;
    private final FindingRepository findings;

    AmountLayoutOutbox(
            JdbcTemplate jdbc,
            OutboxRepository outbox,
            AmountMeterLayout layout,
            OutboxPlanner planner,
            FindingRepository findings) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.layout = layout;
        this.planner = planner;
        this.findings = findings;
    }

    /**
     * @param changed the hours changed since the last plan: the unplanned hours and the hours the run rated
     * @return the rows to queue; none when nothing in the period changed, and none for a customer's meter whose
     *     amount a meter event cannot carry (an error finding instead: {@link MeterAmountTooLargeException})
     */
    List<OutboxRow> plan(
            Map<String, String> stripeIds,
            BillingPeriod period,
            Predicate<String> onCycle,
            long run,
            NavigableSet<Instant> changed) {
        Instant from = planFrom(period, changed);
        if (from == null) {
            return List.of();
        }
        Map<String, BigDecimal> carried = carried(period, from, onCycle, run);
        Map<String, NavigableMap<Instant, BigDecimal>> billed = billed(period, from, onCycle, run);
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = queued(period, from, onCycle, run);
        List<OutboxRow> rows = new ArrayList<>();
        for (String key : keys(billed, queued)) {
            String customerId = customerOf(key);
            try {
                rows.addAll(planner.plan(
                        customerId,
                        stripeIds.get(customerId),
                        meterOf(key),
                        period,
                        carried.getOrDefault(key, BigDecimal.ZERO),
                        billed.getOrDefault(key, new TreeMap<>()),
                        queued.getOrDefault(key, Map.of())));
            } catch (MeterAmountTooLargeException e) {
                findings.record(e.finding(customerId, meterOf(key), period), run);
            }
        }
        return rows;
    }

    /** The rated aggregates' billed amount per customer's meter and hour, from {@code from} to the period's end. */
    private Map<String, NavigableMap<Instant, BigDecimal>> billed(
            BillingPeriod period, Instant from, Predicate<String> onCycle, long run) {
        Map<String, NavigableMap<Instant, BigDecimal>> billed = new TreeMap<>();
        jdbc.query(
                "SELECT a.customer_id, a.token_type, a.hour_start, a.billed_usd FROM rated_aggregate a"
                        + " JOIN run_customer c ON c.customer_id = a.customer_id AND c.ingest_run = ?"
                        + " WHERE a.attributed = TRUE AND a.hour_start >= ? AND a.hour_start < ?",
                rs -> {
                    String customerId = rs.getString(1);
                    if (!onCycle.test(customerId)) {
                        return;
                    }
                    String meter = layout.meterFor(TokenType.fromCode(rs.getString(2)));
                    billed.computeIfAbsent(OutboxRepository.key(customerId, meter), k -> new TreeMap<>())
                            .merge(SqlTime.read(rs, "hour_start"), rs.getBigDecimal(4), BigDecimal::add);
                },
                run,
                SqlTime.utc(from),
                SqlTime.utc(period.end()));
        return billed;
    }

    /** What the outbox holds from {@code from} to the period's end, per customer on the cycle and meter. */
    private Map<String, Map<Instant, OutboxPlanner.Queued>> queued(
            BillingPeriod period, Instant from, Predicate<String> onCycle, long run) {
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = outbox.queued(from, period.end(), run);
        queued.keySet().removeIf(key -> !onCycle.test(customerOf(key)));
        return queued;
    }

    /** The customer and meter keys to plan, in order: those billed and those the outbox holds. */
    private static TreeSet<String> keys(
            Map<String, NavigableMap<Instant, BigDecimal>> billed,
            Map<String, Map<Instant, OutboxPlanner.Queued>> queued) {
        TreeSet<String> keys = new TreeSet<>(billed.keySet());
        keys.addAll(queued.keySet());
        return keys;
    }

    /** The first hour to plan: see the class comment. Null when no hour of the period changed. */
    static Instant planFrom(BillingPeriod period, NavigableSet<Instant> changed) {
        Instant first = changed.ceiling(period.start());
        if (first == null || !first.isBefore(period.end())) {
            return null;
        }
        return alignsWithDays(period) ? first.truncatedTo(ChronoUnit.DAYS) : period.start();
    }

    private static boolean alignsWithDays(BillingPeriod period) {
        return period.start().equals(period.start().truncatedTo(ChronoUnit.DAYS))
                && period.end().equals(period.end().truncatedTo(ChronoUnit.DAYS));
    }

    /** The exact billed amount of the period before {@code from}, per customer and meter, from the rated days. */
    private Map<String, BigDecimal> carried(BillingPeriod period, Instant from, Predicate<String> onCycle, long run) {
        Map<String, BigDecimal> carried = new HashMap<>();
        if (!from.isAfter(period.start())) {
            return carried;
        }
        jdbc.query(
                "SELECT d.customer_id, d.token_type, SUM(d.billed_usd) FROM rated_day d"
                        + " JOIN run_customer c ON c.customer_id = d.customer_id AND c.ingest_run = ?"
                        + " WHERE d.day_start >= ? AND d.day_start < ? GROUP BY d.customer_id, d.token_type",
                rs -> {
                    if (onCycle.test(rs.getString(1))) {
                        String meter = layout.meterFor(TokenType.fromCode(rs.getString(2)));
                        carried.merge(
                                OutboxRepository.key(rs.getString(1), meter), rs.getBigDecimal(3), BigDecimal::add);
                    }
                },
                run,
                SqlTime.utc(period.start()),
                SqlTime.utc(from));
        return carried;
    }

    private static String customerOf(String key) {
        return key.substring(0, key.indexOf('\u0000'));
    }

    private static String meterOf(String key) {
        return key.substring(key.indexOf('\u0000') + 1);
    }
}
