package io.tokentally.job;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.FileScanner;
import io.tokentally.ingest.InputSource;
import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.ingest.S3Source;
import io.tokentally.ingest.S3Stager;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.reconcile.ResumedRunFindings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * A resumed run reads the files it registered when it started. Before it resumes, this names the files dropped
 * into its local input folders and the objects put under its S3 input prefixes since then ({@link
 * ResumedRunFindings}): a resumed run that said nothing of them looked as if it had billed them. Files a run started
 * since has seen are left out: that run registered them, which is what the finding waits for (a run resumed again
 * after a later run resolved its finding does not open it again for them). Only a warning: a folder or prefix it
 * cannot list is logged, and the run resumes.
 */
@Component
public class ResumedRunFilesListener implements JobExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(ResumedRunFilesListener.class);

    private final JobRepository jobRepository;
    private final FileScanner scanner;
    private final S3Stager stager;
    private final FindingRepository findings;
    private final FileRegistry files;

    ResumedRunFilesListener(
            JobRepository jobRepository,
            FileScanner scanner,
            S3Stager stager,
            FindingRepository findings,
            FileRegistry files) {
        this.jobRepository = jobRepository;
        this.scanner = scanner;
        this.stager = stager;
        this.findings = findings;
        this.files = files;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        StepExecution registered = jobRepository.getLastStepExecution(
                execution.getJobInstance(), RegisterFilesStepConfiguration.REGISTER_FILES_STEP);
        if (registered == null || registered.getStatus() != BatchStatus.COMPLETED) {
            return;
        }
        long run = execution.getJobInstance().getInstanceId();
        BillingJobParameters parameters = BillingJobParameters.of(execution.getJobParameters());
        List<String> added =
                new ArrayList<>(addedToFolders(run, RegisterFilesStepConfiguration.localFolders(parameters.inputs())));
        for (S3Source prefix : RegisterFilesStepConfiguration.s3Prefixes(parameters.inputs())) {
            added.addAll(addedUnder(run, prefix));
        }
        added.removeAll(files.pathsSeenByRunsAfter(run, added));
        if (!added.isEmpty()) {
            var finding = ResumedRunFindings.filesNotRead(run, parameters.date(), added);
            log.warn(finding.message());
            findings.record(finding, run);
        }
    }

    /** The files of the local {@code folders} that {@code run} did not register; none if they cannot be listed. */
    private List<String> addedToFolders(long run, List<InputSource> folders) {
        try {
            return scanner.notRegisteredBy(run, folders);
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not list the input folders {} for files added since run {} started", folders, run, e);
            return List.of();
        }
    }

    /**
     * The objects under the S3 {@code prefix} that {@code run} did not register; none if it cannot be listed (or
     * the S3 client cannot be built), as this is only a warning.
     */
    private List<String> addedUnder(long run, S3Source prefix) {
        try {
            return stager.notRegisteredBy(run, prefix);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Could not list the S3 input prefix {} for objects added since run {} started",
                    prefix.spec(),
                    run,
                    e);
            return List.of();
        }
    }
}
