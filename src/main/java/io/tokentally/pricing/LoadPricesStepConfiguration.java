package io.tokentally.pricing;

import java.nio.file.Path;
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

/** The load-prices step: adds the prices file's new versions to the catalog. */
@Configuration(proxyBeanMethods = false)
public class LoadPricesStepConfiguration {

    public static final String LOAD_PRICES_STEP = "loadPricesStep";

    @Bean
    Step loadPricesStep(
            JobRepository jobRepository, PlatformTransactionManager transactionManager, Tasklet loadPricesTasklet) {
        return new StepBuilder(LOAD_PRICES_STEP, jobRepository)
                .tasklet(loadPricesTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    Tasklet loadPricesTasklet(PriceRepository prices, @Value("#{jobParameters['prices']}") String pricesFile) {
        return (contribution, chunkContext) -> {
            int added = prices.load(PricesFile.read(Path.of(pricesFile)));
            contribution.incrementWriteCount(added);
            return RepeatStatus.FINISHED;
        };
    }
}
