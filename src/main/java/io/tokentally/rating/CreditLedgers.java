package io.tokentally.rating;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Loads what a customer's credit ledger needs (rated usage and grants) and allocates it. The ledger
 * starts at the earliest period asked for, or earlier when a grant still usable then began before (and so on back,
 * {@link #start}), so every grant's consumption is complete.
 */
@Component
public class CreditLedgers {

    /** A customer's rated aggregates of a range of hours. */
    private static final String HOURS = "SELECT customer_id, hour_start, model, token_type, service_tier, context_tier,"
            + " tokens, " + RatedDays.BILLED_PER_MILLION + " AS billed_per_million, billed_usd FROM rated_aggregate"
            + " WHERE customer_id = ?"
            + " AND attributed = TRUE AND hour_start >= ? AND hour_start < ?";
    /** A customer's rated days of a range of days, each dated at its start. */
    private static final String DAYS = "SELECT customer_id, day_start AS hour_start, model, token_type, service_tier,"
            + " context_tier, tokens, billed_per_million, billed_usd FROM rated_day WHERE customer_id = ?"
            + " AND day_start >= ? AND day_start < ?";

    private final JdbcTemplate jdbc;
    private final RatedDays ratedDays;

    public CreditLedgers(JdbcTemplate jdbc, RatedDays ratedDays) {
        this.jdbc = jdbc;
        this.ratedDays = ratedDays;
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

    /**
     * The billing periods of a customer that a run touched: those of its window and hours ({@link #periodsOfRun}),
     * and every period from the one of {@code purchasesLoadedFrom} (the time of the earliest purchases feed row the
     * run loaded for the customer, or null) up to the last of those, whose usage may now be paid differently (a
     * later period is touched by the runs of its days).
     */
    public TreeSet<BillingPeriod> periodsTouched(
            Customer customer, List<Instant> runHours, UsageWindow window, Instant purchasesLoadedFrom) {
        TreeSet<BillingPeriod> periods = periodsOfRun(customer, runHours, window);
        if (purchasesLoadedFrom != null
                && purchasesLoadedFrom.isBefore(periods.last().end())) {
            periods.addAll(customer.cycle()
                    .periodsOverlapping(purchasesLoadedFrom, periods.last().end()));
        }
        return periods;
    }

    /** The hours a run's files touched. */
    public List<Instant> runHours(long run) {
        return RatedHours.ofRun(jdbc, run);
    }

    /** Allocates the customer's usage from {@code from} (see the class comment) until {@code to}. */
    public CreditLedger ledger(
            Customer customer, Map<String, Plan> plans, List<CreditGrant> grants, Instant from, Instant to) {
        return new CreditAllocator(customer, plans)
                .allocate(charges(HOURS, customer.customerId(), start(customer, grants, from), to), grants);
    }

    /** What one customer's ledger is asked for: see {@link #ledger}. */
    public record Request(Customer customer, List<CreditGrant> grants, Instant from, Instant to) {}

    /**
     * The ledgers of several customers, each as {@link #ledger} allocates it, but read by the day where that
     * gives the same ledger ({@link #readByTheDay}).
     *
     * @return the ledgers by customer id
     */
    public Map<String, CreditLedger> ledgers(List<Request> requests, Map<String, Plan> plans) {
        ratedDays.sumMarked();
        Map<String, CreditLedger> ledgers = new LinkedHashMap<>();
        for (Request request : requests) {
            Customer customer = request.customer();
            List<Charge> charges = charges(
                    readByTheDay(request, plans) ? DAYS : HOURS,
                    customer.customerId(),
                    start(customer, request.grants(), request.from()),
                    request.to());
            ledgers.put(
                    customer.customerId(), new CreditAllocator(customer, plans).allocate(charges, request.grants()));
        }
        return ledgers;
    }

    /**
     * Whether the customer's charges may be read by the day ({@link RatedDays}), a fraction of its hours' rated
     * aggregates: it has no credit grants and none of its plans has allowances, so every charge is overage
     * whatever its hour, and its periods are cut at UTC midnights, so no day falls in two.
     */
    private static boolean readByTheDay(Request request, Map<String, Plan> plans) {
        Customer customer = request.customer();
        if (!request.grants().isEmpty() || !customer.cycle().zone().normalized().equals(ZoneOffset.UTC)) {
            return false;
        }
        List<String> planIds = new ArrayList<>(List.of(customer.planId()));
        customer.plans().forEach(assignment -> planIds.add(assignment.planId()));
        return planIds.stream()
                .allMatch(id ->
                        plans.containsKey(id) && plans.get(id).allowances().isEmpty());
    }

    /**
     * The start of {@code from}'s period, or earlier: of the period in which a grant still usable at the ledger's
     * start began, and so on back until no grant moves it. A grant that ended before a later one began being spent
     * beside it changed what that one paid, so it is allocated too (asked once, from {@code from}, it was left out
     * and its usage paid again by the later grant). Grants are taken latest first: one that begins later than another
     * never begins before a start that other moved back, so one pass finds the same start.
     */
    static Instant start(Customer customer, List<CreditGrant> grants, Instant from) {
        Instant start = customer.cycle().periodContaining(from).start();
        List<CreditGrant> latestFirst = grants.stream()
                .sorted(Comparator.comparing(CreditGrant::effectiveAt).reversed())
                .toList();
        for (CreditGrant grant : latestFirst) {
            Instant until = grant.usableUntil();
            if ((until == null || until.isAfter(start)) && grant.effectiveAt().isBefore(start)) {
                start = customer.cycle().periodContaining(grant.effectiveAt()).start();
            }
        }
        return start;
    }

    /**
     * The customer's charges in [from, to), read by {@code query} ({@link #HOURS} or {@link #DAYS}) and summed
     * per hour (or day), model, token type, tiers and price here, not in the query: on H2, the GROUP BY was about a
     * third of this read's time. One query per customer, answered from the customer index: H2 answered IN lists
     * of 20 customers more than ten times slower (measured on the database of a 300,000-row bench's fourth
     * night: 18 s against 1.4 s for the same 900,000 rated aggregates).
     */
    private List<Charge> charges(String query, String customerId, Instant from, Instant to) {
        Map<ChargeKey, Charge> sums = new HashMap<>();
        jdbc.query(
                query,
                rs -> {
                    Charge charge = charge(rs);
                    sums.merge(ChargeKey.of(charge), charge, CreditLedgers::sum);
                },
                customerId,
                SqlTime.utc(from),
                SqlTime.utc(to));
        return new ArrayList<>(sums.values());
    }

    /** What the charges of one customer are summed by: one hour (or day), model, type, tiers and price. */
    private record ChargeKey(
            Instant hour,
            String model,
            TokenType tokenType,
            ServiceTier serviceTier,
            ContextTier contextTier,
            BigDecimal billedPerMillion) {

        static ChargeKey of(Charge charge) {
            return new ChargeKey(
                    charge.hour(),
                    charge.model(),
                    charge.tokenType(),
                    charge.serviceTier(),
                    charge.contextTier(),
                    charge.billedPerMillion());
        }
    }

    private static Charge sum(Charge a, Charge b) {
        return new Charge(
                a.hour(),
                a.model(),
                a.tokenType(),
                a.serviceTier(),
                a.contextTier(),
                a.tokens() + b.tokens(),
                a.billedPerMillion(),
                Amounts.stripped(a.billedUsd().add(b.billedUsd())));
    }

    private static Charge charge(ResultSet rs) throws SQLException {
        return new Charge(
                SqlTime.read(rs, "hour_start"),
                rs.getString("model"),
                TokenType.fromCode(rs.getString("token_type")),
                ServiceTier.parse(rs.getString("service_tier")).orElseThrow(),
                ContextTier.fromCode(rs.getString("context_tier")),
                rs.getLong("tokens"),
                Amounts.stripped(rs.getBigDecimal("billed_per_million")),
                Amounts.stripped(rs.getBigDecimal("billed_usd")));
    }
}
