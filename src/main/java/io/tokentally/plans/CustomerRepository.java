package io.tokentally.plans;

import io.tokentally.normalize.KnownCustomers;
import io.tokentally.normalize.PriceHolders;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customers with their billing cycles and plan assignments; loading a customers file adds and updates
 * the customers it names (replacing their plan assignments) and removes none.
 */
@Repository
public class CustomerRepository implements KnownCustomers {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String insertIfAbsent;

    public CustomerRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.insertIfAbsent = SqlDialect.of(jdbc.getDataSource())
                .insertIfAbsent(
                        "customer",
                        List.of(
                                "stripe_customer_id",
                                "plan_id",
                                "display_name",
                                "updated_at",
                                "billing_interval",
                                "billing_anchor_day",
                                "billing_anchor_month",
                                "billing_time_zone",
                                "customer_id"),
                        List.of("customer_id"));
    }

    @Transactional
    public void saveAll(List<Customer> customers) {
        Instant now = Instant.now(clock);
        // in the order of their ids, whatever the file's: two runs saving the same customers lock their rows in one
        // order, so neither waits for a row the other holds while holding one it waits for (a deadlock)
        for (Customer customer : customers.stream()
                .sorted(Comparator.comparing(Customer::customerId))
                .toList()) {
            upsert(customer, now);
            replacePlanAssignments(customer);
        }
    }

    /** Updates the customer's row, or inserts it where there is none. */
    private void upsert(Customer customer, Instant now) {
        BillingCycle cycle = customer.cycle();
        Object[] values = {
            customer.stripeCustomerId(),
            customer.planId(),
            customer.name(),
            SqlTime.utc(now),
            cycle.interval().name(),
            cycle.anchorDay(),
            cycle.anchorMonth(),
            cycle.zone().getId(),
            customer.customerId()
        };
        // inserted first, as a plan is (PlanRepository#saveAll): two runs loading a new customer at once both succeed
        if (!SqlDialect.inserted(jdbc, insertIfAbsent, values)
                && jdbc.update(
                                "UPDATE customer SET stripe_customer_id = ?, plan_id = ?, display_name = ?,"
                                        + " updated_at = ?, billing_interval = ?, billing_anchor_day = ?,"
                                        + " billing_anchor_month = ?, billing_time_zone = ? WHERE customer_id = ?",
                                values)
                        == 0) {
            throw new IllegalStateException(
                    "customer " + customer.customerId() + " was neither inserted nor found to update");
        }
    }

    private void replacePlanAssignments(Customer customer) {
        jdbc.update("DELETE FROM customer_plan WHERE customer_id = ?", customer.customerId());
        for (PlanAssignment plan : customer.plans()) {
            jdbc.update(
                    "INSERT INTO customer_plan (customer_id, effective_from, plan_id) VALUES (?, ?, ?)",
                    customer.customerId(),
                    SqlTime.utc(plan.effectiveFrom()),
                    plan.planId());
        }
    }

    public Map<String, Customer> findAll() {
        Map<String, List<PlanAssignment>> plans = new HashMap<>();
        jdbc.query("SELECT customer_id, effective_from, plan_id FROM customer_plan", rs -> {
            plans.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
                    .add(new PlanAssignment(SqlTime.read(rs, "effective_from"), rs.getString(3)));
        });
        Map<String, Customer> customers = new HashMap<>();
        jdbc.query(
                "SELECT customer_id, stripe_customer_id, plan_id, display_name, billing_interval, billing_anchor_day,"
                        + " billing_anchor_month, billing_time_zone FROM customer",
                rs -> {
                    String id = rs.getString(1);
                    BillingCycle cycle = new BillingCycle(
                            BillingCycle.Interval.valueOf(rs.getString(5)),
                            rs.getInt(6),
                            rs.getInt(7),
                            ZoneId.of(rs.getString(8)));
                    List<PlanAssignment> assignments =
                            plans.getOrDefault(id, List.of(new PlanAssignment(Instant.EPOCH, rs.getString(3))));
                    customers.put(
                            id,
                            new Customer(id, rs.getString(2), rs.getString(3), rs.getString(4), cycle, assignments));
                });
        return customers;
    }

    @Override
    public Set<String> customerIds() {
        return new HashSet<>(jdbc.queryForList("SELECT customer_id FROM customer", String.class));
    }

    @Override
    public PriceHolders priceHolders() {
        Set<String> holding = new HashSet<>(jdbc.queryForList(
                "SELECT plan_id FROM plan WHERE price_changes = ?", String.class, PriceChangePolicy.HOLD.code()));
        if (holding.isEmpty()) {
            return PriceHolders.NONE;
        }
        Map<String, Customer> customers = new HashMap<>(findAll());
        customers
                .values()
                .removeIf(customer ->
                        customer.plans().stream().noneMatch(assignment -> holding.contains(assignment.planId())));
        return new HoldingCustomers(Map.copyOf(customers), Set.copyOf(holding));
    }

    /** The customers that are on a plan holding price changes at some time, and those plans. */
    private record HoldingCustomers(Map<String, Customer> customers, Set<String> plans) implements PriceHolders {

        @Override
        public boolean any() {
            return !customers.isEmpty();
        }

        @Override
        public boolean holdsAt(String customerId, Instant hourStart) {
            Customer customer = customers.get(customerId);
            return customer != null && plans.contains(customer.planIdAt(hourStart));
        }
    }
}
