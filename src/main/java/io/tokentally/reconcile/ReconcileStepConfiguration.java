package io.tokentally.reconcile;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileStatus;
import io.tokentally.ingest.RunFile;
import io.tokentally.ingest.RunFileOutcome;
import io.tokentally.normalize.DuplicateConflictRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.rating.HeldUsage;
import io.tokentally.rating.HeldUsageRepository;
import io.tokentally.shared.UsageWindow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
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
 * id and day of unattributed usage, and one per customer and day of late usage sent as invoice items.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcileProperties.class)
public class ReconcileStepConfiguration {

    public static final String RECONCILE_STEP = "reconcileStep";
    private static final Logger log = LoggerFactory.getLogger(ReconcileStepConfiguration.class);

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
        return (contribution, chunkContext) -> {
            UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
            SortedSet<LocalDate> days = reconcileDays.of(window, run);
            // each day's usage is read once, for the actual costs of its margin and for the provider reconciliation
            SortedMap<LocalDate, ProviderUsageRepository.Sides> usage = providers.usage(days);
            List<MarginLine> lines = margins.daily(usage);
            margins.store(run, days, lines);
            for (MarginLine line : lines) {
                contribution.incrementReadCount();
                line.finding(properties.marginFloorPercent()).ifPresent(finding -> {
                    findings.record(finding, run);
                    contribution.incrementWriteCount(1);
                });
            }
            contribution.incrementWriteCount(providers.reconcile(usage, run));
            List<HeldUsage> held = heldUsage.heldBy(run);
            List<Finding> found = new ArrayList<>(HeldUsageFindings.of(held, usageFindings.heldSources(held)));
            usage.forEach((day, sides) ->
                    found.addAll(usageFindings.unattributed(UsageWindow.ofUtcDate(day), sides.unattributed())));
            found.addAll(usageFindings.lateUsageInvoiced(run));
            found.addAll(usageFindings.datedAfterRun(run));
            found.addAll(DuplicateConflictFindings.of(duplicateConflicts.ofRun(run)));
            List<RunFile> seen = files.filesOfRun(run);
            found.addAll(UnreadFileFindings.of(seen));
            found.addAll(UnfinishedRunFindings.of(files.pendingElsewhere(run)));
            found.addAll(PlanOverrideFindings.of(plans.findAll().values(), prices.findAll()));
            for (Finding finding : found) {
                findings.record(finding, run);
                contribution.incrementWriteCount(1);
            }
            resolveFileFindings(run, seen, files, findings);
            return RepeatStatus.FINISHED;
        };
    }

    /**
     * Resolves the findings about files that this run's files answer: contents of an unfinished run that this run,
     * which registered them, has now read; unread contents whose paths hold other content now; and files a resumed
     * run did not read, once this run saw them all (registered them, or found them registered already).
     */
    private static void resolveFileFindings(
            long run, List<RunFile> seen, FileRegistry files, FindingRepository findings) {
        for (RunFile file : seen) {
            if (file.outcome() != RunFileOutcome.ALREADY_INGESTED && file.status() == FileStatus.INGESTED) {
                resolve(
                        findings,
                        run,
                        UnfinishedRunFindings.key(file.fileId()),
                        "the run that registered the file read it");
            }
        }
        for (long replaced : files.unreadContentsReplacedIn(run)) {
            resolve(
                    findings,
                    run,
                    UnreadFileFindings.key(replaced),
                    "its path holds other content now, and no path of the input holds the unread content");
        }
        Set<String> seenPaths = seen.stream().map(RunFile::path).collect(Collectors.toSet());
        for (FindingRepository.Stored notRead : findings.unresolvedOfKind(ResumedRunFindings.KIND)) {
            if (ResumedRunFindings.answeredBy(notRead.evidence(), seenPaths)) {
                resolve(findings, run, notRead.key(), "this run registered every file it names");
            }
        }
    }

    private static void resolve(FindingRepository findings, long run, String key, String why) {
        if (findings.resolve(key, run)) {
            log.info("Finding {} resolved by run {}: {}", key, run, why);
        }
    }
}
