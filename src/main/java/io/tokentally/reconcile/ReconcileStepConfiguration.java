package io.tokentally.reconcile;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.normalize.DuplicateConflictRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.rating.HeldUsageRepository;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The reconcile step, over every day the run reconciles ({@link ReconcileDays}: its window and the days its new
 * usage and cost files touched): provider usage and charges against billable usage and list price
 * ({@link ProviderReconciliation}), margin per customer, model and day (the provider's actual cost where a cost
 * export covers the usage, list price otherwise, against the billed amount), with a finding for every loss and every margin under the floor,
 * one for every model whose usage the run held back for want of a price, one per unknown customer
 * id and day of unattributed usage, and one per customer and day of late usage whose meter events are stamped later.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcileProperties.class)
public class ReconcileStepConfiguration {

    public static final String RECONCILE_STEP = "reconcileStep";

    @Bean(RECONCILE_STEP)
    Step reconcileStep(
            JobRepository jobRepository, PlatformTransactionManager transactionManager, Tasklet reconcileTasklet) {
        return new StepBuilder(RECONCILE_STEP, jobRepository)
                .tasklet(reconcileTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    Tasklet reconcileTasklet(
            MarginRepository margins,
            FindingRepository findings,
            ProviderReconciliation providers,
            ReconcileDays reconcileDays,
            HeldUsageRepository heldUsage,
            UsageFindings usageFindings,
            DuplicateConflictRepository duplicateConflicts,
            FileRegistry files,
            PlanRepository plans,
            PriceRepository prices,
            ReconcileProperties properties,
            @Value("#{jobParameters['date']}") String date,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return new ReconcileTasklet(
                margins,
                findings,
                providers,
                reconcileDays,
                heldUsage,
                usageFindings,
                duplicateConflicts,
                files,
                plans,
                prices,
                properties,
                date,
                run);
    }
}
