package io.tokentally.rating;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Upserts rated aggregates on their natural key. An aggregate whose numbers did not change is left
 * alone (same revision), so rerunning a window without new usage changes nothing.
 */
class RatedAggregateItemWriter implements ItemWriter<List<RatedAggregate>> {

    private static final String KEY = " customer_id = ? AND model = ? AND token_type = ? AND service_tier = ?"
            + " AND context_tier = ? AND hour_start = ? AND price_epoch = ?";
    private static final String UPDATE_IF_CHANGED =
            "UPDATE rated_aggregate SET provider = ?, attributed = ?, plan_id = ?,"
                    + " requests = ?, tokens = ?, reasoning_tokens = ?, price_id = ?, usd_per_million = ?, cost_usd = ?,"
                    + " markup_percent = ?, billed_usd = ?, revision = revision + 1, rated_run = ?, rated_at = ? WHERE"
                    + KEY
                    + " AND (tokens <> ? OR reasoning_tokens <> ? OR requests <> ? OR price_id <> ? OR cost_usd <> ?"
                    + " OR billed_usd <> ? OR attributed <> ? OR COALESCE(plan_id, '') <> ?)";
    static final List<String> COLUMNS = List.of(
            "customer_id",
            "model",
            "token_type",
            "service_tier",
            "context_tier",
            "hour_start",
            "price_epoch",
            "provider",
            "attributed",
            "plan_id",
            "requests",
            "tokens",
            "reasoning_tokens",
            "price_id",
            "usd_per_million",
            "cost_usd",
            "markup_percent",
            "billed_usd",
            "revision",
            "rated_run",
            "rated_at");

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final Clock clock;
    private final long run;
    private final String insert;
    private final AtomicLong changed = new AtomicLong();

    RatedAggregateItemWriter(JdbcTemplate jdbc, SqlDialect dialect, Clock clock, long run) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.clock = clock;
        this.run = run;
        this.insert = dialect.insertIfAbsent("rated_aggregate", COLUMNS, COLUMNS.subList(0, 7));
    }

    long changed() {
        return changed.get();
    }

    @Override
    public void write(Chunk<? extends List<RatedAggregate>> chunk) {
        List<RatedAggregate> aggregates = new ArrayList<>();
        chunk.forEach(aggregates::addAll);
        if (aggregates.isEmpty()) {
            return;
        }
        Instant now = Instant.now(clock);
        int[][] updated = jdbc.batchUpdate(UPDATE_IF_CHANGED, aggregates, aggregates.size(), (ps, a) -> {
            ps.setString(1, a.provider());
            ps.setBoolean(2, a.attributed());
            ps.setString(3, a.planId());
            ps.setLong(4, a.requests());
            ps.setLong(5, a.tokens());
            ps.setLong(6, a.reasoningTokens());
            ps.setLong(7, a.priceId());
            ps.setBigDecimal(8, a.usdPerMillion());
            ps.setBigDecimal(9, a.costUsd());
            ps.setBigDecimal(10, a.markupPercent());
            ps.setBigDecimal(11, a.billedUsd());
            ps.setLong(12, run);
            SqlTime.bind(ps, 13, now);
            bindKey(ps, 14, a);
            ps.setLong(21, a.tokens());
            ps.setLong(22, a.reasoningTokens());
            ps.setLong(23, a.requests());
            ps.setLong(24, a.priceId());
            ps.setBigDecimal(25, a.costUsd());
            ps.setBigDecimal(26, a.billedUsd());
            ps.setBoolean(27, a.attributed());
            ps.setString(28, a.planId() == null ? "" : a.planId());
        });
        int[][] inserted = jdbc.batchUpdate(insert, aggregates, aggregates.size(), (ps, a) -> bindInsert(ps, a, now));
        changed.addAndGet(sum(updated[0]) + sum(inserted[0]));
    }

    private void bindInsert(PreparedStatement ps, RatedAggregate a, Instant now) throws SQLException {
        bindKey(ps, 1, a);
        ps.setString(8, a.provider());
        ps.setBoolean(9, a.attributed());
        ps.setString(10, a.planId());
        ps.setLong(11, a.requests());
        ps.setLong(12, a.tokens());
        ps.setLong(13, a.reasoningTokens());
        ps.setLong(14, a.priceId());
        ps.setBigDecimal(15, a.usdPerMillion());
        ps.setBigDecimal(16, a.costUsd());
        ps.setBigDecimal(17, a.markupPercent());
        ps.setBigDecimal(18, a.billedUsd());
        ps.setLong(19, 1);
        ps.setLong(20, run);
        SqlTime.bind(ps, 21, now);
        if (dialect.repeatsKeyParameters()) {
            bindKey(ps, 22, a);
        }
    }

    private static void bindKey(PreparedStatement ps, int first, RatedAggregate a) throws SQLException {
        ps.setString(first, a.customerId());
        ps.setString(first + 1, a.model());
        ps.setString(first + 2, a.tokenType().code());
        ps.setString(first + 3, a.serviceTier().code());
        ps.setString(first + 4, a.contextTier().code());
        SqlTime.bind(ps, first + 5, a.hourStart());
        SqlTime.bind(ps, first + 6, a.priceEpoch());
    }

    private static long sum(int[] counts) {
        long total = 0;
        for (int count : counts) {
            total += Math.max(count, 0);
        }
        return total;
    }
}
