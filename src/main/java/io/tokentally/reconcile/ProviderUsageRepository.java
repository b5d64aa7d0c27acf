package io.tokentally.reconcile;

import io.tokentally.ingest.SourceRole;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceCatalog;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Usage per provider, model, token type and UTC day, split by the role of the source it came from, with
 * its list-price cost (the catalog's price in force, as rating prices it) and the files behind it.
 * Error rows are not usage of either side; attributed and unattributed usage both count.
 */
@Repository
class ProviderUsageRepository {

    private static final String QUERY = "SELECT f.path, f.source_role, u.provider, u.model, u.service_tier,"
            + " u.context_tier, u.hour_start, u.price_epoch, SUM(u.input_tokens), SUM(u.cache_read_tokens),"
            + " SUM(u.cache_write_5m_tokens), SUM(u.cache_write_1h_tokens), SUM(u.output_tokens),"
            + " SUM(u.web_search_requests), SUM(u.images), SUM(u.audio_seconds),"
            + " MIN(u.first_line), MAX(u.last_line)"
            + " FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
            + " WHERE u.billable = TRUE AND u.hour_start >= ? AND u.hour_start < ?"
            + " GROUP BY f.path, f.source_role, u.provider, u.model, u.service_tier, u.context_tier, u.hour_start,"
            + " u.price_epoch";

    private final JdbcTemplate jdbc;

    ProviderUsageRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The two sides of the hours in [from, to). */
    Sides sides(Instant from, Instant to, PriceCatalog catalog) {
        Sides sides = new Sides(new TreeMap<>(), new TreeMap<>());
        jdbc.query(
                QUERY,
                rs -> {
                    SourceRole role = SourceRole.parse(rs.getString(2));
                    String provider = rs.getString(3);
                    String model = rs.getString(4);
                    ServiceTier serviceTier = ServiceTier.parse(rs.getString(5)).orElseThrow();
                    ContextTier contextTier = ContextTier.fromCode(rs.getString(6));
                    Instant hour = SqlTime.read(rs, "hour_start");
                    Instant epoch = SqlTime.read(rs, "price_epoch");
                    Instant pricedAt = hour.isAfter(epoch) ? hour : epoch;
                    LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
                    int linesColumn = 9 + TokenType.values().length;
                    long firstLine = rs.getLong(linesColumn);
                    long lastLine = rs.getLong(linesColumn + 1);
                    for (TokenType type : TokenType.values()) {
                        // the sums follow TokenType's order: the five token types, then the units
                        long tokens = rs.getLong(9 + type.ordinal());
                        if (tokens == 0) {
                            continue;
                        }
                        BigDecimal usd = catalog.priceAt(model, type, serviceTier, contextTier, pricedAt)
                                .map(Price::usdPerMillion)
                                .map(price -> Amounts.cost(tokens, price))
                                .orElse(BigDecimal.ZERO);
                        ReconcileKey key = new ReconcileKey(provider, model, type.code(), day);
                        if (role.costs()) {
                            sides.provider()
                                    .computeIfAbsent(key, k -> new UsageSide())
                                    .add(tokens, usd, rs.getString(1), firstLine, lastLine);
                        }
                        if (role.bills()) {
                            sides.billable()
                                    .computeIfAbsent(key, k -> new UsageSide())
                                    .add(tokens, usd, rs.getString(1), firstLine, lastLine);
                        }
                    }
                },
                SqlTime.utc(from),
                SqlTime.utc(to));
        return sides;
    }

    /** Usage of the cost-role sources (the provider's side) and of the billable-role sources. */
    record Sides(Map<ReconcileKey, UsageSide> provider, Map<ReconcileKey, UsageSide> billable) {}
}
