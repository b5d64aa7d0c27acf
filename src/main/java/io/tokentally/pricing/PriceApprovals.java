package io.tokentally.pricing;

import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Who approved which price sync (feed and effective instant) for plans that hold price changes, and when. */
@Repository
public class PriceApprovals {

    /** The longest approver kept (a re-rate request's too). */
    public static final int MAX_BY = 200;

    /** The longest reason kept (a re-rate request's too). */
    public static final int MAX_REASON = 2000;

    private final JdbcTemplate jdbc;

    public PriceApprovals(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One sync's changes: the feed's name and the instant they take effect. */
    public record Sync(String feed, Instant effective) {}

    /** Records an approval; approving a sync twice keeps the first approval. Returns false if it was approved. */
    public boolean approve(Sync sync, Instant at, String by, String reason) {
        if (approvals().containsKey(sync)) {
            return false;
        }
        jdbc.update(
                "INSERT INTO price_approval (feed_name, effective_from, approved_at, approved_by, reason) VALUES (?, ?,"
                        + " ?, ?, ?)",
                sync.feed(),
                SqlTime.utc(sync.effective()),
                SqlTime.utc(at),
                by,
                reason);
        return true;
    }

    Map<Sync, Instant> approvals() {
        Map<Sync, Instant> approvals = new HashMap<>();
        jdbc.query("SELECT feed_name, effective_from, approved_at FROM price_approval", rs -> {
            approvals.put(
                    new Sync(rs.getString(1), SqlTime.read(rs, "effective_from")), SqlTime.read(rs, "approved_at"));
        });
        return approvals;
    }

    /** Syncs that change a price and wait for approval (new prices need none: they apply to every plan). */
    public List<Sync> pending(List<Price> catalog) {
        Map<Sync, Instant> approved = approvals();
        return HeldPrices.changes(catalog).stream()
                .filter(sync -> !approved.containsKey(sync))
                .toList();
    }
}
