package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Billing periods closed for Stripe (ADR 0021). Before a run rates anything, {@link #recordClosingPositions}
 * keeps the position of every period the run finds closed for the first time; after rating,
 * {@link #lateInvoiceItems} plans one invoice item per customer and closed period whose position moved
 * since, and records a {@code LATE_USAGE_INVOICED} finding that says why.
 */
@Component
public class ClosedPeriods {

    private final JdbcTemplate jdbc;
    private final CustomerRepository customers;
    private final PlanRepository plans;
    private final PurchaseRepository purchases;
    private final CreditLedgers ledgers;
    private final ClosedPeriodRepository closed;
    private final OutboxGrants outboxGrants;
    private final FindingRepository findings;
    private final StripeProperties properties;

    public ClosedPeriods(
            JdbcTemplate jdbc,
            CustomerRepository customers,
            PlanRepository plans,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            ClosedPeriodRepository closed,
            OutboxGrants outboxGrants,
            FindingRepository findings,
            StripeProperties properties) {
        this.jdbc = jdbc;
        this.customers = customers;
        this.plans = plans;
        this.purchases = purchases;
        this.ledgers = ledgers;
        this.closed = closed;
        this.outboxGrants = outboxGrants;
        this.findings = findings;
        this.properties = properties;
    }

    /** The planner of a run at {@code now}: the close grace, and the periods runs recorded closed by then stay so. */
    public ClosedPeriodPlanner planner(Instant now) {
        return new ClosedPeriodPlanner(now, properties.periodCloseGrace(), closed.latestEnds(now));
    }

    /**
     * Records the closing position of each customer's most recent closed period, and of every closed
     * period the run touched ({@link CreditLedgers#periodsTouched}: its hours, and the purchases feed rows it
     * loaded) or the hours of held usage it may release fall in, unless recorded before; returns how many it
     * recorded of each period. A position is what Stripe invoiced, so the purchases feed rows the run loaded are
     * left out of it: a purchase first seen after the close changes what the period is due by a late invoice item.
     */
    public SortedMap<BillingPeriod, Integer> recordClosingPositions(long run, UsageWindow window, Instant now) {
        ClosedPeriodPlanner planner = planner(now);
        Map<String, Plan> planById = plans.findAll();
        Map<String, List<CreditGrant>> grants = purchases.grantsByCustomerWithout(run);
        Map<String, Map<String, CreditGrantPlanner.Held>> grantRows = outboxGrants.held();
        Map<String, Map<String, OutboxGrants.GrantTimes>> grantTimes = outboxGrants.times();
        Map<String, List<Instant>> held = heldHours();
        List<Instant> runHours = ledgers.runHours(run);
        Map<String, Instant> loaded = purchases.earliestLoadedBy(run);
        SortedMap<BillingPeriod, Integer> recorded = new TreeMap<>();
        for (Customer customer : new TreeMap<>(customers.findAll()).values()) {
            TreeSet<BillingPeriod> periods = touched(customer, runHours, window, loaded);
            periods.add(planner.latestClosed(customer.cycle()));
            held.getOrDefault(customer.customerId(), List.of())
                    .forEach(hour -> periods.add(customer.cycle().periodContaining(hour)));
            periods.removeIf(period -> !planner.isClosedFor(customer.customerId(), period)
                    || closed.isRecorded(customer.customerId(), period));
            if (periods.isEmpty()) {
                continue;
            }
            CreditLedger ledger = ledger(customer, planById, grants, periods);
            GrantsInStripe inStripe = inStripe(customer, grantRows, grantTimes, now);
            for (BillingPeriod period : periods) {
                if (record(customer, ledger, period, inStripe, run, now)) {
                    recorded.merge(period, 1, Integer::sum);
                }
            }
        }
        return recorded;
    }

    /** Records the period's closing position by the current rule unless one is there; whether it did. */
    private boolean record(
            Customer customer,
            CreditLedger ledger,
            BillingPeriod period,
            GrantsInStripe inStripe,
            long run,
            Instant now) {
        Predicate<CreditGrant> carried = carried(customer, period, inStripe, CarriedCredits.CURRENT);
        Map<String, BigDecimal> carriedByGrant = PeriodPosition.carriedByGrant(ledger, period, carried);
        Map<String, ClosedPeriodRepository.GrantCredit> credits = new TreeMap<>();
        PeriodPosition.paidByGrant(ledger, period)
                .forEach((grantKey, paid) -> credits.put(
                        grantKey,
                        new ClosedPeriodRepository.GrantCredit(
                                paid, carriedByGrant.getOrDefault(grantKey, BigDecimal.ZERO))));
        return closed.recordIfAbsent(
                customer.customerId(),
                period,
                new ClosedPeriodRepository.ClosingPosition(
                        PeriodPosition.of(ledger, period, carried), CarriedCredits.CURRENT, credits),
                run,
                now);
    }

    /**
     * The invoice items the closed periods the run touched ({@link CreditLedgers#periodsTouched}) need now that the
     * run has rated its usage.
     */
    public List<OutboxRow> lateInvoiceItems(long run, UsageWindow window, Instant now) {
        ClosedPeriodPlanner planner = planner(now);
        Map<String, Plan> planById = plans.findAll();
        Map<String, List<CreditGrant>> grants = purchases.grantsByCustomer();
        Map<String, Map<String, CreditGrantPlanner.Held>> grantRows = outboxGrants.held();
        Map<String, Map<String, OutboxGrants.GrantTimes>> grantTimes = outboxGrants.times();
        List<OutboxRow> rows = new ArrayList<>();
        List<Instant> runHours = ledgers.runHours(run);
        Map<String, Instant> loaded = purchases.earliestLoadedBy(run);
        for (Customer customer : new TreeMap<>(customers.findAll()).values()) {
            List<Closing> closings = closings(planner, customer, touched(customer, runHours, window, loaded));
            if (closings.isEmpty()) {
                continue;
            }
            TreeSet<BillingPeriod> periods =
                    closings.stream().map(Closing::period).collect(Collectors.toCollection(TreeSet::new));
            CreditLedger ledger = ledger(customer, planById, grants, periods);
            GrantsInStripe inStripe = inStripe(customer, grantRows, grantTimes, now);
            for (Closing closing : closings) {
                lateInvoiceItem(planner, customer, ledger, inStripe, closing, run)
                        .ifPresent(rows::add);
            }
        }
        return rows;
    }

    /**
     * The periods the run touched ({@link CreditLedgers#periodsTouched}), given the earliest purchases feed row it
     * loaded, by customer.
     */
    private TreeSet<BillingPeriod> touched(
            Customer customer, List<Instant> runHours, UsageWindow window, Map<String, Instant> loaded) {
        return ledgers.periodsTouched(customer, runHours, window, loaded.get(customer.customerId()));
    }

    /** What Stripe holds of the customer's grants, from the outbox's grant rows and when they were planned. */
    private GrantsInStripe inStripe(
            Customer customer,
            Map<String, Map<String, CreditGrantPlanner.Held>> grantRows,
            Map<String, Map<String, OutboxGrants.GrantTimes>> grantTimes,
            Instant now) {
        return new GrantsInStripe(
                customer,
                grantRows.getOrDefault(customer.customerId(), Map.of()),
                grantTimes.getOrDefault(customer.customerId(), Map.of()),
                properties.periodCloseGrace(),
                now);
    }

    /**
     * Whether what a grant paid of the period's usage is carried by {@code rule}, of the grants Stripe holds or will
     * hold.
     */
    private static Predicate<CreditGrant> carried(
            Customer customer, BillingPeriod period, GrantsInStripe inStripe, CarriedCredits rule) {
        BillingPeriod next = customer.cycle().periodContaining(period.end());
        return grant -> inStripe.holds(grant) && rule.carries(grant, period, next, inStripe.spending(grant, period));
    }

    /** A closed period and its closing position. */
    private record Closing(BillingPeriod period, ClosedPeriodRepository.ClosingPosition at) {}

    /** The closing positions recorded of the customer's closed periods among those the run touched, by period. */
    private List<Closing> closings(ClosedPeriodPlanner planner, Customer customer, TreeSet<BillingPeriod> touched) {
        List<Closing> closings = new ArrayList<>();
        for (BillingPeriod period : touched) {
            if (planner.isClosedFor(customer.customerId(), period)) {
                closed.closing(customer.customerId(), period)
                        .ifPresent(closing -> closings.add(new Closing(period, closing)));
            }
        }
        return closings;
    }

    /** The customer's credit ledger over {@code periods}, from the first one's start to the last one's end. */
    private CreditLedger ledger(
            Customer customer,
            Map<String, Plan> planById,
            Map<String, List<CreditGrant>> grants,
            TreeSet<BillingPeriod> periods) {
        return ledgers.ledger(
                customer,
                planById,
                grants.getOrDefault(customer.customerId(), List.of()),
                periods.first().start(),
                periods.last().end());
    }

    /**
     * Plans the invoice item of one closed period whose position moved since its close, recording the finding
     * that says why; none if it did not move, or if its amount is too large (an error finding instead).
     */
    private Optional<OutboxRow> lateInvoiceItem(
            ClosedPeriodPlanner planner,
            Customer customer,
            CreditLedger ledger,
            GrantsInStripe inStripe,
            Closing closing,
            long run) {
        BillingPeriod period = closing.period();
        PeriodPosition position = closing.at().position();
        PeriodPosition current = current(customer, ledger, inStripe, closing);
        ClosedPeriodPlanner.Queued queued = closed.queued(customer.customerId(), period);
        Optional<OutboxRow> row;
        try {
            row = planner.plan(customer.customerId(), customer.stripeCustomerId(), period, position, current, queued);
        } catch (MeterAmountTooLargeException e) {
            findings.record(e.finding(customer.customerId(), ClosedPeriodRepository.METER, period), run);
            return Optional.empty();
        }
        row.ifPresent(item -> findings.record(
                LateUsageFinding.of(item, period, position, current, queued, properties.periodCloseGrace()), run));
        return row;
    }

    /**
     * The closed period's position now, by the rule of its closing position: grants that {@link
     * CarriedCredits#keepsTheClose keep the close}, of those Stripe holds, carry no more than they carried then, less
     * what they pay less of
     * the period now because an earlier period's late usage took them: Stripe gave that at the period's invoice
     * beyond the ledger, spending the credit the earlier period's item charged. What such a grant pays beyond what it
     * paid at the close, Stripe never spends. A purchase made inside the period whose rest Stripe does not hold to
     * spend later (never sent, or ended before the next invoice) keeps the close too, judged by what its grant of
     * what it paid of the period gave at the invoice.
     */
    private static PeriodPosition current(
            Customer customer, CreditLedger ledger, GrantsInStripe inStripe, Closing closing) {
        BillingPeriod period = closing.period();
        CarriedCredits rule = closing.at().rule();
        Map<String, BigDecimal> paidNow = PeriodPosition.paidByGrant(ledger, period);
        Map<String, BigDecimal> paidBefore = PeriodPosition.paidBefore(ledger, period);
        BigDecimal kept = BigDecimal.ZERO;
        for (CreditGrant grant : ledger.grants()) {
            boolean appliedLive = inStripe.endedByThePeriodsEndPlannedAfterItsClose(grant, period);
            String ofThePeriod = PurchaseGrants.usedAfterItsStartKey(grant, period);
            boolean held = inStripe.holds(grant);
            boolean keeps = rule.keepsTheClose(inStripe.spending(grant, period), appliedLive);
            boolean byEndingGrants = rule == CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS;
            // made inside the period, it paid the period's invoice through its grant of what it paid of the period
            // (PurchaseGrants); unless Stripe holds its own grant, the rest, to spend later, that is all Stripe gave:
            // a refund loaded by the run that recorded the close ends it before that run sends it, so the close
            // counted as held a grant never made (review of hunt AJ: -$4 where +$2 is due). A purchase an earlier
            // version granted whole has no such grant.
            boolean throughItsGrantOfThePeriod = PurchaseGrants.madeInside(grant, period)
                    && inStripe.made(ofThePeriod)
                    && (keeps || !held)
                    && byEndingGrants;
            if (throughItsGrantOfThePeriod || (held && keeps)) {
                ClosedPeriodRepository.GrantCredit atClose =
                        closing.at().credits().getOrDefault(grant.grantKey(), ClosedPeriodRepository.GrantCredit.NONE);
                BigDecimal paid = paidNow.getOrDefault(grant.grantKey(), BigDecimal.ZERO);
                BigDecimal paidAtClose = atClose.paidUsd();
                if (throughItsGrantOfThePeriod) {
                    // that grant is whole cents, rounded on its own (ADR 0002): compared with the close's amount
                    // exact, it made a cent's item of every such pack's sub-cent
                    paid = inStripe.grantedUsd(ofThePeriod);
                    paidAtClose = Amounts.toMinorUnit(paidAtClose);
                } else if (appliedLive) {
                    // Stripe applied it as if it lived, as far as what earlier periods leave of it
                    paid = grant.amountUsd().subtract(paidBefore.getOrDefault(grant.grantKey(), BigDecimal.ZERO));
                }
                kept = kept.add(atClose.carriedUsd())
                        .add(paid.subtract(paidAtClose).min(BigDecimal.ZERO));
            }
        }
        return PeriodPosition.of(ledger, period, carried(customer, period, inStripe, rule))
                .plusCarried(kept);
    }

    private Map<String, List<Instant>> heldHours() {
        Map<String, List<Instant>> hours = new HashMap<>();
        jdbc.query("SELECT DISTINCT customer_id, hour_start FROM held_usage", rs -> {
            hours.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(SqlTime.read(rs, "hour_start"));
        });
        return hours;
    }
}
