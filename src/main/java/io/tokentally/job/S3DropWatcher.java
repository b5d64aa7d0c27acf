package io.tokentally.job;

import io.tokentally.ingest.S3Properties;
import io.tokentally.ingest.S3Source;
import io.tokentally.ingest.S3Stager;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.RequiredFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Polls the S3 drop folder ({@code tokentally.s3.drop}) every {@code tokentally.s3.poll-interval}
 * when {@code tokentally.s3.watch=true} (the service sets it). When the folder holds an object
 * version no run has claimed, it runs the nightly job for yesterday (UTC) with the drop folder as its
 * source: the run claims each new object exactly once, ingests it, re-rates the hours it touched and
 * marks it processed or failed. Several replicas may poll; the claim in the database decides.
 */
@Component
@EnableScheduling
@ConditionalOnProperty(name = "tokentally.s3.watch", havingValue = "true")
public class S3DropWatcher {

    private static final Logger log = LoggerFactory.getLogger(S3DropWatcher.class);
    /** The finding of a run the watcher could not start for a fault in its customers, plans or prices file. */
    static final String NOT_STARTED = "DROP_NOT_STARTED";
    /** Findings the watcher records belong to no run. */
    private static final long NO_RUN = 0;

    private final S3Stager stager;
    private final BillingRuns runs;
    private final TokentallyProperties defaults;
    private final Clock clock;
    private final FindingRepository findings;
    private final S3Source drop;
    /** The unfinished run the watcher last said it waits for, so that it says so once. */
    private volatile long warnedOf = -1;
    /** Why the watcher last found yesterday's window busy, so that a run under way is logged once, not every poll. */
    private volatile String busyWith;
    /** What the watcher last said of a run it could not start (a faulty file): said once, not every poll. */
    private volatile String refusedFor;

    S3DropWatcher(
            S3Stager stager,
            S3Properties properties,
            BillingRuns runs,
            TokentallyProperties defaults,
            Clock clock,
            FindingRepository findings) {
        this.stager = stager;
        this.runs = runs;
        this.defaults = defaults;
        this.clock = clock;
        this.findings = findings;
        this.drop = S3Source.parse(properties.drop())
                .orElseThrow(() -> new InvalidConfigurationPropertyValueException(
                        "tokentally.s3.drop",
                        properties.drop(),
                        "it must name the drop folder as [name=]s3://bucket/prefix when tokentally.s3.watch=true"));
        requireFile("tokentally.customers-file", defaults.customersFile());
        requireFile("tokentally.plans-file", defaults.plansFile());
        requireFile("tokentally.prices-file", defaults.pricesFile());
    }

    /** Refuses a file the watcher's runs read that is not there: each run it started would fail at its first step. */
    private static void requireFile(String property, Path file) {
        RequiredFile.fault(file).ifPresent(fault -> {
            throw new InvalidConfigurationPropertyValueException(
                    property, file, "the watcher's runs read it, and " + fault);
        });
    }

    /**
     * One look at the drop folder; the run it started, if it found new objects or yesterday's run of the drop ended
     * unfinished (its objects, claimed, wait for it whether or not new ones came). None while a run of yesterday is
     * under way: the new objects wait for the first poll after it ends, said once per run.
     */
    public Optional<JobExecution> poll() throws Exception {
        stager.markAgainDropped(drop);
        List<String> fresh = stager.unclaimed(drop);
        LocalDate yesterday =
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        Optional<JobExecution> unfinished = runs.lastExecution(yesterday).filter(BillingRuns::endedUnfinished);
        String why;
        if (fresh.isEmpty()) {
            if (unfinished.isEmpty() || runs.restartedBefore(unfinished.get()) || !readsTheDrop(unfinished.get())) {
                return Optional.empty();
            }
            why = "execution " + unfinished.get().getId() + " of window " + yesterday + ", a run of " + drop.spec()
                    + ", is " + unfinished.get().getStatus();
        } else if (unfinished.isPresent() && runs.restartedBefore(unfinished.get())) {
            waitForRestart(unfinished.get(), fresh.size());
            return Optional.empty();
        } else {
            why = fresh.size() + " new object(s) in " + drop.spec();
        }
        try {
            JobExecution started = runs.run(new BillingJobParameters(
                    yesterday,
                    0,
                    List.of(drop.spec()),
                    defaults.customersFile(),
                    defaults.plansFile(),
                    defaults.pricesFile()));
            // said once the run is under way: a poll while a run of the window is going starts none
            log.info("{}: started execution {} of window {}", why, started.getId(), yesterday);
            busyWith = null;
            refusedFor = null;
            findings.resolve(notStartedKey(), started.getJobInstance().getInstanceId());
            return Optional.of(started);
        } catch (ReferenceFiles.Invalid invalid) {
            refused(yesterday, why, invalid);
            return Optional.empty();
        } catch (BillingRuns.WindowBusy busy) {
            if (!busy.getMessage().equals(busyWith)) {
                log.warn(
                        "S3 drop folder {}: {} (the first poll after it ends reads the drop)",
                        drop.spec(),
                        busy.getMessage());
                busyWith = busy.getMessage();
            }
            return Optional.empty();
        }
    }

    /**
     * Records that the run of the window could not start for a fault in its customers, plans or prices file: one
     * {@value #NOT_STARTED} error finding of the drop folder, which the run that starts once the file is mended
     * resolves (a fault that lasts into the next window's polls says that window), said once per fault and window:
     * every poll tries again.
     */
    private void refused(LocalDate window, String why, ReferenceFiles.Invalid invalid) {
        String message = why + " wait: the run of window " + window + " cannot start: " + invalid.getMessage()
                + "; mend the file and the next poll starts it";
        if (message.equals(refusedFor)) {
            return;
        }
        log.error("S3 drop folder {}: {}", drop.spec(), message);
        findings.record(new Finding(notStartedKey(), NOT_STARTED, Finding.Severity.ERROR, message), NO_RUN);
        refusedFor = message;
    }

    private String notStartedKey() {
        return "drop-not-started:" + drop.spec();
    }

    /** Whether the run reads the drop folder: its claimed objects are there, moved only once it ends. */
    private boolean readsTheDrop(JobExecution execution) {
        return BillingJobParameters.of(execution.getJobParameters()).inputs().contains(drop.spec());
    }

    /**
     * Leaves to a person a run of the window that failed or stopped again after a restart (the watcher's, a
     * person's, any replica's): starting the window again would restart it with the files it started with, not the
     * drop's new objects, and a run that fails for good would be restarted at every poll. A run that failed once is
     * restarted once, as any start of its window does. Said once per run; the drop is read by the first poll after
     * the run is restarted and ends.
     */
    private void waitForRestart(JobExecution unfinished, int objects) {
        if (unfinished.getId() != warnedOf) {
            log.warn(
                    "{} new object(s) in {} wait: execution {} of window {} is {}; restart it ('tokentally restart {}'"
                            + " or POST /api/executions/{}/restart) and the next poll reads them",
                    objects,
                    drop.spec(),
                    unfinished.getId(),
                    unfinished.getJobParameters().getString(BillingJobParameters.DATE),
                    unfinished.getStatus(),
                    unfinished.getId(),
                    unfinished.getId());
            warnedOf = unfinished.getId();
        }
    }

    @Scheduled(
            fixedDelayString = "${tokentally.s3.poll-interval:60s}",
            initialDelayString = "${tokentally.s3.poll-interval:60s}")
    void pollOnSchedule() {
        try {
            poll();
        } catch (Exception e) {
            log.warn("S3 drop folder {}: {} (retried at the next poll)", drop.spec(), e.getMessage());
        }
    }
}
