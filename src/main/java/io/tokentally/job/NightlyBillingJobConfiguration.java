package io.tokentally.job;

import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.normalize.NormalizeStepConfiguration;
import io.tokentally.rating.RatingStepConfiguration;
import io.tokentally.reconcile.CreditsStepConfiguration;
import io.tokentally.reconcile.ReconcileStepConfiguration;
import io.tokentally.stripe.BuildCreditGrantsStepConfiguration;
import io.tokentally.stripe.BuildOutboxStepConfiguration;
import io.tokentally.stripe.ClosePeriodsStepConfiguration;
import io.tokentally.stripe.ReadBackStepConfiguration;
import io.tokentally.stripe.UploadStepConfiguration;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.DefaultJobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The nightly billing job: reference data, then files, then usage lines, then rated hourly
 * aggregates, then the Stripe outbox and its upload; the run report is written when it ends, however
 * it ends.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TokentallyProperties.class)
public class NightlyBillingJobConfiguration {

    public static final String NIGHTLY_BILLING_JOB = "nightlyBillingJob";

    @Bean
    Job nightlyBillingJob(
            JobRepository jobRepository,
            @Qualifier(LoadPricesStepConfiguration.LOAD_PRICES_STEP) Step loadPricesStep,
            @Qualifier(LoadCustomersStepConfiguration.LOAD_CUSTOMERS_STEP) Step loadCustomersStep,
            @Qualifier(RegisterFilesStepConfiguration.REGISTER_FILES_STEP) Step registerFilesStep,
            @Qualifier(NormalizeStepConfiguration.INGEST_STEP) Step ingestStep,
            @Qualifier(ClosePeriodsStepConfiguration.RECORD_CLOSING_POSITIONS_STEP) Step recordClosingPositionsStep,
            @Qualifier(RatingStepConfiguration.SETTLE_HELD_USAGE_STEP) Step settleHeldUsageStep,
            @Qualifier(RatingStepConfiguration.RATE_STEP) Step rateStep,
            @Qualifier(BuildOutboxStepConfiguration.BUILD_OUTBOX_STEP) Step buildOutboxStep,
            @Qualifier(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP) Step uploadMeterEventsStep,
            @Qualifier(ReadBackStepConfiguration.READ_BACK_STEP) Step readBackStep,
            @Qualifier(ReconcileStepConfiguration.RECONCILE_STEP) Step reconcileStep,
            @Qualifier(CreditsStepConfiguration.LOAD_PURCHASES_STEP) Step loadPurchasesStep,
            @Qualifier(CreditsStepConfiguration.SETTLE_CREDITS_STEP) Step writeStatementsAndBalancesStep,
            @Qualifier(BuildCreditGrantsStepConfiguration.BUILD_CREDIT_GRANTS_STEP) Step buildCreditGrantsStep,
            RunReportListener runReportListener,
            UnfinishedRunsListener unfinishedRunsListener,
            RunOwnerListener runOwnerListener,
            S3MarkListener s3MarkListener,
            JobMetricsListener jobMetricsListener,
            RunProgressListener runProgressListener,
            ResumedRunFilesListener resumedRunFilesListener,
            ForeignRunFolderListener foreignRunFolderListener) {
        return new JobBuilder(NIGHTLY_BILLING_JOB, jobRepository)
                .validator(new DefaultJobParametersValidator(
                        new String[] {
                            BillingJobParameters.DATE,
                            BillingJobParameters.INPUT,
                            BillingJobParameters.CUSTOMERS,
                            BillingJobParameters.PLANS,
                            BillingJobParameters.PRICES
                        },
                        new String[] {BillingJobParameters.RERUN}))
                .listener(runOwnerListener)
                .listener(foreignRunFolderListener)
                .listener(runReportListener)
                // after the report listener, so that its afterJob, which Spring Batch calls in reverse order, comes
                // first
                .listener(unfinishedRunsListener)
                .listener(s3MarkListener)
                .listener(jobMetricsListener)
                .listener(runProgressListener)
                .listener(resumedRunFilesListener)
                .start(loadPricesStep)
                .next(loadCustomersStep)
                .next(loadPurchasesStep)
                .next(registerFilesStep)
                .next(ingestStep)
                .next(recordClosingPositionsStep)
                .next(settleHeldUsageStep)
                .next(rateStep)
                .next(buildOutboxStep)
                .next(writeStatementsAndBalancesStep)
                .next(buildCreditGrantsStep)
                .next(uploadMeterEventsStep)
                .next(readBackStep)
                .next(reconcileStep)
                .build();
    }
}
