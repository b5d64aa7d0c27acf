package io.tokentally.rating;

import io.tokentally.normalize.HeldModelHour;
import io.tokentally.normalize.ModelCatalog;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import io.tokentally.shared.TokenType;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Usage the rate step held back for want of a price ({@code held_usage}). Every run rates the held
 * hours again: it adds them to its own hours first, so a price added since bills them through the
 * run's outbox like any other usage of the run.
 */
@Repository
public class HeldUsageRepository {

    private static final String KEY = "hour_start = ? AND customer_id = ? AND model = ? AND token_type = ?"
            + " AND service_tier = ? AND context_tier = ? AND price_epoch = ? AND newest_price_id = ?";

    private final JdbcTemplate jdbc;
    private final String insertRunHour;
    private final String insertSettledHour;

    public HeldUsageRepository(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        SqlDialect dialect = SqlDialect.of(dataSource);
        List<String> columns = List.of("ingest_run", "hour_start");
        this.insertRunHour = dialect.insertIfAbsent("run_hour", columns, columns);
        this.insertSettledHour = dialect.insertIfAbsent("settled_hour", columns, columns);
    }

    /** Adds the hours of held usage to the run's hours, which the rate step rates; returns how many were new. */
    int addHeldHoursTo(long run) {
        return jdbc.update(
                "INSERT INTO run_hour (ingest_run, hour_start) SELECT DISTINCT ?, h.hour_start FROM held_usage h"
                        + " WHERE NOT EXISTS (SELECT 1 FROM run_hour r WHERE r.ingest_run = ?"
                        + " AND r.hour_start = h.hour_start)",
                run,
                run);
    }

    /**
     * Settles the usage held since ingest whose model {@code catalog} now prices at its hour's start, as
     * ingest would have stored it then: the priced model id (a dated id whose base alone has prices takes
     * the base's), the price epoch of its hour's start and, for rows that did not state their context tier,
     * the tier their input gives under the price's long-context threshold. Its hours join the run's hours,
     * so the rate step bills it now, in the same aggregates as usage of that model read after the price.
     * The settled ids are final: a price added later for the dated id itself does not move them again.
     *
     * @return how many model hours were settled
     */
    int settle(PriceCatalog catalog, long run) {
        List<HeldModelHour> held = jdbc.query(
                "SELECT provider, model, hour_start FROM held_model_hour ORDER BY hour_start, provider, model",
                (rs, rowNum) -> new HeldModelHour(
                        rs.getString("provider"), rs.getString("model"), SqlTime.read(rs, "hour_start")));
        int settled = 0;
        for (HeldModelHour hour : held) {
            Optional<String> model = catalog.pricedModel(hour.provider(), hour.model());
            Optional<ModelCatalog.ModelPricing> pricing =
                    model.flatMap(priced -> catalog.pricingAt(priced, hour.hourStart()));
            if (pricing.isPresent()) {
                settle(hour, model.get(), pricing.get(), run);
                settled++;
            }
        }
        return settled;
    }

    /**
     * Settles one model hour under {@code model} at {@code pricing}, adds it to the run's hours, which the rate step
     * rates, and to its settled hours, whose days the reconcile step reconciles, and forgets it.
     */
    private void settle(HeldModelHour hour, String model, ModelCatalog.ModelPricing pricing, long run) {
        Object hourStart = SqlTime.utc(hour.hourStart());
        Long threshold = pricing.longContextThreshold();
        long longAbove = threshold == null ? Long.MAX_VALUE : threshold; // no threshold: no input is long
        jdbc.update(
                "UPDATE usage_hourly SET model = ?, price_epoch = ?, newest_price_id = ?, context_tier = CASE"
                        + " WHEN held_input_tokens IS NULL THEN context_tier"
                        + " WHEN held_input_tokens > ? THEN ? ELSE ? END, held = FALSE"
                        + " WHERE hour_start = ? AND provider = ? AND model = ? AND held = TRUE",
                model,
                SqlTime.utc(pricing.epoch()),
                pricing.newestPriceId(),
                longAbove,
                ContextTier.LONG.code(),
                ContextTier.STANDARD.code(),
                hourStart,
                hour.provider(),
                hour.model());
        jdbc.update(insertRunHour, run, hourStart);
        jdbc.update(insertSettledHour, run, hourStart);
        jdbc.update(
                "DELETE FROM held_model_hour WHERE provider = ? AND model = ? AND hour_start = ?",
                hour.provider(),
                hour.model(),
                hourStart);
    }

