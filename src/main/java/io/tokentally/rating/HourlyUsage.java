package io.tokentally.rating;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.shared.UnitCounts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Billable usage lines of billing sources (not cost-only ones) summed per customer, model, tiers, hour, price
 * epoch and newest price version when read: tokens and non-token units. {@code held} usage had no price when it
 * was read and has not been settled since ({@link HeldUsageRepository#settle}): its model and context tier are
 * provisional, so it is held again, never rated.
 */
public record HourlyUsage(
        String customerId,
        String provider,
        String model,
        ServiceTier serviceTier,
        ContextTier contextTier,
        Instant hourStart,
        Instant priceEpoch,
        long newestPriceId,
        long requests,
        long input,
        long cacheRead,
        long cacheWrite5m,
        long cacheWrite1h,
        long output,
        long reasoning,
        UnitCounts units,
        boolean held) {

    /** Hourly usage of tokens only. */
    public HourlyUsage(
            String customerId,
            String provider,
            String model,
            ServiceTier serviceTier,
            ContextTier contextTier,
            Instant hourStart,
            Instant priceEpoch,
            long requests,
            long input,
            long cacheRead,
            long cacheWrite5m,
            long cacheWrite1h,
            long output,
            long reasoning) {
        this(
                customerId,
                provider,
                model,
                serviceTier,
                contextTier,
                hourStart,
                priceEpoch,
                0,
                requests,
                input,
                cacheRead,
                cacheWrite5m,
                cacheWrite1h,
                output,
                reasoning,
                UnitCounts.NONE,
                false);
    }

    /** The quantity of one token type or unit. */
    public long quantity(TokenType type) {
        return switch (type) {
            case INPUT -> input;
            case CACHE_READ -> cacheRead;
            case CACHE_WRITE_5M -> cacheWrite5m;
            case CACHE_WRITE_1H -> cacheWrite1h;
            case OUTPUT -> output;
            case WEB_SEARCH_REQUEST, IMAGE, AUDIO_SECOND -> units.of(type);
        };
    }

    /** Billable usage summed per customer, model, tiers, hour, price epoch and version, over the hours selected. */
    static String query(String hours) {
        return "SELECT customer_id, provider, model, service_tier, context_tier, hour_start, price_epoch,"
                + " newest_price_id, SUM(requests) AS requests, SUM(input_tokens) AS input,"
                + " SUM(cache_read_tokens) AS cache_read,"
                + " SUM(cache_write_5m_tokens) AS cache_write_5m, SUM(cache_write_1h_tokens) AS cache_write_1h,"
                + " SUM(output_tokens) AS output, SUM(reasoning_tokens) AS reasoning,"
                + " SUM(web_search_requests) AS web_search_requests, SUM(images) AS images,"
                + " SUM(audio_seconds) AS audio_seconds, held FROM usage_hourly"
                + " WHERE billable = TRUE AND file_id NOT IN (SELECT file_id FROM ingested_file WHERE source_role = 'cost')"
                + " AND " + hours
                + " GROUP BY customer_id, provider, model, service_tier, context_tier, hour_start, price_epoch,"
                + " newest_price_id, held";
    }

    /** Reads one row of {@link #query}. */
    static HourlyUsage read(ResultSet rs, int rowNum) throws SQLException {
        return new HourlyUsage(
                rs.getString("customer_id"),
                rs.getString("provider"),
                rs.getString("model"),
                ServiceTier.parse(rs.getString("service_tier")).orElseThrow(),
                ContextTier.fromCode(rs.getString("context_tier")),
                SqlTime.read(rs, "hour_start"),
                SqlTime.read(rs, "price_epoch"),
                rs.getLong("newest_price_id"),
                rs.getLong("requests"),
                rs.getLong("input"),
                rs.getLong("cache_read"),
                rs.getLong("cache_write_5m"),
                rs.getLong("cache_write_1h"),
                rs.getLong("output"),
                rs.getLong("reasoning"),
                new UnitCounts(rs.getLong("web_search_requests"), rs.getLong("images"), rs.getLong("audio_seconds")),
                rs.getBoolean("held"));
    }
}
