package io.tokentally.rating;

import io.tokentally.normalize.IngestCommitLock;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.shared.BackgroundCommits;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.StepLock;
import io.tokentally.shared.UsageWindow;
import java.time.Clock;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The rate step: sums billable usage lines per customer, model, tiers, hour and price epoch, for the
 * run's window, every hour the run's files touched and every hour with held usage, prices them and
 * upserts rated aggregates; usage without a price at its time is held back ({@link HeldUsage}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RatingProperties.class)
public class RatingStepConfiguration {

    public static final String RATE_STEP = "rateStep";
    public static final String SETTLE_HELD_USAGE_STEP = "settleHeldUsageStep";
    /** The job that re-rates history at today's catalog: the only one whose rate step ignores {@link PricePins}. */
    public static final String RERATE_JOB = "rerateJob";

    private static final String RUN = "#{stepExecution.jobExecution.jobInstance.instanceId}";
    private static final long RATE_STEP_LOCK_KEY = 0x746f6b2d72617465L; // "tok-rate"

    @Bean
    Step rateStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            HourlyUsageItemReader hourlyUsageItemReader,
            RateItemProcessor rateItemProcessor,
            RatingItemWriter ratingItemWriter,
            HeldUsageRepository heldUsage,
            RatingProperties properties,
            BackgroundCommits backgroundCommits,
            StepLock rateStepLock) {
        return rateStepLock.around(new StepBuilder(RATE_STEP, jobRepository)
                .<HourlyUsage, Rater.Rating>chunk(properties.chunkSize())
                .transactionManager(transactionManager)
                .reader(hourlyUsageItemReader)
                .processor(rateItemProcessor)
                .writer(ratingItemWriter)
                .listener(new HeldUsageListener(heldUsage))
                .listener(backgroundCommits)
                .build());
    }

    /**
     * Lets one run at a time rate. A rate step sums an hour's usage and then writes its aggregates. Two runs
     * rating the same hour at once (a late file in each) could interleave so that the later write puts back a
     * total read before the other run's rows. Taking turns, the run that rates an hour last read it after every
     * rate before it ended; and every run that adds rows to an hour (its files, or held usage it settles) rates
     * that hour afterwards. So the last total of an hour counts every row, whatever a total written in between
     * lacked (ADR 0026).
     */
    @Bean
    StepLock rateStepLock(DataSource dataSource, JobRepository jobRepository) {
        return new StepLock(dataSource, SqlDialect.of(dataSource), RATE_STEP_LOCK_KEY, jobRepository);
    }

    /**
     * The step before rating: settles the usage held since ingest that the catalog now prices ({@link
     * HeldUsageRepository#settle}), in one transaction under the ingest commit lock, so no file commits held
     * rows of an hour while it is settled. A step of its own, so a restarted rate step never settles again
     * under rows its reader has already counted past.
     */
    @Bean
    Step settleHeldUsageStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            HeldUsageRepository heldUsage,
            PriceCatalogs catalogs,
            IngestCommitLock ingestCommits) {
        return new StepBuilder(SETTLE_HELD_USAGE_STEP, jobRepository)
                .tasklet(
                        (contribution, chunkContext) -> {
                            ingestCommits.holdUntilTransactionEnds();
                            long run = contribution
                                    .getStepExecution()
                                    .getJobExecution()
                                    .getJobInstance()
                                    .getInstanceId();
                            contribution.incrementWriteCount(heldUsage.settle(catalogs.current(), run));
                            return RepeatStatus.FINISHED;
                        },
                        transactionManager)
                .build();
    }

    @Bean
    @StepScope
    HourlyUsageItemReader hourlyUsageItemReader(
            JdbcTemplate jdbc, @Value(RUN) long run, @Value("#{jobParameters['date']}") String date) {
        return new HourlyUsageItemReader(jdbc, run, UsageWindow.ofUtcDate(LocalDate.parse(date)));
    }

    @Bean
    @StepScope
    RateItemProcessor rateItemProcessor(
            PriceCatalogs catalogs,
            CustomerRepository customers,
            PlanRepository plans,
            JdbcTemplate jdbc,
            @Value(RUN) long run,
            @Value("#{jobParameters['date']}") String date,
            @Value("#{stepExecution.jobExecution.jobInstance.jobName}") String jobName) {
        Rater rater = new Rater(catalogs.current(), catalogs.held(), customers.findAll(), plans.findAll());
        return new RateItemProcessor(
                RERATE_JOB.equals(jobName)
                        ? rater
                        : rater.keepingPrices(PricePins.of(jdbc, run, UsageWindow.ofUtcDate(LocalDate.parse(date)))));
    }

    @Bean
    @StepScope
    RatingItemWriter ratingItemWriter(
            JdbcTemplate jdbc,
            UnplannedHours unplannedHours,
            RatedDays ratedDays,
            Clock clock,
            HeldUsageRepository heldUsage,
            @Value(RUN) long run) {
        WrittenMarks marks = new WrittenMarks(unplannedHours, ratedDays, run);
        return new RatingItemWriter(new RatedAggregateItemWriter(jdbc, marks, clock, run), heldUsage, run);
    }

    /**
     * Before the step, adds the hours of held usage to the run's hours, so a price added since bills
     * them; after it completes, forgets the held usage it rated.
     */
    static final class HeldUsageListener implements StepExecutionListener {

        private final HeldUsageRepository heldUsage;

        HeldUsageListener(HeldUsageRepository heldUsage) {
            this.heldUsage = heldUsage;
        }

        @Override
        public void beforeStep(StepExecution stepExecution) {
            heldUsage.addHeldHoursTo(
                    stepExecution.getJobExecution().getJobInstance().getInstanceId());
        }

        @Override
        public ExitStatus afterStep(StepExecution stepExecution) {
            if (stepExecution.getStatus() == BatchStatus.COMPLETED) {
                heldUsage.releaseRatedBy(
                        stepExecution.getJobExecution().getJobInstance().getInstanceId());
            }
            return stepExecution.getExitStatus();
        }
    }
}
