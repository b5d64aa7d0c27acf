package io.tokentally.stripe;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.UsageWindow;
import java.time.Clock;
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
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The build-credit-grants step: queues the credit grants (and voids and expiries) every customer with a
 * Stripe id should have, for the billing periods the run touched and the current one, as outbox rows.
 */
@Configuration(proxyBeanMethods = false)
public class BuildCreditGrantsStepConfiguration {

    public static final String BUILD_CREDIT_GRANTS_STEP = "buildCreditGrantsStep";
    private static final Logger log = LoggerFactory.getLogger(BuildCreditGrantsStepConfiguration.class);

    @Bean
    Step buildCreditGrantsStep(
            JobRepository jobRepository, PlatformTransactionManager tm, Tasklet buildCreditGrantsTasklet) {
        return new StepBuilder(BUILD_CREDIT_GRANTS_STEP, jobRepository)
                .tasklet(buildCreditGrantsTasklet, tm)
                .build();
    }

    @Bean
    @StepScope
    Tasklet buildCreditGrantsTasklet(
            CustomerRepository customers,
            PlanRepository planRepository,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            OutboxRepository outbox,
            Clock clock,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            @Value("#{jobParameters['date']}") String date) {
        return (contribution, chunkContext) -> {
            Instant now = Instant.now(clock);
            UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
            Map<String, Plan> plans = planRepository.findAll();
            Map<String, List<CreditGrant>> grants = purchases.grantsByCustomer();
            CreditGrantPlanner planner = new CreditGrantPlanner(now);
            List<Instant> runHours = ledgers.runHours(run);
            Map<String, Map<String, CreditGrantPlanner.Held>> held = outbox.grantsHeld();
            int queued = 0;
            for (Customer customer : new TreeMap<>(customers.findAll()).values()) {
                if (customer.stripeCustomerId() == null
                        || customer.stripeCustomerId().isBlank()) {
                    continue;
                }
                TreeSet<BillingPeriod> periods = ledgers.periodsOfRun(customer, runHours, window);
                periods.add(customer.cycle().periodContaining(now));
                List<CreditGrant> own = grants.getOrDefault(customer.customerId(), List.of());
                Supplier<CreditLedger> ledger = memoized(() -> ledgers.ledger(
                        customer,
                        plans,
                        own,
                        periods.first().start(),
                        periods.last().end()));
                List<OutboxRow> rows = planner.plan(
                        customer.customerId(),
                        customer.stripeCustomerId(),
                        WantedGrants.of(customer, plans, own, periods, ledger, now),
                        held.getOrDefault(customer.customerId(), new TreeMap<>()),
                        periods);
                queued += outbox.insertAll(rows, run);
            }
            log.info("Outbox: {} new credit grant rows queued", queued);
            contribution.incrementWriteCount(queued);
            return RepeatStatus.FINISHED;
        };
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
