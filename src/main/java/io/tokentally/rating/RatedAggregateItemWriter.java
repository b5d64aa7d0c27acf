package io.tokentally.rating;

import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Upserts rated aggregates on their natural key: it reads the stored aggregates of the chunk's hours,
 * inserts the new ones (but none of zero tokens), updates the changed ones (to zero tokens too) and leaves
 * identical ones alone, so rerunning a window without new usage changes nothing. Only a change of tokens,
 * cost or billed amount bumps the revision and marks the aggregate as changed by this run ({@code
 * rated_run}, the report's {@code aggregates_changed}); a change of the request count, price version or
 * plan alone is written in place. What it writes is marked in the chunk's transaction ({@link WrittenMarks}).
 * The rate step is not parallel, and runs rate one at a time (the rate step's {@link
 * io.tokentally.shared.StepLock}), so no other writer changes the aggregates of an hour while this one keeps them.
 */
class RatedAggregateItemWriter implements ItemWriter<List<RatedAggregate>> {

    private static final String KEY = " customer_id = ? AND model = ? AND token_type = ? AND service_tier = ?"
            + " AND context_tier = ? AND hour_start = ? AND price_epoch = ? AND newest_price_id = ?";
    private static final String UPDATE = "UPDATE rated_aggregate SET provider = ?, attributed = ?, plan_id = ?,"
            + " requests = ?, tokens = ?, reasoning_tokens = ?, price_id = ?, usd_per_million = ?, cost_usd = ?,"
            + " markup_percent = ?, rate_usd_per_million = ?, billed_usd = ?, revision = revision + 1, rated_run = ?,"
            + " rated_at = ? WHERE" + KEY;
    /** A change that leaves tokens, cost and billed amount alone (requests, price version, plan) is no new revision. */
    private static final String UPDATE_DETAILS = "UPDATE rated_aggregate SET provider = ?, attributed = ?,"
            + " plan_id = ?, requests = ?, tokens = ?, reasoning_tokens = ?, price_id = ?, usd_per_million = ?,"
            + " cost_usd = ?, markup_percent = ?, rate_usd_per_million = ?, billed_usd = ? WHERE" + KEY;

    private static final String SELECT_HOUR = "SELECT customer_id, model, token_type, service_tier, context_tier,"
            + " hour_start, price_epoch, newest_price_id, tokens, reasoning_tokens, requests, price_id, cost_usd,"
            + " billed_usd, attributed,"
            + " plan_id, markup_percent, rate_usd_per_million FROM rated_aggregate WHERE hour_start = ?";
    static final List<String> COLUMNS = List.of(
            "customer_id",
            "model",
            "token_type",
            "service_tier",
            "context_tier",
            "hour_start",
            "price_epoch",
            "newest_price_id",
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
            "rate_usd_per_million",
            "billed_usd",
            "revision",
            "rated_run",
            "rated_at");

    private final JdbcTemplate jdbc;
    private final WrittenMarks marks;
    private final Clock clock;
    private final long run;
    private final String insert;
    private final AtomicLong changed = new AtomicLong();
    private final Map<Instant, Map<AggregateKey, Stored>> storedByHour = new HashMap<>();

