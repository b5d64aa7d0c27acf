package io.tokentally.reconcile;

import io.tokentally.rating.Balance;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.util.Arrays;
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

    /** Updates a customer's balance unless the one stored is of a later time (a run that computed it later). */
    private static final String UPDATE = "UPDATE customer_balance SET "
            + String.join(" = ?, ", SAVED.subList(0, SAVED.size() - 1))
            + " = ? WHERE customer_id = ? AND as_of <= ?";

    private final JdbcTemplate jdbc;
    private final String insertIfAbsent;

    public BalanceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.insertIfAbsent =
                SqlDialect.of(jdbc.getDataSource()).insertIfAbsent("customer_balance", SAVED, List.of("customer_id"));
    }

    /**
     * Replaces the stored balances of these customers, but for one stored of a later time: one batched update, then,
     * for each customer it updated nothing of, an insert where there is no row (a new customer) and the update again
     * (another run's row committed meanwhile). Two runs settling at once (two schedules firing together) both
     * succeed, the balance computed later kept: a first run's row not yet committed is waited for, where a delete and
     * insert of both failed the second's insert on the key (hunt EG; review 87: the later commit's alone could be the
     * older balance).
     */
    public void saveAll(List<Balance> balances, long run) {
        List<Object[]> rows = balances.stream()
                .sorted(Comparator.comparing(Balance::customerId))
                .map(balance -> values(balance, run))
                .toList();
        int[] updated = jdbc.batchUpdate(
                UPDATE, rows.stream().map(BalanceRepository::updating).toList());
        for (int i = 0; i < rows.size(); i++) {
            if (updated[i] == 0 && !SqlDialect.inserted(jdbc, insertIfAbsent, rows.get(i))) {
                jdbc.update(UPDATE, updating(rows.get(i)));
            }
        }
    }

    /** The values of {@link #SAVED}, in its order. */
    private static Object[] values(Balance balance, long run) {
        return new Object[] {
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
    }

    /** The parameters of {@link #UPDATE}: the values, then the time a stored balance may not be later than. */
    private static Object[] updating(Object[] values) {
        Object[] parameters = Arrays.copyOf(values, values.length + 1);
        parameters[values.length] = values[0];
        return parameters;
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
