package io.tokentally.stripe;

import io.tokentally.shared.SqlTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The outbox's credit grant rows, read per grant (a customer and the grant's meter column): what they hold in Stripe,
 * when they were planned, and which create an end row ends ({@link GrantRows}). {@link OutboxRepository} writes them.
 */
@Repository
public class OutboxGrants {

    private final JdbcTemplate jdbc;

    public OutboxGrants(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The create a void or expire row ends ({@link GrantRows}), or null if it has none to end. */
    OutboxRow createEndedBy(OutboxRow end) {
        return new GrantRows(grantRows("customer_id = ? AND meter = ?", end.customerId(), end.meter()))
                .createEndedBy(end.revision());
    }

    /** Whether a void or expire row ends this create ({@link GrantRows}). */
    boolean ended(OutboxRow create) {
        return new GrantRows(grantRows("customer_id = ? AND meter = ?", create.customerId(), create.meter()))
                .ends(create);
    }

    /**
     * What the outbox holds per customer (by customer id, only customers with grant rows) and credit grant
     * (its meter column): {@link GrantRows#held}. One query for all customers.
     */
    public Map<String, Map<String, CreditGrantPlanner.Held>> held() {
        Map<String, Map<String, List<OutboxRow>>> rows = new TreeMap<>();
        for (OutboxRow row : grantRows("1 = 1")) {
            rows.computeIfAbsent(row.customerId(), id -> new TreeMap<>())
                    .computeIfAbsent(row.meter(), meter -> new ArrayList<>())
                    .add(row);
        }
        Map<String, Map<String, CreditGrantPlanner.Held>> held = new TreeMap<>();
        rows.forEach((customer, meters) -> meters.forEach((meter, grant) ->
                held.computeIfAbsent(customer, id -> new TreeMap<>()).put(meter, new GrantRows(grant).held())));
        return held;
    }

    /**
     * When each credit grant reached Stripe and when its end did, per customer (customers with grant rows) and grant
     * (its meter column): the planning of its first create and of its last void or expire that Stripe did not
     * refuse, null where there is none.
     */
    public Map<String, Map<String, GrantTimes>> times() {
        Map<String, Map<String, GrantTimes>> times = new TreeMap<>();
        jdbc.query(
                "SELECT customer_id, meter, MIN(CASE WHEN kind = 'CREDIT_GRANT' THEN created_at END) AS created,"
                        + " MAX(CASE WHEN kind <> 'CREDIT_GRANT' THEN created_at END) AS ended FROM outbox"
                        + " WHERE kind LIKE 'CREDIT_GRANT%' AND state <> 'FAILED' GROUP BY customer_id, meter",
                rs -> {
                    times.computeIfAbsent(rs.getString(1), id -> new TreeMap<>())
                            .put(
                                    rs.getString(2),
                                    new GrantTimes(SqlTime.read(rs, "created"), SqlTime.read(rs, "ended")));
                });
        return times;
    }

    /** When a grant's first create and last end were planned, each null if there is none. */
    public record GrantTimes(Instant created, Instant ended) {}

    private List<OutboxRow> grantRows(String where, Object... args) {
        return jdbc.query(
                "SELECT " + OutboxRepository.COLUMNS + " FROM outbox WHERE kind LIKE 'CREDIT_GRANT%' AND " + where
                        + " ORDER BY customer_id, meter, revision",
                OutboxRepository::map,
                args);
    }
}
