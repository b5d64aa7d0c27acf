package io.tokentally.job;

import io.tokentally.ingest.FileScanner;
import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
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
 * into its local input folders since then, as a warning of the run: they are not lost, the next run of the date
 * reads them, but a resumed run that said nothing of them looked as if it had billed them.
 */
@Component
public class ResumedRunFilesListener implements JobExecutionListener {

    static final String KIND = "FILES_NOT_READ_BY_RESUMED_RUN";
    private static final Logger log = LoggerFactory.getLogger(ResumedRunFilesListener.class);
    private static final int NAMED = 10;

    private final JobRepository jobRepository;
    private final FileScanner scanner;
    private final FindingRepository findings;

    ResumedRunFilesListener(JobRepository jobRepository, FileScanner scanner, FindingRepository findings) {
        this.jobRepository = jobRepository;
        this.scanner = scanner;
        this.findings = findings;
    }

    @Override
    public void beforeJob(JobExecution execution) {
        StepExecution registered = jobRepository.getLastStepExecution(
                execution.getJobInstance(), RegisterFilesStepConfiguration.REGISTER_FILES_STEP);
        if (registered == null
                || registered.getStatus() != BatchStatus.COMPLETED
                || registered.getJobExecutionId() == execution.getId()) {
            return;
        }
        long run = execution.getJobInstance().getInstanceId();
        BillingJobParameters parameters = BillingJobParameters.of(execution.getJobParameters());
        List<Path> added;
        try {
            added = scanner.notRegisteredBy(
                    run,
                    RegisterFilesStepConfiguration.localFolders(
                            execution.getJobParameters().getString(BillingJobParameters.INPUT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (added.isEmpty()) {
            return;
        }
        Finding finding = finding(run, parameters, added);
        log.warn(finding.message());
        findings.record(finding, run);
    }

    static Finding finding(long run, BillingJobParameters parameters, List<Path> added) {
        String named = added.stream()
                .limit(NAMED)
                .map(path -> path.toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(", "));
        String more = added.size() > NAMED ? " and " + (added.size() - NAMED) + " more" : "";
        return new Finding(
                "files-not-read-by-resumed-run:" + run,
                KIND,
                Finding.Severity.WARNING,
                added.size() + " file(s) were added to the input folders after this run registered its files, and"
                        + " this resumed run does not read them: " + named + more + ". The next run of "
                        + parameters.date() + " with these input folders reads them",
                new Evidence().number("files", added.size()));
    }
}
