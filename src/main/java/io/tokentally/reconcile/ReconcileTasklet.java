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
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The reconcile step's work for one run ({@link ReconcileStepConfiguration}): margins and their findings, the
 * provider reconciliation, the run's other findings, and the resolution of the file findings its files answer.
 */
class ReconcileTasklet implements Tasklet {

    /** Logged under the step configuration's name, as before the tasklet had a class of its own. */
    private static final Logger log = LoggerFactory.getLogger(ReconcileStepConfiguration.class);
    /**
     * The kinds of findings about one day's margin or provider reconciliation line, or its usage of an unknown
     * customer, each key ending with the day.
     */
    private static final List<String> DAY_KINDS = List.of(
            MarginLine.NEGATIVE,
            MarginLine.BELOW_FLOOR,
            ProviderUsageCheck.MISMATCH,
            ProviderUsageCheck.NOT_BILLED,
            ProviderChargeCheck.KIND,
            UsageFindings.UNATTRIBUTED);
    /** How a day is written at the end of such a key: {@code 2026-12-02}. */
    private static final int DAY_CHARS = 10;

    private final MarginRepository margins;
    private final FindingRepository findings;
    private final ProviderReconciliation providers;
    private final ReconcileDays reconcileDays;
    private final HeldUsageRepository heldUsage;
    private final UsageFindings usageFindings;
    private final DuplicateConflictRepository duplicateConflicts;
    private final FileRegistry files;
    private final PlanRepository plans;
    private final PriceRepository prices;
    private final ReconcileProperties properties;
    private final String date;
    private final long run;

    ReconcileTasklet(
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
            String date,
            long run) {
        this.margins = margins;
        this.findings = findings;
        this.providers = providers;
        this.reconcileDays = reconcileDays;
        this.heldUsage = heldUsage;
        this.usageFindings = usageFindings;
        this.duplicateConflicts = duplicateConflicts;
        this.files = files;
        this.plans = plans;
        this.prices = prices;
        this.properties = properties;
        this.date = date;
        this.run = run;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
        SortedSet<LocalDate> days = reconcileDays.of(window, run);
        // each day's usage is read once, for the actual costs of its margin and for the provider reconciliation
        SortedMap<LocalDate, ProviderUsageRepository.Sides> usage = providers.usage(days);
        Set<String> foundAgain = storeMargins(days, usage, contribution);
        List<Finding> reconciled = providers.reconcile(usage, run);
        contribution.incrementWriteCount(reconciled.size());
        reconciled.forEach(finding -> foundAgain.add(finding.key()));
        List<Finding> found = findingsAboutUsage(usage);
        found.forEach(finding -> foundAgain.add(finding.key()));
        resolveDayFindings(days, foundAgain);
        found.addAll(DuplicateConflictFindings.of(duplicateConflicts.ofRun(run)));
        List<RunFile> seen = files.filesOfRun(run);
        found.addAll(UnreadFileFindings.of(seen));
        found.addAll(LookalikeColumnFindings.of(seen));
        found.addAll(UnfinishedRunFindings.of(files.pendingElsewhere(run)));
        List<Finding> planFindings = PlanOverrideFindings.of(plans.findAll().values(), prices.findAll());
        found.addAll(planFindings);
        for (Finding finding : found) {
            findings.record(finding, run);
            contribution.incrementWriteCount(1);
        }
        resolvePlanFindings(planFindings);
        resolveFileFindings(seen);
        resolveHeldUsageFindings();
        return RepeatStatus.FINISHED;
    }

    /**
     * Stores the days' margin lines, each one read, and records a finding for each loss or thin margin.
     *
     * @return the keys of the findings it recorded
     */
    private Set<String> storeMargins(
            SortedSet<LocalDate> days,
            SortedMap<LocalDate, ProviderUsageRepository.Sides> usage,
            StepContribution contribution) {
        List<MarginLine> lines = margins.daily(usage);
        margins.store(run, days, lines);
        Set<String> recorded = new HashSet<>();
        for (MarginLine line : lines) {
            contribution.incrementReadCount();
            line.finding(properties.marginFloorPercent()).ifPresent(finding -> {
                findings.record(finding, run);
                recorded.add(finding.key());
                contribution.incrementWriteCount(1);
            });
        }
        return recorded;
    }

