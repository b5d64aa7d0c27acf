package io.tokentally.normalize;

import io.tokentally.ingest.ProviderCost;
import io.tokentally.shared.Amounts;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where provider cost exports are kept ({@code provider_cost}), one row per bucket: a newer export of a
 * bucket replaces the older one's row, and a changed amount is logged with both numbers.
 */
class ProviderCostStore {

    private static final Logger log = LoggerFactory.getLogger(ProviderCostStore.class);
    private static final String INSERT = "INSERT INTO provider_cost (bucket_key, file_id, line_no, ingest_run,"
            + " cost_day, provider, model, raw_model, token_type, service_tier, context_tier, cost_type, line_item,"
            + " project_id, api_key_id, amount, amount_unit, currency, amount_major, quantity, quantity_unit)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final JdbcTemplate jdbc;

    ProviderCostStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a file's buckets in place of the same buckets of earlier exports; returns how many it replaced. */
    int replace(long fileId, String path, long run, Collection<ProviderCost> costs) {
        int replaced = 0;
        for (ProviderCost cost : costs) {
            List<Amount> before = jdbc.query(
                    "SELECT amount_major, currency FROM provider_cost WHERE bucket_key = ? AND file_id <> ?",
                    (rs, rowNum) -> new Amount(rs.getBigDecimal(1), rs.getString(2)),
                    cost.bucketKey(),
                    fileId);
            if (!before.isEmpty()) {
                replaced++;
                logChangedAmount(path, cost, before.get(0));
            }
        }
        List<Object[]> keys =
                costs.stream().map(cost -> new Object[] {cost.bucketKey()}).toList();
        jdbc.batchUpdate("DELETE FROM provider_cost WHERE bucket_key = ?", keys);
        insert(fileId, run, costs);
        return replaced;
    }

    /** An amount in major units of its currency. */
    private record Amount(BigDecimal major, String currency) {}

    /**
     * Logs a replaced bucket whose amount differs from the earlier export's, with both amounts as the report writes
     * them, each in its own currency.
     */
    private static void logChangedAmount(String path, ProviderCost cost, Amount before) {
        if (before.major().compareTo(cost.amountMajor()) != 0
                || !before.currency().equals(cost.currency())) {
            log.warn(
                    "{} line {} replaces the cost of bucket {}: {} {} before, {} {} now",
                    path,
                    cost.lineNo(),
                    cost.bucketKey(),
                    Amounts.toText(before.major()),
                    before.currency(),
                    Amounts.toText(cost.amountMajor()),
                    cost.currency());
        }
    }

    /** Inserts the file's buckets, 500 to a batch. */
    private void insert(long fileId, long run, Collection<ProviderCost> costs) {
        jdbc.batchUpdate(INSERT, new ArrayList<>(costs), 500, (ps, cost) -> {
            ps.setString(1, cost.bucketKey());
            ps.setLong(2, fileId);
            ps.setLong(3, cost.lineNo());
            ps.setLong(4, run);
            ps.setObject(5, cost.day());
            ps.setString(6, cost.provider());
            ps.setString(7, cost.canonicalModel());
            ps.setString(8, cost.model());
            ps.setString(9, cost.tokenType());
            ps.setString(10, cost.serviceTier());
            ps.setString(11, cost.contextTier());
            ps.setString(12, cost.costType());
            ps.setString(13, cost.lineItem());
            ps.setString(14, cost.projectId());
            ps.setString(15, cost.apiKeyId());
            ps.setBigDecimal(16, cost.amount());
            ps.setString(17, cost.amountUnit());
            ps.setString(18, cost.currency());
            ps.setBigDecimal(19, cost.amountMajor());
            ps.setBigDecimal(20, cost.quantity());
            ps.setString(21, cost.quantityUnit());
        });
    }
}
