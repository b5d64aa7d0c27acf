package io.tokentally.job;

import io.tokentally.pricing.PriceRepository;
import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.StepLock;
import java.nio.file.Path;
import javax.sql.DataSource;
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

    /**
     * The name of the lock's bean. Whatever adds versions to the catalog outside a run (a manual override, the prices
     * file of {@code stripe setup}) holds it too.
     */
    public static final String PRICE_CATALOG_LOCK = "priceCatalogLock";

    private static final long PRICE_CATALOG_LOCK_KEY = 0x746f6b2d70726963L; // "tok-pric"

    @Bean
    Step loadPricesStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            LoadPricesTasklet loadPricesTasklet,
            StepLock priceCatalogLock) {
        return priceCatalogLock.around(new StepBuilder(LOAD_PRICES_STEP, jobRepository)
                .tasklet(loadPricesTasklet, transactionManager)
                .build());
    }

    /**
     * Lets one run or price sync at a time add versions to the price catalog, across processes: two that add the
     * same new version at once (a catch-up's runs of two missed days after a new prices file, say) both found it
     * missing, and the second's insert failed its run on the catalog's key. Taking turns, the second finds it there.
     */
    @Bean(PRICE_CATALOG_LOCK)
    StepLock priceCatalogLock(DataSource dataSource, JobRepository jobRepository) {
        return new StepLock(dataSource, SqlDialect.of(dataSource), PRICE_CATALOG_LOCK_KEY, jobRepository);
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
