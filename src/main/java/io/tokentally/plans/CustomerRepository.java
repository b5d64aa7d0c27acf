package io.tokentally.plans;

import io.tokentally.normalize.KnownCustomers;
import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Customers; loading a customers file adds and updates the customers it names and removes none. */
@Repository
public class CustomerRepository implements KnownCustomers {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public CustomerRepository(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional
    public void saveAll(List<Customer> customers) {
        Instant now = Instant.now(clock);
        for (Customer customer : customers) {
            int updated = jdbc.update(
                    "UPDATE customer SET stripe_customer_id = ?, plan_id = ?, display_name = ?, updated_at = ?"
                            + " WHERE customer_id = ?",
                    customer.stripeCustomerId(),
                    customer.planId(),
                    customer.name(),
                    SqlTime.utc(now),
                    customer.customerId());
            if (updated == 0) {
                jdbc.update(
                        "INSERT INTO customer (customer_id, stripe_customer_id, plan_id, display_name, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?)",
                        customer.customerId(),
                        customer.stripeCustomerId(),
                        customer.planId(),
                        customer.name(),
                        SqlTime.utc(now));
            }
        }
    }

    public Map<String, Customer> findAll() {
        Map<String, Customer> customers = new HashMap<>();
        jdbc.query("SELECT customer_id, stripe_customer_id, plan_id, display_name FROM customer", rs -> {
            customers.put(
                    rs.getString(1), new Customer(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        });
        return customers;
    }

    @Override
    public Set<String> customerIds() {
        return new HashSet<>(jdbc.queryForList("SELECT customer_id FROM customer", String.class));
    }
}
