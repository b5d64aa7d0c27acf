package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.shared.UsageWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Loads what a customer's credit ledger needs (rated usage and grants) and allocates it. The ledger
 * starts at the earliest period asked for, or earlier when a grant still usable then began before, so
 * every grant's consumption is complete.
 */
@Component
public class CreditLedgers {

    private final JdbcTemplate jdbc;

    public CreditLedgers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The billing periods of a customer that a run's window and the hours its files touched fall in. */
    public TreeSet<BillingPeriod> periodsOfRun(Customer customer, long run, UsageWindow window) {
        return periodsOfRun(customer, runHours(run), window);
    }

    /**
     * The billing periods of a customer that a run's window and {@code runHours} (the hours its files touched,
     * {@link #runHours}, read once for all customers) fall in.
     */
    public TreeSet<BillingPeriod> periodsOfRun(Customer customer, List<Instant> runHours, UsageWindow window) {
        TreeSet<BillingPeriod> periods = new TreeSet<>();
        periods.add(customer.cycle().periodContaining(window.from()));
        periods.add(customer.cycle().periodContaining(window.to().minusSeconds(1)));
        for (Instant hour : runHours) {
            periods.add(customer.cycle().periodContaining(hour));
        }
        return periods;
    }

    /** The hours a run's files touched. */
    public List<Instant> runHours(long run) {
        List<Instant> hours = new ArrayList<>();
        jdbc.query(
                "SELECT hour_start FROM run_hour WHERE ingest_run = ?",
                rs -> {
                    hours.add(SqlTime.read(rs, "hour_start"));
                },
                run);
        return hours;
    }

    /** Allocates the customer's usage from {@code from} (see the class comment) until {@code to}. */
    public CreditLedger ledger(
            Customer customer, Map<String, Plan> plans, List<CreditGrant> grants, Instant from, Instant to) {
        Instant start = from;
        for (CreditGrant grant : grants) {
            Instant until = grant.usableUntil();
            if ((until == null || until.isAfter(from)) && grant.effectiveAt().isBefore(start)) {
                start = grant.effectiveAt();
            }
        }
        start = customer.cycle().periodContaining(start).start();
        return new CreditAllocator(customer, plans).allocate(charges(customer.customerId(), start, to), grants);
    }

    private List<Charge> charges(String customerId, Instant from, Instant to) {
        return jdbc.query(
                "SELECT hour_start, model, token_type, SUM(tokens) AS tokens, usd_per_million, markup_percent,"
                        + " SUM(billed_usd) AS billed FROM rated_aggregate WHERE customer_id = ? AND attributed = TRUE"
                        + " AND hour_start >= ? AND hour_start < ?"
                        + " GROUP BY hour_start, model, token_type, usd_per_million, markup_percent",
                (rs, n) -> new Charge(
                        SqlTime.read(rs, "hour_start"),
                        rs.getString("model"),
                        TokenType.fromCode(rs.getString("token_type")),
                        rs.getLong("tokens"),
                        rs.getBigDecimal("usd_per_million").stripTrailingZeros(),
                        rs.getBigDecimal("markup_percent").stripTrailingZeros(),
                        rs.getBigDecimal("billed").stripTrailingZeros()),
                customerId,
                SqlTime.utc(from),
                SqlTime.utc(to));
    }
}
