package io.tokentally.rating;

import io.tokentally.pricing.Price;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The billed hours a back-dated price version does not reach: rated aggregates of the version's model, token type
 * and tiers, in whole hours from its effective instant until the next version, that an earlier version billed.
 * They keep that version ({@link PricePins}) until {@code prices rerate} moves them.
 */
@Component
public class EarlierVersionBilling {

    private static final String SQL = "SELECT COUNT(*) AS aggregates, COUNT(DISTINCT ra.customer_id) AS customers,"
            + " MIN(ra.hour_start) AS first_hour, MAX(ra.hour_start) AS last_hour"
            + " FROM rated_aggregate ra JOIN price p ON p.price_id = ra.price_id"
            + " WHERE ra.hour_start >= ? AND ra.hour_start < ? AND ra.model = ? AND ra.token_type = ?"
            + " AND ra.service_tier = ? AND ra.context_tier = ? AND p.effective_from < ? AND ra.tokens > 0";
    /** Bounds the hours when the version has no next one. */
    private static final Instant NO_NEXT_VERSION = Instant.parse("9999-01-01T00:00:00Z");

    private final JdbcTemplate jdbc;

    public EarlierVersionBilling(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What an earlier version billed in the hours {@code version} covers until {@code until} (null: no next
     * version); empty if nothing.
     */
    public Optional<Billed> of(Price version, Instant until) {
        Billed billed = jdbc.queryForObject(
                SQL,
                (rs, rowNum) -> new Billed(
                        rs.getLong("aggregates"),
                        rs.getLong("customers"),
                        SqlTime.read(rs, "first_hour"),
                        SqlTime.read(rs, "last_hour")),
                SqlTime.utc(version.effectiveFrom()),
                SqlTime.utc(until == null ? NO_NEXT_VERSION : until),
                version.model(),
                version.tokenType().code(),
                version.serviceTier().code(),
                version.contextTier().code(),
                SqlTime.utc(version.effectiveFrom()));
        return billed.aggregates() == 0 ? Optional.empty() : Optional.of(billed);
    }

    /** How many aggregates of how many customers, and the first and last of their hours. */
    public record Billed(long aggregates, long customers, Instant firstHour, Instant lastHour) {}
}
