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
import io.tokentally.reconcile.StripeCustomerFindings;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.UsageWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The build-credit-grants step's work for one run ({@link BuildCreditGrantsStepConfiguration}): per customer with
 * a Stripe id, in customer id order, queues the outbox rows of the credit grants it should have.
 */
class BuildCreditGrantsTasklet implements Tasklet {

    /** Logged under the step configuration's name, as before the tasklet had a class of its own. */
    private static final Logger log = LoggerFactory.getLogger(BuildCreditGrantsStepConfiguration.class);

    private final CustomerRepository customers;
    private final PlanRepository planRepository;
    private final PurchaseRepository purchases;
    private final CreditLedgers ledgers;
    private final OutboxRepository outbox;
    private final OutboxGrants outboxGrants;
    private final FindingRepository findings;
    private final Clock clock;
    private final Duration closeGrace;
    private final long run;
    private final String date;

    BuildCreditGrantsTasklet(
            CustomerRepository customers,
            PlanRepository planRepository,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            OutboxRepository outbox,
            OutboxGrants outboxGrants,
            FindingRepository findings,
            Clock clock,
            Duration closeGrace,
            long run,
            String date) {
        this.customers = customers;
        this.planRepository = planRepository;
        this.purchases = purchases;
        this.ledgers = ledgers;
        this.outbox = outbox;
        this.outboxGrants = outboxGrants;
        this.findings = findings;
        this.clock = clock;
        this.closeGrace = closeGrace;
        this.run = run;
        this.date = date;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        Planning planning = planning();
        int queued = 0;
        for (Customer customer : new TreeMap<>(customers.findAll()).values()) {
            if (customer.stripeCustomerId() == null
                    || customer.stripeCustomerId().isBlank()) {
                continue;
            }
            queued += outbox.insertAll(rows(customer, planning), run);
        }
        log.info("Outbox: {} new credit grant rows queued", queued);
        contribution.incrementWriteCount(queued);
        return RepeatStatus.FINISHED;
    }

    /**
     * What the run plans every customer's grants with, read once.
     *
     * @param now the run's one clock read
     * @param window the run's window
     * @param plans the plans by name
     * @param grants the purchased credit grants per customer id
     * @param planner plans the outbox rows of one customer's grants
     * @param runHours the run's hours
     * @param held the grants the outbox holds, per customer id
     * @param stripeCustomerChangeKeys the keys of every {@code STRIPE_CUSTOMER_CHANGED} finding: their customers'
     *     grants may need placing on the Stripe customers that bill their periods
     */
    private record Planning(
            Instant now,
            UsageWindow window,
            Map<String, Plan> plans,
            Map<String, List<CreditGrant>> grants,
            CreditGrantPlanner planner,
            List<Instant> runHours,
            Map<String, Map<String, CreditGrantPlanner.Held>> held,
            List<String> stripeCustomerChangeKeys) {}

    /**
     * Reads the clock, the plans, the purchases, the run's hours, the grants held and the Stripe customer changes
     * found, in that order.
     */
    private Planning planning() {
        Instant now = Instant.now(clock);
        UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
        Map<String, Plan> plans = planRepository.findAll();
        Map<String, List<CreditGrant>> grants = purchases.grantsByCustomer();
        CreditGrantPlanner planner = new CreditGrantPlanner(now, closeGrace);
        List<Instant> runHours = ledgers.runHours(run);
        Map<String, Map<String, CreditGrantPlanner.Held>> held = outboxGrants.held();
        List<String> changed = findings.keysOfKind(StripeCustomerFindings.KIND);
        return new Planning(now, window, plans, grants, planner, runHours, held, changed);
    }

    /** The outbox rows of one customer's grants, for the periods the run touched and the current one. */
    private List<OutboxRow> rows(Customer customer, Planning planning) {
        TreeSet<BillingPeriod> periods = ledgers.periodsOfRun(customer, planning.runHours(), planning.window());
        periods.add(customer.cycle().periodContaining(planning.now()));
        // in the close grace, the period Stripe has not yet invoiced: a purchase ending inside it still gets the grant
        // of what it paid of it
        periods.add(customer.cycle().periodContaining(planning.now().minus(closeGrace)));
        List<CreditGrant> own = planning.grants().getOrDefault(customer.customerId(), List.of());
        Supplier<CreditLedger> ledger = memoized(() -> ledgers.ledger(
                customer,
                planning.plans(),
                own,
                periods.first().start(),
                periods.last().end()));
        Map<String, CreditGrantPlanner.Held> held =
                planning.held().getOrDefault(customer.customerId(), new TreeMap<>());
        StripeHolders holders = planning.stripeCustomerChangeKeys().stream()
                        .anyMatch(key -> StripeCustomerFindings.mayName(key, customer.customerId()))
                ? outbox.stripeHolders(
                        customer.customerId(),
                        customer.stripeCustomerId(),
                        periods.first().start(),
                        periods.last().end())
                : StripeHolders.only(customer.stripeCustomerId());
        return planning.planner()
                .plan(
                        customer.customerId(),
                        customer.stripeCustomerId(),
                        WantedGrants.of(
                                customer,
                                planning.plans(),
                                own,
                                periods,
                                ledger,
                                planning.now(),
                                closeGrace,
                                held,
                                holders),
                        held,
                        periods);
    }

    /** Computes the value at most once, on first use. */
    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        List<T> value = new ArrayList<>(1);
        return () -> {
            if (value.isEmpty()) {
                value.add(supplier.get());
            }
            return value.get(0);
        };
    }
}
