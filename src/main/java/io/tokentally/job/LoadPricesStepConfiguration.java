package io.tokentally.job;

import io.tokentally.pricing.PriceRepository;
import java.nio.file.Path;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The load-prices step: adds the prices file's new versions to the catalog. */
@Configuration(proxyBeanMethods = false)
public class LoadPricesStepConfiguration {

    public static final String LOAD_PRICES_STEP = "loadPricesStep";

    @Bean
    Step loadPricesStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            LoadPricesTasklet loadPricesTasklet) {
        return new StepBuilder(LOAD_PRICES_STEP, jobRepository)
                .tasklet(loadPricesTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    LoadPricesTasklet loadPricesTasklet(
            PriceRepository prices,
            BackdatedPrices backdated,
            @Value("#{jobParameters['prices']}") String pricesFile,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return new LoadPricesTasklet(prices, backdated, Path.of(pricesFile), run);
    }
}
