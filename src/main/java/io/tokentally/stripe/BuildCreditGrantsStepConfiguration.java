package io.tokentally.stripe;

import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.StepLock;
import java.time.Clock;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
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

    /** Under the outbox's lock: one run at a time plans what goes to Stripe (BuildOutboxStepConfiguration). */
    @Bean
    Step buildCreditGrantsStep(
            JobRepository jobRepository,
            PlatformTransactionManager tm,
            Tasklet buildCreditGrantsTasklet,
            StepLock outboxStepLock) {
        return outboxStepLock.around(new StepBuilder(BUILD_CREDIT_GRANTS_STEP, jobRepository)
                .tasklet(buildCreditGrantsTasklet, tm)
                .build());
    }

    @Bean
    @StepScope
    Tasklet buildCreditGrantsTasklet(
            CustomerRepository customers,
            PlanRepository planRepository,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            OutboxRepository outbox,
            OutboxGrants outboxGrants,
            FindingRepository findings,
            Clock clock,
            StripeProperties stripe,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            @Value("#{jobParameters['date']}") String date) {
        return new BuildCreditGrantsTasklet(
                customers,
                planRepository,
                purchases,
                ledgers,
                outbox,
                outboxGrants,
                findings,
                clock,
                stripe.periodCloseGrace(),
                run,
                date);
    }
}
