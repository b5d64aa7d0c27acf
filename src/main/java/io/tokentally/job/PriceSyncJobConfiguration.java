package io.tokentally.job;

import io.tokentally.pricing.PriceRepository;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.StepLock;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The price-sync job: one step that reads a price feed and versions what changed. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PriceSyncProperties.class)
public class PriceSyncJobConfiguration {

    public static final String PRICE_SYNC_JOB = "priceSyncJob";
    public static final String SYNC_PRICES_STEP = "syncPricesStep";
    /** Where a sync leaves its one-line summary: the job execution context. */
    public static final String SUMMARY = PriceSyncTasklet.SUMMARY;

    @Bean
    Job priceSyncJob(
            JobRepository jobRepository,
            @Qualifier(SYNC_PRICES_STEP) Step syncPricesStep,
            RunOwnerListener runOwnerListener) {
        return new JobBuilder(PRICE_SYNC_JOB, jobRepository)
                // its owner, so that the process's stop (SIGTERM, Ctrl-C) asks it to stop, as it does its runs
                .listener(runOwnerListener)
                .validator(new DefaultJobParametersValidator(
                        new String[] {
                            PriceSyncParameters.FEED,
                            PriceSyncParameters.NAME,
                            PriceSyncParameters.FORMAT,
                            PriceSyncParameters.EFFECTIVE
                        },
                        new String[] {PriceSyncParameters.DRY_RUN, PriceSyncParameters.RERUN}))
                .start(syncPricesStep)
                .build();
    }

    /**
     * In turn with the nightly runs' loads of their prices files (LoadPricesStepConfiguration#priceCatalogLock): its
     * tasklet takes the lock once it has read the feed.
     */
    @Bean(SYNC_PRICES_STEP)
    Step syncPricesStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            PriceSyncTasklet priceSyncTasklet) {
        return new StepBuilder(SYNC_PRICES_STEP, jobRepository)
                .tasklet(priceSyncTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    PriceSyncTasklet priceSyncTasklet(
            @Value("#{jobParameters['" + PriceSyncParameters.FEED + "']}") String feed,
            @Value("#{jobParameters['" + PriceSyncParameters.NAME + "']}") String name,
            @Value("#{jobParameters['" + PriceSyncParameters.FORMAT + "']}") String format,
            @Value("#{jobParameters['" + PriceSyncParameters.EFFECTIVE + "']}") String effective,
            @Value("#{jobParameters['" + PriceSyncParameters.DRY_RUN + "'] ?: 'false'}") String dryRun,
            PriceFeedSource feeds,
            PriceRepository prices,
            FindingRepository findings,
            BackdatedPrices backdated,
            PriceSyncReport report,
            @Qualifier(LoadPricesStepConfiguration.PRICE_CATALOG_LOCK) StepLock priceCatalogLock) {
        return new PriceSyncTasklet(
                new PriceSyncParameters(
                        feed, name, format, java.time.Instant.parse(effective), Boolean.parseBoolean(dryRun)),
                feeds,
                prices,
                findings,
                backdated,
                report,
                priceCatalogLock);
    }
}
