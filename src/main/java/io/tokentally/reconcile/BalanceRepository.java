package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.shared.SqlTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Each customer's latest balance, replaced by every run that settles the customer. */
@Repository
public class BalanceRepository {

    private static final String COLUMNS = "customer_id, as_of, currency, available_usd, included_usd, promotional_usd,"
            + " paid_usd, included_tokens, allow_usage";

    private final JdbcTemplate jdbc;

    public BalanceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Replaces the stored balances of these customers, in two batched statements rather than two per customer. */
    public void saveAll(List<Balance> balances, long run) {
        jdbc.batchUpdate(
                "DELETE FROM customer_balance WHERE customer_id = ?",
                balances,
                balances.size(),
                (ps, balance) -> ps.setString(1, balance.customerId()));
        jdbc.batchUpdate(
                "INSERT INTO customer_balance (" + COLUMNS + ", computed_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                balances,
                balances.size(),
                (ps, balance) -> {
                    ps.setString(1, balance.customerId());
                    SqlTime.bind(ps, 2, balance.asOf());
                    ps.setString(3, balance.currency());
                    ps.setBigDecimal(4, balance.availableUsd());
                    ps.setBigDecimal(5, balance.includedUsd());
                    ps.setBigDecimal(6, balance.promotionalUsd());
                    ps.setBigDecimal(7, balance.paidUsd());
                    ps.setLong(8, balance.includedTokens());
                    ps.setBoolean(9, balance.allow());
                    ps.setLong(10, run);
                });
    }

    public Optional<Balance> find(String customerId) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM customer_balance WHERE customer_id = ?",
                        (rs, n) -> map(rs),
                        customerId)
                .stream()
                .findFirst();
    }

    public List<Balance> findAll() {
        return jdbc.query("SELECT " + COLUMNS + " FROM customer_balance ORDER BY customer_id", (rs, n) -> map(rs));
    }

    private static Balance map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Balance(
                rs.getString("customer_id"),
                SqlTime.read(rs, "as_of"),
                rs.getString("currency"),
                rs.getBigDecimal("available_usd").stripTrailingZeros(),
                rs.getBigDecimal("included_usd").stripTrailingZeros(),
                rs.getBigDecimal("promotional_usd").stripTrailingZeros(),
                rs.getBigDecimal("paid_usd").stripTrailingZeros(),
                rs.getLong("included_tokens"),
                rs.getBoolean("allow_usage"));
    }
}