    /** Records usage the run holds (again); idempotent on the aggregate's natural key. */
    void hold(List<HeldUsage> held, long run) {
        if (held.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("DELETE FROM held_usage WHERE " + KEY, held, held.size(), HeldUsageRepository::bindKey);
        jdbc.batchUpdate(
                "INSERT INTO held_usage (hour_start, customer_id, model, token_type, service_tier, context_tier,"
                        + " price_epoch, newest_price_id, provider, attributed, requests, tokens, reason, held_run)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                held,
                held.size(),
                (ps, h) -> bindRow(ps, h, run));
    }

    /** Binds the aggregate's natural key as {@code KEY} names it (parameters 1 to 8). */
    private static void bindKey(PreparedStatement ps, HeldUsage h) throws SQLException {
        SqlTime.bind(ps, 1, h.hourStart());
        ps.setString(2, h.customerId());
        ps.setString(3, h.model());
        ps.setString(4, h.tokenType().code());
        ps.setString(5, h.serviceTier().code());
        ps.setString(6, h.contextTier().code());
        SqlTime.bind(ps, 7, h.priceEpoch());
        ps.setLong(8, h.newestPriceId());
    }

    /** Binds a held_usage row held by {@code run}, its reason cut to the column's 1000 characters. */
    private static void bindRow(PreparedStatement ps, HeldUsage h, long run) throws SQLException {
        bindKey(ps, h);
        ps.setString(9, h.provider());
        ps.setBoolean(10, h.attributed());
        ps.setLong(11, h.requests());
        ps.setLong(12, h.tokens());
        ps.setString(13, StorableText.cut(h.reason(), 1000));
        ps.setLong(14, run);
    }

    /**
     * Forgets the usage held before the run that the run, having rated every held hour, did not hold
     * again: it is billed now (or its usage is gone), so its hours are the run's settled hours too, whose days the
     * reconcile step reconciles. Call it only once the rate step has completed.
     */
    int releaseRatedBy(long run) {
        jdbc.update(
                "INSERT INTO settled_hour (ingest_run, hour_start) SELECT DISTINCT ?, h.hour_start FROM held_usage h"
                        + " WHERE h.held_run <> ? AND NOT EXISTS (SELECT 1 FROM settled_hour s WHERE s.ingest_run = ?"
                        + " AND s.hour_start = h.hour_start)",
                run,
                run,
                run);
        return jdbc.update("DELETE FROM held_usage WHERE held_run <> ?", run);
    }

    /**
     * The models of which some usage is held now: held by a run's rate step, or ingested without a price and not rated
     * yet (by a run still under way).
     */
    public Set<String> heldModels() {
        return new HashSet<>(jdbc.queryForList(
                "SELECT model FROM held_usage UNION SELECT model FROM held_model_hour", String.class));
    }

    /** The usage a run held back, by hour, customer, model and token type. */
    public List<HeldUsage> heldBy(long run) {
        return jdbc.query(
                "SELECT hour_start, customer_id, model, token_type, service_tier, context_tier, price_epoch,"
                        + " newest_price_id, provider, attributed, requests, tokens, reason FROM held_usage"
                        + " WHERE held_run = ? ORDER BY hour_start, customer_id, model, token_type, service_tier,"
                        + " context_tier, price_epoch, newest_price_id",
                (rs, rowNum) -> new HeldUsage(
                        rs.getString("customer_id"),
                        rs.getString("provider"),
                        rs.getString("model"),
                        TokenType.fromCode(rs.getString("token_type")),
                        ServiceTier.parse(rs.getString("service_tier")).orElseThrow(),
                        ContextTier.fromCode(rs.getString("context_tier")),
                        SqlTime.read(rs, "hour_start"),
                        SqlTime.read(rs, "price_epoch"),
                        rs.getLong("newest_price_id"),
                        rs.getBoolean("attributed"),
                        rs.getLong("requests"),
                        rs.getLong("tokens"),
                        rs.getString("reason")),
                run);
    }
}
