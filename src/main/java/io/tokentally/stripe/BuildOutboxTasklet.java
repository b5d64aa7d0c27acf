package io.tokentally.stripe;

import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.rating.RatedDays;
import io.tokentally.rating.RatedHours;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The build-outbox step's work for one run ({@link BuildOutboxStepConfiguration}): queues, per billing cycle and
 * open period the run's changes touch, the new outbox revisions, then the closed periods' invoice items.
 */
class BuildOutboxTasklet implements Tasklet {

    /** Logged under the step configuration's name, as before the tasklet had a class of its own. */
    private static final Logger log = LoggerFactory.getLogger(BuildOutboxStepConfiguration.class);
    /**
     * The customers with attributed usage in the run's hours (its window, and its other hours, {@code
     * run_hour}) and in the unplanned hours ({@link UnplannedHours}: those of a run that failed before this
     * step, say). Asked per customer through the customer index, so the night's cost does not grow with
     * history, as a scan of all rated aggregates for "in the window or in the run's hours" did. Attributed
     * usage always has a customer row: customers are never deleted.
     */
    private static final String INSERT_RUN_CUSTOMERS = "INSERT INTO run_customer (ingest_run, customer_id)"
            + " SELECT ?, c.customer_id FROM customer c"
            + " WHERE EXISTS (SELECT 1 FROM rated_aggregate a WHERE a.customer_id = c.customer_id"
            + " AND a.attributed = TRUE AND a.hour_start >= ? AND a.hour_start < ?)"
            + " OR EXISTS (SELECT 1 FROM run_hour r JOIN rated_aggregate a ON a.customer_id = c.customer_id"
            + " AND a.hour_start = r.hour_start WHERE r.ingest_run = ? AND (r.hour_start < ? OR r.hour_start >= ?)"
            + " AND a.attributed = TRUE)"
            + " OR EXISTS (SELECT 1 FROM unplanned_hour_mark u JOIN rated_aggregate a ON a.customer_id = c.customer_id"
            + " AND a.hour_start = u.hour_start WHERE a.attributed = TRUE)";

    private final JdbcTemplate jdbc;
    private final OutboxRepository outbox;
    private final CustomerRepository customers;
    private final ClosedPeriods closedPeriods;
    private final AmountMeterLayout layout;
    private final StripeProperties properties;
    private final PriceCatalogs catalogs;
    private final PlanRepository plans;
    private final Clock clock;
    private final UnplannedHours unplannedHours;
    private final RatedDays ratedDays;
    private final FindingRepository findings;
    private final long run;
    private final String date;

