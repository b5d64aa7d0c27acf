package io.tokentally.reconcile;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What a statement shows of a billing period closed for Stripe (ADR 0021): when it closed, its closing
 * position, and the invoice items queued since for usage that changed it.
 */
@Repository
public class LateInvoiceItems {

    /** The outbox meter column of closed-period invoice items (the stripe stage's constant). */
    static final String METER = "closed-period";

    /**
     * @param closingPositionUsd what Stripe invoiced as overage (plus credits of grants outliving the period)
     * @param invoicedUsd the sum of the late invoice items (those Stripe refused for good excluded)
     */
    public record Late(Instant closedAt, BigDecimal closingPositionUsd, BigDecimal invoicedUsd, List<Item> items) {}

    /** One late invoice item: its revision, amount and outbox state. */
    public record Item(int revision, BigDecimal amountUsd, String state) {}

    private final JdbcTemplate jdbc;

    public LateInvoiceItems(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Empty while the period is not closed for Stripe. */
    public Optional<Late> of(String customerId, BillingPeriod period) {
        Object[] key = {customerId, SqlTime.utc(period.start())};
        List<Late> closed = jdbc.query(
                "SELECT closed_at, overage_usd + carried_credits_usd AS position FROM closed_period"
                        + " WHERE customer_id = ? AND period_start = ?",
                (rs, n) -> new Late(
                        SqlTime.read(rs, "closed_at"),
                        rs.getBigDecimal("position").stripTrailingZeros(),
                        BigDecimal.ZERO,
                        List.of()),
                key);
        if (closed.isEmpty()) {
            return Optional.empty();
        }
        List<Item> items = jdbc.query(
                "SELECT revision, value_micros, state FROM outbox WHERE customer_id = ? AND window_start = ?"
                        + " AND meter = '" + METER + "' ORDER BY revision",
                (rs, n) -> new Item(rs.getInt(1), BigDecimal.valueOf(rs.getLong(2), 6), rs.getString(3)),
                key);
        BigDecimal invoiced = items.stream()
                .filter(item -> !item.state().equals("FAILED"))
                .map(Item::amountUsd)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        Late late = closed.get(0);
        return Optional.of(new Late(late.closedAt(), late.closingPositionUsd(), invoiced, items));
    }
}
