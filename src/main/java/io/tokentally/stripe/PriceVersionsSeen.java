package io.tokentally.stripe;

import io.tokentally.rating.UnplannedHours;
import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The price versions and approvals the tokens layout's last outbox build had seen ({@code outbox_plan_prices}). A
 * version added since (a sync, a prices file, an override), or an approval given since, that begins inside an open
 * billing period splits that period for plans that move items at a change's instant ({@link TokenRouting}): counts
 * sent as tokens before it must move to the amount meters, also those of customers without usage after it. So the
 * open periods' hours are unplanned, and every customer with usage in them is planned again, once.
 */
final class PriceVersionsSeen {

    /** What a build had seen: the highest price version id, and the latest approval (null: none). */
    private record Seen(long priceId, Instant approvedAt) {}

    private final JdbcTemplate jdbc;

    PriceVersionsSeen(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Unplans every rated hour from {@code openFrom}, the start of the earliest open period, when a version or an
     * approval the last build had not seen begins after it; then records what this build has seen. The first build
     * only records: nothing was sent as tokens before it knew the versions.
     */
    void unplanPeriodsSplitSinceLastBuild(Instant openFrom, UnplannedHours unplannedHours, long run) {
        List<Seen> last = jdbc.query(
                "SELECT last_price_id, last_approved_at FROM outbox_plan_prices",
                (rs, row) -> new Seen(rs.getLong(1), SqlTime.read(rs, "last_approved_at")));
        if (!last.isEmpty() && splitSince(last.get(0), openFrom)) {
            unplannedHours.markEveryRatedHourFrom(openFrom, run);
        }
        Seen now = jdbc.queryForObject(
                "SELECT (SELECT COALESCE(MAX(price_id), 0) FROM price) AS price_id,"
                        + " (SELECT MAX(approved_at) FROM price_approval) AS approved_at",
                (rs, row) -> new Seen(rs.getLong(1), SqlTime.read(rs, "approved_at")));
        jdbc.update("DELETE FROM outbox_plan_prices");
        jdbc.update(
                "INSERT INTO outbox_plan_prices (last_price_id, last_approved_at) VALUES (?, ?)",
                now.priceId(),
                SqlTime.utc(now.approvedAt()));
    }

    /** Whether a version added, or an approval given, after those {@code seen} begins after {@code from}. */
    private boolean splitSince(Seen seen, Instant from) {
        OffsetDateTime openFrom = SqlTime.utc(from);
        OffsetDateTime approvedAfter = SqlTime.utc(seen.approvedAt() == null ? Instant.EPOCH : seen.approvedAt());
        long added = jdbc.queryForObject(
                "SELECT (SELECT COUNT(*) FROM price WHERE price_id > ? AND effective_from > ?)"
                        + " + (SELECT COUNT(*) FROM price_approval WHERE approved_at > ?"
                        + " AND (approved_at > ? OR effective_from > ?))",
                Long.class,
                seen.priceId(),
                openFrom,
                approvedAfter,
                openFrom,
                openFrom);
        return added > 0;
    }
}