    BuildOutboxTasklet(
            JdbcTemplate jdbc,
            OutboxRepository outbox,
            CustomerRepository customers,
            ClosedPeriods closedPeriods,
            AmountMeterLayout layout,
            StripeProperties properties,
            PriceCatalogs catalogs,
            PlanRepository plans,
            Clock clock,
            UnplannedHours unplannedHours,
            RatedDays ratedDays,
            FindingRepository findings,
            long run,
            String date) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.customers = customers;
        this.closedPeriods = closedPeriods;
        this.layout = layout;
        this.properties = properties;
        this.catalogs = catalogs;
        this.plans = plans;
        this.clock = clock;
        this.unplannedHours = unplannedHours;
        this.ratedDays = ratedDays;
        this.findings = findings;
        this.run = run;
        this.date = date;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
        Instant now = Instant.now(clock);
        OutboxPlanner planner = new OutboxPlanner(now, Duration.ofDays(properties.lateAfterDays()));
        // closed as the run judged when it recorded closing positions, so no period closes in between
        Instant closedAt = ClosingInstant.of(contribution.getStepExecution().getJobExecution(), now);
        ClosedPeriodPlanner closing = closedPeriods.planner(closedAt);
        Map<String, String> stripeIds = stripeCustomerIds();
        ratedDays.sumMarked();
        Map<String, Customer> known = customers.findAll();
        BilledCustomers billed = new BilledCustomers(stripeIds, billingCycles(known), known);
        if (properties.tokensLayout()) {
            new PriceVersionsSeen(jdbc)
                    .unplanPeriodsSplitSinceLastBuild(earliestOpen(closing, billed), unplannedHours, run);
        }
        Changes changes = changes(window);
        recordRunCustomers(window);
        int queued = queueOpenPeriods(planner, closing, billed, changes);
        CorrectionsNotPlaced.record(planner.notPlaced(), findings, run);
        unplannedHours.forget(changes.unplanned());
        int late = outbox.insertAll(closedPeriods.lateInvoiceItems(run, window, closedAt), run);
        log.info(
                "Outbox: {} rows of open periods queued (meter event revisions, and invoice items only for hours an"
                        + " earlier version invoiced so), {} closed-period invoice items queued",
                queued,
                late);
        queued += late;
        contribution.incrementWriteCount(queued);
        return RepeatStatus.FINISHED;
    }

    /**
     * Every customer, with its Stripe customer id and billing cycle.
     *
     * @param stripeIds Stripe's customer id per customer id
     * @param cycles the billing cycle per customer id
     * @param customers every customer, by id
     */
    private record BilledCustomers(
            Map<String, String> stripeIds, Map<String, BillingCycle> cycles, Map<String, Customer> customers) {

        /** Whether a customer bills on the cycle; a customer without one bills on calendar months. */
        Predicate<String> onCycle(BillingCycle cycle) {
            return customerId -> cycle.equals(cycles.getOrDefault(customerId, BillingCycle.CALENDAR_MONTH_UTC));
        }
    }

    /** The start of the earliest open billing period of any customer's cycle (calendar months for one without). */
    private static Instant earliestOpen(ClosedPeriodPlanner closing, BilledCustomers billed) {
        Set<BillingCycle> cycles = new HashSet<>(billed.cycles().values());
        cycles.add(BillingCycle.CALENDAR_MONTH_UTC);
        return cycles.stream()
                .map(cycle -> closing.earliestOpen(cycle).start())
                .min(Instant::compareTo)
                .orElseThrow();
    }

    /** Stripe's customer id per customer id, for every customer. */
    private Map<String, String> stripeCustomerIds() {
        Map<String, String> stripeIds = new HashMap<>();
        jdbc.query("SELECT customer_id, stripe_customer_id FROM customer", rs -> {
            stripeIds.put(rs.getString(1), rs.getString(2));
        });
        return stripeIds;
    }

    /** Replaces the run's {@code run_customer} rows with the customers its hours and the unplanned hours touch. */
    private void recordRunCustomers(UsageWindow window) {
        Object from = SqlTime.utc(window.from());
        Object to = SqlTime.utc(window.to());
        jdbc.update("DELETE FROM run_customer WHERE ingest_run = ?", run);
        jdbc.update(INSERT_RUN_CUSTOMERS, run, from, to, run, from, to);
    }

    /** The billing cycle per customer id, for every customer. */
    private static Map<String, BillingCycle> billingCycles(Map<String, Customer> known) {
        Map<String, BillingCycle> cycles = new HashMap<>();
        known.forEach((id, customer) -> cycles.put(id, customer.cycle()));
        return cycles;
    }

    /** Queues the new revisions of every open period the changes touch, per billing cycle; returns how many. */
    private int queueOpenPeriods(
            OutboxPlanner planner, ClosedPeriodPlanner closing, BilledCustomers billed, Changes changes) {
        TokenLayoutOutbox tokens = properties.tokensLayout() ? tokenLayoutOutbox(planner, billed.customers()) : null;
        AmountLayoutOutbox amounts = new AmountLayoutOutbox(jdbc, outbox, layout, planner, findings);
        int queued = 0;
        for (Map.Entry<BillingCycle, TreeSet<BillingPeriod>> cycle : periodsTouched(
                        jdbc, changes.runHours(), changes.unplanned().hours(), billed.cycles())
                .entrySet()) {
            for (BillingPeriod period : cycle.getValue()) {
                if (closing.isClosed(period)) {
                    continue; // Stripe invoiced it: changes go out as invoice items, in execute
                }
                // as are those of a customer's period a run recorded closed (a grace made longer since)
                Predicate<String> onCycle =
                        billed.onCycle(cycle.getKey()).and(customerId -> !closing.isClosedFor(customerId, period));
                List<OutboxRow> rows = tokens != null
                        ? tokens.plan(billed.stripeIds(), period, onCycle, run)
                        : amounts.plan(billed.stripeIds(), period, onCycle, run, changes.all());
                queued += outbox.insertAll(rows, run);
            }
        }
        return queued;
    }

    /**
     * The tokens layout's planning for one run: the catalog, the plans, the customers' plan assignments and, unless
     * it is a dry run, Stripe's active meters, read once, and its prices, each asked once.
     */
    private TokenLayoutOutbox tokenLayoutOutbox(OutboxPlanner planner, Map<String, Customer> known) {
        StripeSender stripe = properties.dryRun() ? null : new StripeSender(properties);
        TokenRouting routing = new TokenRouting(
                new TokenMeterLayout(properties.eventNamePrefix(), properties.tokenTiers()),
                Set.copyOf(properties.tokenModels()),
                activeMeters(stripe),
                pricedInStripe(stripe),
                catalogs.versions(),
                catalogs.heldVersions(),
                plans.findAll(),
                known);
        return new TokenLayoutOutbox(jdbc, outbox, routing, new TokenOutboxPlanner(planner, layout));
    }

    /**
     * Stripe's active meters, or null in a dry run ({@code stripe} null: the listed models' meters are assumed). When
     * Stripe cannot be asked, none: this run bills everything on the amount meters, which is exact, and a later run
     * moves the usage to the token meters with corrections.
     */
    private static Set<String> activeMeters(StripeSender stripe) {
        if (stripe == null) {
            return null;
        }
        try {
            return StripeLookups.meterIds(stripe).keySet();
        } catch (com.stripe.exception.StripeException e) {
            log.warn(
                    "Stripe's meters could not be listed ({}); this run sends everything on the amount meters",
                    e.getMessage());
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing Stripe's meters", e);
        }
    }

    /**
     * Whether Stripe holds a price of a lookup key, asked once per key in a run, or null in a dry run ({@code stripe}
     * null: every listed model's prices are assumed). A key Stripe cannot be asked about counts as none: that usage
     * goes on the amount meters, which is exact, and a later run moves it to the token meters with corrections.
     */
    private static Predicate<String> pricedInStripe(StripeSender stripe) {
        if (stripe == null) {
            return null;
        }
        Map<String, Boolean> known = new HashMap<>();
        return lookupKey -> known.computeIfAbsent(lookupKey, key -> {
            try {
                return stripe.hasPrice(key);
            } catch (com.stripe.exception.StripeException e) {
                log.warn(
                        "Stripe's price {} could not be looked up ({}); its usage goes on the amount meters",
                        key,
                        e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while looking up Stripe's price " + key, e);
            }
        });
    }

    /**
     * The hours whose rated usage may have changed since the last plan.
     *
     * @param unplanned the unplanned hours' marks, forgotten once the step has planned them
     * @param runHours the run's hours: its window and its other hours ({@code run_hour})
     * @param all both
     */
    private record Changes(UnplannedHours.Marks unplanned, TreeSet<Instant> runHours, TreeSet<Instant> all) {}

    /** The changes to plan, once a new meter layout, if any, has unplanned every rated hour. */
    private Changes changes(UsageWindow window) {
        planAfreshOnNewLayout();
        UnplannedHours.Marks unplanned = unplannedHours.read();
        TreeSet<Instant> runHours = RatedHours.of(jdbc, run, window);
        TreeSet<Instant> all = new TreeSet<>(runHours);
        all.addAll(unplanned.hours());
        return new Changes(unplanned, runHours, all);
    }

    /**
     * Per billing cycle of the run's customers, the periods of the unplanned hours and of the run's hours (its
     * window and {@code run_hour}) that have attributed usage; each of the run's hours is asked through the
     * primary key, which starts with it.
     */
    private static Map<BillingCycle, TreeSet<BillingPeriod>> periodsTouched(
            JdbcTemplate jdbc, Set<Instant> runHours, Set<Instant> unplanned, Map<String, BillingCycle> cycles) {
        TreeSet<Instant> hours = new TreeSet<>(unplanned);
        for (Instant hour : runHours) {
            if (RatedHours.holdsAggregates(jdbc, hour, true)) {
                hours.add(hour);
            }
        }
        Set<BillingCycle> distinct = new HashSet<>(cycles.values());
        distinct.add(BillingCycle.CALENDAR_MONTH_UTC);
        Map<BillingCycle, TreeSet<BillingPeriod>> periods = new LinkedHashMap<>();
        for (BillingCycle cycle : distinct) {
            TreeSet<BillingPeriod> ofCycle = new TreeSet<>();
            hours.forEach(hour -> ofCycle.add(cycle.periodContaining(hour)));
            periods.put(cycle, ofCycle);
        }
        return periods;
    }

    /**
     * The meter layout this step plans with, recorded. When another one is recorded (or {@code not recorded}, in
     * a database that rated usage before the record), what the outbox holds for the days before a period's first
     * changed day is not what this layout plans, so every rated hour is unplanned and every open period planned
     * from its start. When none is, nothing was planned before: every hour rated is unplanned already.
     */
    private void planAfreshOnNewLayout() {
        String current = properties.tokensLayout() ? "tokens" : "amount " + properties.eventNamePrefix();
        Set<String> recorded = Set.copyOf(jdbc.queryForList("SELECT layout FROM outbox_plan_layout", String.class));
        if (!recorded.equals(Set.of(current))) {
            if (!recorded.isEmpty()) {
                unplannedHours.markEveryRatedHour(run);
            }
            jdbc.update("DELETE FROM outbox_plan_layout");
            jdbc.update("INSERT INTO outbox_plan_layout (layout) VALUES (?)", current);
        }
    }
}
