package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Each customer's latest balance, replaced by every run that settles the customer. */
@Repository
public class BalanceRepository {

    private static final String COLUMNS = "customer_id, as_of, currency, available_usd, included_usd, promotional_usd,"
            + " paid_usd, included_tokens, allow_usage";

    /** The columns a save writes, in the order both its statements bind them: the key last. */
    private static final List<String> SAVED = List.of(
            "as_of",
            "currency",
            "available_usd",
            "included_usd",
            "promotional_usd",
            "paid_usd",
            "included_tokens",
            "allow_usage",
            "computed_run",
            "customer_id");

    private static final String UPDATE = "UPDATE customer_balance SET "
            + String.join(" = ?, ", SAVED.subList(0, SAVED.size() - 1)) + " = ? WHERE customer_id = ?";

    private final JdbcTemplate jdbc;
    private final String insertIfAbsent;

    public BalanceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.insertIfAbsent =
                SqlDialect.of(jdbc.getDataSource()).insertIfAbsent("customer_balance", SAVED, List.of("customer_id"));
    }

    /**
     * Replaces the stored balances of these customers: one batched update, then an insert for each customer that had
     * no row yet (a new one). Two runs settling at once (two schedules firing together) both succeed, the later
     * commit's balance kept: a first run's row not yet committed is waited for and updated, where a delete and insert
     * of both failed the second's insert on the key (hunt EG).
     */
    public void saveAll(List<Balance> balances, long run) {
        List<Balance> sorted = balances.stream()
                .sorted(Comparator.comparing(Balance::customerId))
                .toList();
        int[][] updated = jdbc.batchUpdate(UPDATE, sorted, sorted.size(), (ps, balance) -> bind(ps, balance, run));
        int i = 0;
        for (int[] batch : updated) {
            for (int count : batch) {
                Balance balance = sorted.get(i++);
                if (count == 0) {
                    insertOrUpdate(balance, run);
                }
            }
        }
    }

    /** Inserts a customer's first balance, or updates the one another run inserted and committed meanwhile. */
    private void insertOrUpdate(Balance balance, long run) {
        Object[] values = {
            SqlTime.utc(balance.asOf()),
            balance.currency(),
            balance.availableUsd(),
            balance.includedUsd(),
            balance.promotionalUsd(),
            balance.paidUsd(),
            balance.includedTokens(),
            balance.allow(),
            run,
            balance.customerId()
        };
        if (!SqlDialect.inserted(jdbc, insertIfAbsent, values) && jdbc.update(UPDATE, values) == 0) {
            throw new IllegalStateException(
                    "the balance of " + balance.customerId() + " was neither inserted nor found to update");
        }
    }

    private static void bind(PreparedStatement ps, Balance balance, long run) throws SQLException {
        SqlTime.bind(ps, 1, balance.asOf());
        ps.setString(2, balance.currency());
        ps.setBigDecimal(3, balance.availableUsd());
        ps.setBigDecimal(4, balance.includedUsd());
        ps.setBigDecimal(5, balance.promotionalUsd());
        ps.setBigDecimal(6, balance.paidUsd());
        ps.setLong(7, balance.includedTokens());
        ps.setBoolean(8, balance.allow());
        ps.setLong(9, run);
        ps.setString(10, balance.customerId());
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