    /**
     * Resolves the findings of the days' margin and provider reconciliation lines, and of their unknown customers'
     * usage, that this run, which computed every line and read every unknown customer of those days again, did not
     * find again (their keys end with the day): a corrected cost export, a late file or a rerun mended them (a rerun
     * after the customer was added billed its usage), so a finding and {@code margin.csv} or {@code
     * reconciliation.csv} agree. A customer added to the customers file no longer counts as unknown, but its usage
     * rated before stays billed to nobody until its day is rated again: that day's finding stays open until then,
     * saying so.
     */
    private void resolveDayFindings(SortedSet<LocalDate> days, Set<String> foundAgain) {
        for (String kind : DAY_KINDS) {
            for (FindingRepository.Stored stored : findings.unresolvedOfKind(kind)) {
                String key = stored.key();
                LocalDate day = dayOf(key);
                if (day != null && days.contains(day) && !foundAgain.contains(key)) {
                    Optional<Finding> unbilled = kind.equals(UsageFindings.UNATTRIBUTED)
                            ? usageFindings.stillBilledToNobody(key, day)
                            : Optional.empty();
                    if (unbilled.isPresent()) {
                        findings.record(unbilled.get(), run);
                        continue;
                    }
                    resolve(key, "the run reconciled its day again and did not find it");
                }
            }
        }
    }

    /** The day a day line's key ends with; null if it ends otherwise. */
    private static LocalDate dayOf(String key) {
        try {
            return LocalDate.parse(key.substring(Math.max(0, key.length() - DAY_CHARS)));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The findings about the run's usage: held back, unattributed per day, stamped late, dated after the run. */
    private List<Finding> findingsAboutUsage(SortedMap<LocalDate, ProviderUsageRepository.Sides> usage) {
        List<HeldUsage> held = heldUsage.heldBy(run);
        List<Finding> found = new ArrayList<>(HeldUsageFindings.of(held, usageFindings.heldSources(held)));
        usage.forEach((day, sides) ->
                found.addAll(usageFindings.unattributed(UsageWindow.ofUtcDate(day), sides.unattributed())));
        found.addAll(usageFindings.lateUsageRestamped(run));
        found.addAll(usageFindings.datedAfterRun(run));
        return found;
    }

    /**
     * Resolves the findings about files that this run's files answer: contents of an unfinished run that this run,
     * which registered them, has now read; unread contents whose paths hold other content now; and files a resumed
     * run did not read, once the runs started after it, this one included, saw them all (registered them, or found them registered
     * already): an S3 object is registered only by the run that claims it, and a local file read by one run may be
     * archived out of the folder before the next.
     */
    private void resolveFileFindings(List<RunFile> seen) {
        for (RunFile file : seen) {
            if (file.outcome() != RunFileOutcome.ALREADY_INGESTED && file.status() == FileStatus.INGESTED) {
                resolve(UnfinishedRunFindings.key(file.fileId()), "the run that registered the file read it");
            }
        }
        for (long replaced : files.unreadContentsReplacedIn(run)) {
            resolve(
                    UnreadFileFindings.key(replaced),
                    "its path holds other content now, and no path of the input holds the unread content");
        }
        for (FindingRepository.Stored notRead : findings.unresolvedOfKind(ResumedRunFindings.KIND)) {
            Set<String> seenSince = files.pathsSeenByRunsAfter(
                    ResumedRunFindings.runOf(notRead.key()),
                    ResumedRunFindings.addedPaths(notRead.evidence()).orElse(List.of()));
            if (ResumedRunFindings.answeredBy(notRead.evidence(), seenSince)) {
                resolve(notRead.key(), "later runs registered, or found registered already, every file it names");
            }
        }
    }

    /**
     * Resolves the findings of plan overrides and allowances naming a model or provider without a price that this run,
     * which checked every plan against the whole catalog, did not find again: a price sync or prices file priced it, or
     * the plan no longer names it.
     */
    private void resolvePlanFindings(List<Finding> foundAgain) {
        Set<String> keys = new HashSet<>();
        foundAgain.forEach(finding -> keys.add(finding.key()));
        for (String kind : PlanOverrideFindings.KINDS) {
            for (FindingRepository.Stored stored : findings.unresolvedOfKind(kind)) {
                if (!keys.contains(stored.key())) {
                    resolve(stored.key(), "what its plan names there has a price now, or the plan names it no more");
                }
            }
        }
    }

    /**
     * Resolves the findings of held usage whose model has none held any more, by this run or any other, nor ingested
     * held and not rated yet: a price for its time was added and a run billed it (every run rates the held hours
     * again), or the usage is gone (an export bucket replaced).
     */
    private void resolveHeldUsageFindings() {
        Set<String> stillHeld = heldUsage.heldModels();
        for (FindingRepository.Stored held : findings.unresolvedOfKind(HeldUsageFindings.KIND)) {
            String model = HeldUsageFindings.modelOf(held.key());
            if (!stillHeld.contains(model)) {
                resolve(held.key(), "no usage of " + model + " is held any more");
            }
        }
    }

    private void resolve(String key, String why) {
        if (findings.resolve(key, run)) {
            log.info("Finding {} resolved by run {} (of {}): {}", key, run, date, why);
        }
    }
}
