package io.tokentally.job;

import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Keeps a run from writing over another database's run folder. Execution ids are the database's own, so two
 * databases that share a runs folder (one set with {@code tokentally.data-dir} alone, say) both have an
 * execution 1 of a date, and the second wrote its report over the first's. A new execution's folder never
 * exists before it starts (a restart is a new execution), so one that does is moved aside, with a warning.
 */
@Component
public class ForeignRunFolderListener implements JobExecutionListener {

    static final String KIND = "RUN_FOLDER_MOVED_ASIDE";
    private static final Logger log = LoggerFactory.getLogger(ForeignRunFolderListener.class);
    private static final DateTimeFormatter SUFFIX =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final TokentallyProperties properties;
    private final FindingRepository findings;
    private final Clock clock;

    ForeignRunFolderListener(TokentallyProperties properties, FindingRepository findings, Clock clock) {
        this.properties = properties;
        this.findings = findings;
        this.clock = clock;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        Path folder = RunFolders.of(
                properties.runsDir(),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
        if (!Files.exists(folder)) {
            return;
        }
        Path aside = folder.resolveSibling(folder.getFileName() + ".moved-" + SUFFIX.format(clock.instant()));
        try {
            Files.move(folder, aside);
        } catch (IOException e) {
            throw new UncheckedIOException("run folder " + folder + " exists already and could not be moved aside", e);
        }
        String message = "run folder " + folder.toAbsolutePath() + " already held the files of an execution "
                + execution.getId() + " of another database, or of one deleted since (the runs folder "
                + properties.runsDir()
                + " is shared by two databases: set tokentally.runs-dir, TOKENTALLY_RUNS_DIR, beside"
                + " tokentally.data-dir); they were moved to " + aside.getFileName();
        log.warn(message);
        findings.record(
                new Finding(
                        "run-folder-moved-aside:" + aside.toAbsolutePath(), KIND, Finding.Severity.WARNING, message),
                execution.getJobInstance().getInstanceId());
    }
}
