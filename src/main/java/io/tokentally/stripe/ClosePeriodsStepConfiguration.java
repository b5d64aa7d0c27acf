package io.tokentally.stripe;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.StepLock;
import io.tokentally.shared.UsageWindow;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.SortedMap;
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
 * The record-closing-positions step, which runs after ingest and before rating: for each customer, the
 * position of every billing period the run finds closed for Stripe for the first time, computed from the
 * usage earlier runs rated, which is what Stripe invoiced (ADR 0021).
 */
@Configuration(proxyBeanMethods = false)
public class ClosePeriodsStepConfiguration {

    public static final String RECORD_CLOSING_POSITIONS_STEP = "recordClosingPositionsStep";
    private static final Logger log = LoggerFactory.getLogger(ClosePeriodsStepConfiguration.class);

    /** Under the outbox's lock: one run at a time plans what goes to Stripe (BuildOutboxStepConfiguration). */
    @Bean
    Step recordClosingPositionsStep(
            JobRepository jobRepository,
            PlatformTransactionManager tm,
            Tasklet recordClosingPositionsTasklet,
            StepLock outboxStepLock) {
        return outboxStepLock.around(new StepBuilder(RECORD_CLOSING_POSITIONS_STEP, jobRepository)
                .tasklet(recordClosingPositionsTasklet, tm)
                .build());
    }

    @Bean
    @StepScope
    Tasklet recordClosingPositionsTasklet(
            ClosedPeriods closedPeriods,
            Clock clock,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            @Value("#{jobParameters['date']}") String date) {
        return (contribution, chunkContext) -> {
            Instant now = Instant.now(clock);
            ClosingInstant.keep(contribution.getStepExecution().getJobExecution(), now);
            SortedMap<BillingPeriod, Integer> recorded =
                    closedPeriods.recordClosingPositions(run, UsageWindow.ofUtcDate(LocalDate.parse(date)), now);
            if (!recorded.isEmpty()) {
                log.info(
                        "Closed periods: closing positions recorded, customers per period {}; later usage in these"
                                + " periods is billed as invoice items",
                        recorded);
            }
            contribution.incrementWriteCount(
                    recorded.values().stream().mapToInt(Integer::intValue).sum());
            return RepeatStatus.FINISHED;
        };
    }
}
