package io.tokentally.stripe;

import io.tokentally.reconcile.FindingRepository;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read-back step: Stripe's meter event summaries against the outbox. It holds no database
 * transaction while it waits for Stripe (each finding commits on its own).
 */
@Configuration(proxyBeanMethods = false)
public class ReadBackStepConfiguration {

    public static final String READ_BACK_STEP = "readBackStep";

    @Bean(READ_BACK_STEP)
    Step readBackStep(JobRepository jobRepository, StripeReadBackTasklet readBackTasklet) {
        return new StepBuilder(READ_BACK_STEP, jobRepository)
                .tasklet(readBackTasklet, new ResourcelessTransactionManager())
                .build();
    }

    @Bean
    @StepScope
    StripeReadBackTasklet readBackTasklet(
            JdbcTemplate jdbc,
            StripeProperties properties,
            FindingRepository findings,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return new StripeReadBackTasklet(jdbc, properties, findings, run);
    }
}
