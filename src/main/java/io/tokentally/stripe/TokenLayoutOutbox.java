package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads one billing period of the run's customers for the {@code tokens} layout: their rated usage,
 * routed by {@link TokenRouting}, and what the outbox holds, planned per customer by
 * {@link TokenOutboxPlanner}.
 */
final class TokenLayoutOutbox {

    private final JdbcTemplate jdbc;
    private final OutboxRepository outbox;
    private final TokenRouting routing;
    private final TokenOutboxPlanner planner;

    TokenLayoutOutbox(JdbcTemplate jdbc, OutboxRepository outbox, TokenRouting routing, TokenOutboxPlanner planner) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.routing = routing;
        this.planner = planner;
    }

    List<OutboxRow> plan(Map<String, String> stripeIds, BillingPeriod period, Predicate<String> onCycle, long run) {
        Map<String, List<TokenOutboxPlanner.Routed>> usage = usage(period, onCycle, run);
        Map<String, Map<String, Map<Instant, OutboxPlanner.Queued>>> queued = queued(period, onCycle, run);
        List<OutboxRow> rows = new ArrayList<>();
        java.util.TreeSet<String> customers = new java.util.TreeSet<>(usage.keySet());
        customers.addAll(queued.keySet());
        for (String customerId : customers) {
            rows.addAll(planner.plan(
                    customerId,
                    stripeIds.get(customerId),
                    period,
                    usage.getOrDefault(customerId, List.of()),
                    queued.getOrDefault(customerId, Map.of())));
        }
        return rows;
    }

    /** The period's rated usage of the run's customers on the cycle, routed, per customer. */
    private Map<String, List<TokenOutboxPlanner.Routed>> usage(
            BillingPeriod period, Predicate<String> onCycle, long run) {
        Map<String, List<TokenRouting.Usage>> usage = new TreeMap<>();
        jdbc.query(
                "SELECT a.customer_id, a.plan_id, a.token_type, a.service_tier, a.context_tier, a.hour_start,"
                        + " a.price_epoch, a.price_id, a.markup_percent, a.tokens, a.billed_usd FROM rated_aggregate a"
                        + " JOIN run_customer c ON c.customer_id = a.customer_id AND c.ingest_run = ?"
                        + " WHERE a.attributed = TRUE AND a.hour_start >= ? AND a.hour_start < ?",
                rs -> {
                    if (!onCycle.test(rs.getString(1))) {
                        return;
                    }
                    TokenRouting.Usage row = usageOf(rs);
                    usage.computeIfAbsent(row.customerId(), id -> new ArrayList<>())
                            .add(row);
                },
                run,
                SqlTime.utc(period.start()),
                SqlTime.utc(period.end()));
        Map<String, List<TokenOutboxPlanner.Routed>> routed = new TreeMap<>();
        usage.forEach((customerId, rows) -> routed.put(customerId, routed(rows, period)));
        return routed;
    }

    /** The rated aggregate at the result set's row, as {@link TokenRouting} reads it. */
    private static TokenRouting.Usage usageOf(ResultSet rs) throws SQLException {
        return new TokenRouting.Usage(
                rs.getString(1),
                rs.getString(2),
                TokenType.fromCode(rs.getString(3)),
                io.tokentally.shared.ServiceTier.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)),
                ContextTier.fromCode(rs.getString(5)),
                SqlTime.read(rs, "hour_start"),
                SqlTime.read(rs, "price_epoch"),
                rs.getLong(8),
                rs.getBigDecimal(9),
                rs.getLong(10),
                rs.getBigDecimal(11));
    }

    /** What the outbox holds for the period, per customer on the cycle, then per meter and hour. */
    private Map<String, Map<String, Map<Instant, OutboxPlanner.Queued>>> queued(
            BillingPeriod period, Predicate<String> onCycle, long run) {
        Map<String, Map<String, Map<Instant, OutboxPlanner.Queued>>> queued = new TreeMap<>();
        outbox.queued(period.start(), period.end(), run).forEach((key, hours) -> {
            String customerId = key.substring(0, key.indexOf('\u0000'));
            if (onCycle.test(customerId)) {
                queued.computeIfAbsent(customerId, id -> new TreeMap<>())
                        .put(key.substring(key.indexOf('\u0000') + 1), hours);
            }
        });
        return queued;
    }

    /** A customer's usage of the period, each row with the meter that bills it ({@link TokenRouting#metersFor}). */
    private List<TokenOutboxPlanner.Routed> routed(List<TokenRouting.Usage> rows, BillingPeriod period) {
        List<Optional<String>> meters = routing.metersFor(rows, period);
        List<TokenOutboxPlanner.Routed> routed = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            TokenRouting.Usage row = rows.get(i);
            routed.add(new TokenOutboxPlanner.Routed(
                    row.tokenType(), row.hourStart(), meters.get(i).orElse(null), row.tokens(), row.billedUsd()));
        }
        return routed;
    }
}
