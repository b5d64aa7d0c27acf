package io.tokentally.job;

import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.CustomersFile;
import io.tokentally.plans.PlanFiles;
import io.tokentally.plans.PlanRepository;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.BillingCycleFindings;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.reconcile.StripeCustomerFindings;
import io.tokentally.stripe.ClosedPeriodPlanner;
import io.tokentally.stripe.ClosedPeriods;
import io.tokentally.stripe.OutboxRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
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
 * The load-customers step: reads the plans and customers files into their tables, and records a warning for
 * each stored customer whose billing cycle the file changes ({@link BillingCycleFindings}).
 */
@Configuration(proxyBeanMethods = false)
public class LoadCustomersStepConfiguration {

    public static final String LOAD_CUSTOMERS_STEP = "loadCustomersStep";

    @Bean
    Step loadCustomersStep(
            JobRepository jobRepository, PlatformTransactionManager transactionManager, Tasklet loadCustomersTasklet) {
        return new StepBuilder(LOAD_CUSTOMERS_STEP, jobRepository)
                .tasklet(loadCustomersTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    Tasklet loadCustomersTasklet(
            PlanRepository plans,
            CustomerRepository customers,
            FindingRepository findings,
            UnplannedHours unplannedHours,
            ClosedPeriods closedPeriods,
            OutboxRepository outbox,
            Clock clock,
            @Value("#{jobParameters['plans']}") String plansFile,
            @Value("#{jobParameters['customers']}") String customersFile,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return (contribution, chunkContext) -> {
            PlanFiles files = PlanFiles.read(
                    Path.of(plansFile), Path.of(customersFile), plans.findAll().keySet());
            Map<String, Customer> stored = customers.findAll();
            CustomersFile.requireOwnStripeCustomers(stored, files.customers(), Path.of(customersFile));
            plans.saveAll(files.plans());
            customers.saveAll(files.customers());
            ClosedPeriodPlanner closing = closedPeriods.planner(clock.instant());
            BillingCycleFindings.changed(
                            stored,
                            files.customers(),
                            customersFile,
                            cycle -> closing.earliestOpen(cycle).start())
                    .forEach(finding -> findings.record(finding, run));
            StripeCustomerFindings.changed(stored, files.customers(), customersFile, outbox::unsent)
                    .forEach(finding -> findings.record(finding, run));
            for (Customer changed : BillingCycleFindings.changedCustomers(stored, files.customers())) {
                // its open periods, cut anew, are planned from their start, the one in its close grace too (a closed
                // one is left as Stripe invoiced it)
                unplannedHours.markRatedHoursOf(
                        changed.customerId(),
                        closing.earliestOpen(changed.cycle()).start(),
                        run);
            }
            contribution.incrementWriteCount(
                    files.plans().size() + files.customers().size());
            return RepeatStatus.FINISHED;
        };
    }
}