    RatedAggregateItemWriter(JdbcTemplate jdbc, WrittenMarks marks, Clock clock, long run) {
        this.jdbc = jdbc;
        this.marks = marks;
        this.clock = clock;
        this.run = run;
        this.insert = "INSERT INTO rated_aggregate (" + String.join(", ", COLUMNS) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(COLUMNS.size(), "?")) + ")";
    }

    long changed() {
        return changed.get();
    }

    @Override
    public void write(Chunk<? extends List<RatedAggregate>> chunk) {
        Instant first = firstHour(chunk);
        if (first == null) {
            return;
        }
        marks.beginChunk();
        storedByHour.keySet().removeIf(hour -> hour.isBefore(first));
        Writes inserts = new Writes();
        Writes updates = new Writes();
        Writes detailUpdates = new Writes();
        sortOut(chunk, inserts, updates, detailUpdates);
        writeBatches(inserts.aggregates(), updates.aggregates(), detailUpdates.aggregates());
        marks.written(List.of(inserts.aggregates(), updates.aggregates(), detailUpdates.aggregates()));
        remember(inserts);
        remember(updates);
        remember(detailUpdates);
        changed.addAndGet(inserts.aggregates().size() + updates.aggregates().size());
    }

    /** The aggregates of a chunk that one statement writes, {@code keys.get(i)} the key of {@code aggregates.get(i)}. */
    private record Writes(List<RatedAggregate> aggregates, List<AggregateKey> keys) {

        Writes() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        /** Adds {@code aggregate}, written under {@code key}. */
        void add(RatedAggregate aggregate, AggregateKey key) {
            aggregates.add(aggregate);
            keys.add(key);
        }
    }

    /** Sorts the chunk's aggregates by what they change: new ones (none of zero tokens), billed ones, details only. */
    private void sortOut(
            Chunk<? extends List<RatedAggregate>> chunk, Writes inserts, Writes updates, Writes detailUpdates) {
        for (List<RatedAggregate> rated : chunk) {
            for (RatedAggregate aggregate : rated) {
                AggregateKey key = AggregateKey.of(aggregate);
                Stored stored = storedByHour
                        .computeIfAbsent(aggregate.hourStart(), this::readHour)
                        .get(key);
                if (stored == null) {
                    if (aggregate.tokens() != 0) {
                        inserts.add(aggregate, key);
                    }
                } else if (!stored.billsAlike(aggregate)) {
                    updates.add(aggregate, key);
                } else if (!stored.matches(aggregate)) {
                    detailUpdates.add(aggregate, key);
                }
            }
        }
    }

    /** Writes the chunk's updates, then its detail updates, then its inserts, each as one batch. */
    private void writeBatches(
            List<RatedAggregate> inserts, List<RatedAggregate> updates, List<RatedAggregate> detailUpdates) {
        Instant now = Instant.now(clock);
        if (!updates.isEmpty()) {
            jdbc.batchUpdate(UPDATE, updates, updates.size(), (ps, a) -> bindUpdate(ps, a, now));
        }
        if (!detailUpdates.isEmpty()) {
            jdbc.batchUpdate(UPDATE_DETAILS, detailUpdates, detailUpdates.size(), (ps, a) -> {
                bindValues(ps, 1, a);
                bindKey(ps, 13, a);
            });
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(insert, inserts, inserts.size(), (ps, a) -> bindInsert(ps, a, now));
        }
    }

    /**
     * The earliest hour of the chunk's aggregates, or null if it has none. Items arrive ordered by hour,
     * so the stored aggregates of each hour are read once (the first time the hour comes up) and then
     * kept up to date with what this writer writes; hours before the chunk's first hour are forgotten.
     * (A failed chunk fails the step, and a restart starts afresh.)
     */
    private static Instant firstHour(Chunk<? extends List<RatedAggregate>> chunk) {
        Instant first = null;
        for (List<RatedAggregate> rated : chunk) {
            for (RatedAggregate aggregate : rated) {
                if (first == null || aggregate.hourStart().isBefore(first)) {
                    first = aggregate.hourStart();
                }
            }
        }
        return first;
    }

    private Map<AggregateKey, Stored> readHour(Instant hour) {
        Map<AggregateKey, Stored> stored = new HashMap<>();
        jdbc.query(
                SELECT_HOUR,
                rs -> {
                    AggregateKey key = new AggregateKey(
                            rs.getString("customer_id"),
                            rs.getString("model"),
                            rs.getString("token_type"),
                            rs.getString("service_tier"),
                            rs.getString("context_tier"),
                            SqlTime.read(rs, "hour_start"),
                            SqlTime.read(rs, "price_epoch"),
                            rs.getLong("newest_price_id"));
                    stored.put(
                            key,
                            new Stored(
                                    rs.getLong("tokens"),
                                    rs.getLong("reasoning_tokens"),
                                    rs.getLong("requests"),
                                    rs.getLong("price_id"),
                                    rs.getBigDecimal("cost_usd"),
                                    rs.getBigDecimal("billed_usd"),
                                    rs.getBoolean("attributed"),
                                    rs.getString("plan_id"),
                                    rs.getBigDecimal("markup_percent"),
                                    rs.getBigDecimal("rate_usd_per_million")));
                },
                SqlTime.utc(hour));
        return stored;
    }

    /** Keeps what this writer wrote for the hours it keeps. */
    private void remember(Writes written) {
        List<RatedAggregate> aggregates = written.aggregates();
        List<AggregateKey> keys = written.keys();
        for (int i = 0; i < aggregates.size(); i++) {
            storedByHour.get(aggregates.get(i).hourStart()).put(keys.get(i), Stored.of(aggregates.get(i)));
        }
    }

    private void bindUpdate(PreparedStatement ps, RatedAggregate a, Instant now) throws SQLException {
        bindValues(ps, 1, a);
        ps.setLong(13, run);
        SqlTime.bind(ps, 14, now);
        bindKey(ps, 15, a);
    }

    /** What is stored of an aggregate, to tell whether a new rating changes it. */
    private record Stored(
            long tokens,
            long reasoningTokens,
            long requests,
            long priceId,
            BigDecimal costUsd,
            BigDecimal billedUsd,
            boolean attributed,
            String planId,
            BigDecimal markupPercent,
            BigDecimal rateUsdPerMillion) {

        static Stored of(RatedAggregate a) {
            return new Stored(
                    a.tokens(),
                    a.reasoningTokens(),
                    a.requests(),
                    a.priceId(),
                    a.costUsd(),
                    a.billedUsd(),
                    a.attributed(),
                    a.planId(),
                    a.markupPercent(),
                    a.rateUsdPerMillion());
        }

        /** Whether {@code a} has the same tokens, cost and billed amount: what a bill shows. */
        boolean billsAlike(RatedAggregate a) {
            return tokens == a.tokens()
                    && costUsd.compareTo(a.costUsd()) == 0
                    && billedUsd.compareTo(a.billedUsd()) == 0;
        }

        boolean matches(RatedAggregate a) {
            return tokens == a.tokens()
                    && reasoningTokens == a.reasoningTokens()
                    && requests == a.requests()
                    && priceId == a.priceId()
                    && costUsd.compareTo(a.costUsd()) == 0
                    && billedUsd.compareTo(a.billedUsd()) == 0
                    && attributed == a.attributed()
                    && Objects.equals(planId, a.planId())
                    && sameNumber(markupPercent, a.markupPercent())
                    && sameNumber(rateUsdPerMillion, a.rateUsdPerMillion());
        }

        /**
         * Whether two stored numbers are both absent or equal in value: the token layout reads the markup to tell a
         * custom rate, so an edit from a markup to a rate that bills the same is written too.
         */
        private static boolean sameNumber(BigDecimal stored, BigDecimal rated) {
            return stored == null ? rated == null : rated != null && stored.compareTo(rated) == 0;
        }
    }

    private void bindInsert(PreparedStatement ps, RatedAggregate a, Instant now) throws SQLException {
        bindKey(ps, 1, a);
        bindValues(ps, 9, a);
        ps.setLong(21, 1);
        ps.setLong(22, run);
        SqlTime.bind(ps, 23, now);
    }

    /**
     * provider, attributed, plan_id, requests, tokens, reasoning_tokens, price_id, usd_per_million, cost_usd,
     * markup_percent, rate_usd_per_million, billed_usd.
     */
    private static void bindValues(PreparedStatement ps, int first, RatedAggregate a) throws SQLException {
        ps.setString(first, a.provider());
        ps.setBoolean(first + 1, a.attributed());
        ps.setString(first + 2, a.planId());
        ps.setLong(first + 3, a.requests());
        ps.setLong(first + 4, a.tokens());
        ps.setLong(first + 5, a.reasoningTokens());
        ps.setLong(first + 6, a.priceId());
        ps.setBigDecimal(first + 7, a.usdPerMillion());
        ps.setBigDecimal(first + 8, a.costUsd());
        ps.setBigDecimal(first + 9, a.markupPercent());
        ps.setBigDecimal(first + 10, a.rateUsdPerMillion());
        ps.setBigDecimal(first + 11, a.billedUsd());
    }

    private static void bindKey(PreparedStatement ps, int first, RatedAggregate a) throws SQLException {
        ps.setString(first, a.customerId());
        ps.setString(first + 1, a.model());
        ps.setString(first + 2, a.tokenType().code());
        ps.setString(first + 3, a.serviceTier().code());
        ps.setString(first + 4, a.contextTier().code());
        SqlTime.bind(ps, first + 5, a.hourStart());
        SqlTime.bind(ps, first + 6, a.priceEpoch());
        ps.setLong(first + 7, a.newestPriceId());
    }
}
