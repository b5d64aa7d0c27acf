package io.tokentally.plans;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The purchases feed's rows, once each: a row seen again (the same file, or a later feed repeating it)
 * is kept as first loaded; a row that contradicts the one loaded before is refused.
 */
@Repository
public class PurchaseRepository {

    private final JdbcTemplate jdbc;
    private final String insertIfAbsent;

    public PurchaseRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.insertIfAbsent = SqlDialect.of(jdbc.getDataSource())
                .insertIfAbsent(
                        "credit_purchase",
                        List.of(
                                "purchase_id",
                                "event",
                                "customer_id",
                                "category",
                                "amount_usd",
                                "occurred_at",
                                "expires_at",
                                "source_file",
                                "loaded_run"),
                        List.of("purchase_id", "event"));
    }

    /**
     * @return why the row was refused, or empty when it was added or was already there (also when another run loading
     *     the same feed at once added it first: hunt EI, where this run's insert failed on the key)
     */
    public Optional<String> save(Purchase row, String sourceFile, long run) {
        Optional<Purchase> first = find(row);
        if (first.isEmpty()
                && SqlDialect.inserted(
                        jdbc,
                        insertIfAbsent,
                        row.purchaseId(),
                        row.event().name(),
                        row.customerId(),
                        row.category() == null ? null : row.category().name(),
                        row.amountUsd(),
                        SqlTime.utc(row.at()),
                        SqlTime.utc(row.expiresAt()),
                        sourceFile,
                        run)) {
            return Optional.empty();
        }
        Purchase loaded = first.or(() -> find(row))
                .orElseThrow(() -> new IllegalStateException("purchase " + row.purchaseId() + " ("
                        + row.event().code() + ") was neither inserted nor found loaded"));
        List<String> differences = differences(loaded, row);
        return differences.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        "purchase " + row.purchaseId() + " (" + row.event().code()
                                + ") was loaded before with other values (" + String.join("; ", differences)
                                + "); the first one stands");
    }

    /** The row of the same purchase and event loaded before, if any. */
    private Optional<Purchase> find(Purchase row) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM credit_purchase WHERE purchase_id = ? AND event = ?",
                        (rs, n) -> map(rs),
                        row.purchaseId(),
                        row.event().name())
                .stream()
                .findFirst();
    }

    /**
     * The earliest time of the purchases whose feed rows (a purchase, refund or cancellation) {@code run} loaded, by
     * customer: what pays for the customer's usage may have changed from then on, and from a refunded or cancelled
     * purchase's own time on what Stripe will give of its grant for the periods it paid (ADR 0021).
     */
    public Map<String, Instant> earliestLoadedBy(long run) {
        Map<String, Instant> earliest = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, MIN(occurred_at) AS earliest FROM credit_purchase WHERE purchase_id IN"
                        + " (SELECT purchase_id FROM credit_purchase WHERE loaded_run = ?) GROUP BY customer_id",
                rs -> {
                    earliest.put(rs.getString("customer_id"), SqlTime.read(rs, "earliest"));
                },
                run);
        return earliest;
    }

    /** Every customer's credit grants, folded from all purchases feed rows loaded so far. */
    public Map<String, List<CreditGrant>> grantsByCustomer() {
        return grantsByCustomer("SELECT " + COLUMNS + " FROM credit_purchase");
    }

    /**
     * Every customer's credit grants as the runs other than {@code run} loaded them: the purchases feed rows {@code
     * run} loaded are left out, as Stripe had not seen them before the run.
     */
    public Map<String, List<CreditGrant>> grantsByCustomerWithout(long run) {
        return grantsByCustomer("SELECT " + COLUMNS + " FROM credit_purchase WHERE loaded_run <> ?", run);
    }

    private Map<String, List<CreditGrant>> grantsByCustomer(String sql, Object... args) {
        Map<String, List<Purchase>> rows = new HashMap<>();
        jdbc.query(
                sql,
                rs -> {
                    Purchase row = map(rs);
                    rows.computeIfAbsent(row.customerId(), id -> new ArrayList<>())
                            .add(row);
                },
                args);
        Map<String, List<CreditGrant>> grants = new HashMap<>();
        rows.forEach((customer, list) -> grants.put(customer, CreditGrants.fold(list)));
        return grants;
    }

    private static final String COLUMNS =
            "purchase_id, event, customer_id, category, amount_usd, occurred_at, expires_at";

    private static Purchase map(java.sql.ResultSet rs) throws java.sql.SQLException {
        String category = rs.getString("category");
        BigDecimal amount = rs.getBigDecimal("amount_usd");
        return new Purchase(
                rs.getString("purchase_id"),
                Purchase.Event.valueOf(rs.getString("event")),
                rs.getString("customer_id"),
                category == null ? null : CreditGrant.Category.valueOf(category),
                amount == null ? null : amount.stripTrailingZeros(),
                SqlTime.read(rs, "occurred_at"),
                SqlTime.read(rs, "expires_at"));
    }

    /** How {@code row} differs from the one loaded {@code before}: each field as before, then as given now. */
    private static List<String> differences(Purchase before, Purchase row) {
        List<String> differences = new ArrayList<>();
        if (!before.customerId().equals(row.customerId())) {
            differences.add("customer_id " + before.customerId() + " then, " + row.customerId() + " now");
        }
        if (before.category() != row.category()) {
            differences.add("category " + code(before.category()) + " then, " + code(row.category()) + " now");
        }
        boolean sameAmount = before.amountUsd() == null
                ? row.amountUsd() == null
                : row.amountUsd() != null && before.amountUsd().compareTo(row.amountUsd()) == 0;
        if (!sameAmount) {
            differences.add("amount " + plain(before.amountUsd()) + " then, " + plain(row.amountUsd()) + " now");
        }
        if (!before.at().equals(row.at())) {
            differences.add("time " + before.at() + " then, " + row.at() + " now");
        }
        if (!Objects.equals(before.expiresAt(), row.expiresAt())) {
            differences.add(
                    "expires_at " + orNever(before.expiresAt()) + " then, " + orNever(row.expiresAt()) + " now");
        }
        return differences;
    }

    private static String code(CreditGrant.Category category) {
        return category == null ? "none" : category.code();
    }

    /** In cents (a feed's amounts are whole cents), without the zeros the database's scale adds. */
    private static String plain(BigDecimal amount) {
        return amount == null ? "none" : Amounts.toMinorUnit(amount).toPlainString();
    }

    private static String orNever(Instant instant) {
        return instant == null ? "never" : instant.toString();
    }
}
