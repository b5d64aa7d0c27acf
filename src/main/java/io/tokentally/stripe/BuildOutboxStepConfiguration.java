package io.tokentally.stripe;

import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.rating.RatedDays;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BackgroundCommits;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.StepLock;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The build-outbox step: for every customer whose rated usage this run touched, recomputes what each
 * amount meter (and, in the tokens layout, token meter) must show per hour of the customer's billing
 * period and queues the differences as new outbox revisions. Customers who share a billing cycle share
 * periods, so the work is per cycle and period. A period closed for Stripe gets no meter events: its
 * changes become invoice items ({@link ClosedPeriods}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StripeProperties.class)
public class BuildOutboxStepConfiguration {

    public static final String BUILD_OUTBOX_STEP = "buildOutboxStep";

    @Bean
    AmountMeterLayout amountMeterLayout(StripeProperties properties) {
        return new AmountMeterLayout(properties.eventNamePrefix());
    }

    private static final long OUTBOX_STEP_LOCK_KEY = 0x746f6b2d6f757462L; // "tok-outb"

    /**
     * Lets one run at a time plan what goes to Stripe: the closing positions of ended periods, the meter events and
     * late invoice items, the credit grants. Each plans from what the outbox and the closes hold, so two runs planning
     * one customer's period at once both found nothing of it and planned its first revision, or its first close: the
     * second failed on the key (hunt EI), and where their amounts differed, a revision would have been lost to it.
     */
    @Bean
    StepLock outboxStepLock(DataSource dataSource, JobRepository jobRepository) {
        return new StepLock(dataSource, SqlDialect.of(dataSource), OUTBOX_STEP_LOCK_KEY, jobRepository);
    }

    @Bean
    Step buildOutboxStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            Tasklet buildOutboxTasklet,
            BackgroundCommits backgroundCommits,
            StepLock outboxStepLock) {
        return outboxStepLock.around(new StepBuilder(BUILD_OUTBOX_STEP, jobRepository)
                .tasklet(buildOutboxTasklet, transactionManager)
                .listener(backgroundCommits)
                .build());
    }

    @Bean
    @StepScope
    Tasklet buildOutboxTasklet(
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
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            @Value("#{jobParameters['date']}") String date) {
        return new BuildOutboxTasklet(
                jdbc,
                outbox,
                customers,
                closedPeriods,
                layout,
                properties,
                catalogs,
                plans,
                clock,
                unplannedHours,
                ratedDays,
                findings,
                run,
                date);
    }
}
