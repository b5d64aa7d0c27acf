package io.tokentally.job;

import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.RejectsCsv;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.reconcile.ReconcileProperties;
import io.tokentally.reconcile.ReconciliationReport;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.UsageWindow;
import io.tokentally.stripe.OutboxRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes {@code report.json} and {@code rejects.csv} into the run folder when a run ends, however it ends. */
@Component
public class RunReportListener implements JobExecutionListener {

    public static final String JOB_NAME = "nightly-billing";
    static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final Logger log = LoggerFactory.getLogger(RunReportListener.class);

    /** Exit code of a run that completed but had outbox rows Stripe refused for good. */
    public static final String COMPLETED_WITH_REJECTED_UPLOADS = "COMPLETED_WITH_REJECTED_UPLOADS";

    /** Exit code of a run that completed with open findings at or above {@code tokentally.reconcile.fail-on}. */
    public static final String COMPLETED_WITH_FINDINGS = "COMPLETED_WITH_FINDINGS";

    /**
     * Exit code of a run whose billing completed but whose run report could not be written: a scheduler
     * must notice, since nobody can read the run's outcome.
     */
    public static final String COMPLETED_WITHOUT_REPORT = "COMPLETED_WITHOUT_REPORT";

    private final RunReportJson reportJson;
    private final RejectRepository rejects;
    private final TokentallyProperties properties;
    private final OutboxRepository outbox;
    private final FindingRepository findings;
    private final ReconciliationReport reconciliation;
    private final ReconcileProperties reconcile;
    private final JobRepository jobRepository;

    public RunReportListener(
            RunReportJson reportJson,
            RejectRepository rejects,
            TokentallyProperties properties,
            OutboxRepository outbox,
            FindingRepository findings,
            ReconciliationReport reconciliation,
            ReconcileProperties reconcile,
            JobRepository jobRepository) {
        this.reportJson = reportJson;
        this.rejects = rejects;
        this.properties = properties;
        this.outbox = outbox;
        this.findings = findings;
        this.reconciliation = reconciliation;
        this.reconcile = reconcile;
        this.jobRepository = jobRepository;
    }

    @Override
    public void afterJob(JobExecution execution) {
        String date = execution.getJobParameters().getString(BillingJobParameters.DATE);
        Path folder = folderOf(execution, date);
        try {
            writeRunFolder(execution, date, folder);
        } catch (IOException | RuntimeException e) {
            log.error("The run report could not be written into {}", folder.toAbsolutePath(), e);
            execution.setExitStatus(new ExitStatus(
                    COMPLETED_WITHOUT_REPORT,
                    "the run report could not be written into " + folder.toAbsolutePath() + ": " + e));
            return;
        }
        forgetStoredMarginLines(execution);
    }

    /**
     * Whether a completed execution's run folder has no {@code report.json}: its process ended while writing it
     * (Spring Batch saves a job's end before its listeners run), so its exit status says nothing of its findings or
     * Stripe's refusals either.
     */
    boolean reportLost(JobExecution execution) {
        String date = execution.getJobParameters().getString(BillingJobParameters.DATE);
        return execution.getStatus() == BatchStatus.COMPLETED
                && date != null
                && !Files.exists(folderOf(execution, date).resolve("report.json"));
    }

    private Path folderOf(JobExecution execution, String date) {
        return RunFolders.of(properties.runsDir(), JOB_NAME, date, execution.getId());
    }

    /**
     * Writes the run folder: earlier steps' outputs, {@code rejects.csv}, the reconciliation report and, last,
     * {@code report.json}; a completed run's exit status says first whether Stripe rejected uploads or findings
     * were left open.
     */
    private void writeRunFolder(JobExecution execution, String date, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<JobExecution> executions = jobRepository.getJobExecutions(execution.getJobInstance());
        copyEarlierStepOutputs(execution, executions);
        long run = execution.getJobInstance().getInstanceId();
        Map<String, Long> uploads = outbox.countsOfRun(run);
        flagCompletedRun(execution, run, uploads);
        RejectRepository.RunRejects rejected = writeRejects(folder, run);
        reconciliation.write(
                folder, run, JOB_NAME + " " + date, UsageWindow.ofUtcDate(LocalDate.parse(date)), rejected);
        Map<String, Object> report = reportJson.of(
                execution,
                run,
                UsageWindow.ofUtcDate(LocalDate.parse(date)),
                uploads,
                folder,
                executions,
                rejected.byReason());
        // report.json comes last, whole: its presence tells API clients the run's files are all written
        RunFolders.writeWhole(folder.resolve("report.json"), JSON.writeValueAsBytes(report));
        log.info("Run report written to {}", folder.toAbsolutePath());
    }

    /** A completed run's exit status: rejected uploads first, else the findings at or above the fail-on level. */
    private void flagCompletedRun(JobExecution execution, long run, Map<String, Long> uploads) {
        long rejectedUploads = RunReportJson.rejectedUploads(uploads);
        if (execution.getStatus() == BatchStatus.COMPLETED && rejectedUploads > 0) {
            execution.setExitStatus(new ExitStatus(
                    COMPLETED_WITH_REJECTED_UPLOADS, rejectedUploads + " outbox rows were rejected by Stripe"));
        } else if (execution.getStatus() == BatchStatus.COMPLETED) {
            flagFindings(execution, run);
        }
    }

    /** Writes the run's rejects into {@code rejects.csv}; returns them. */
    private RejectRepository.RunRejects writeRejects(Path folder, long run) throws IOException {
        RejectRepository.RunRejects rejected;
        try (RejectsCsv csv = RejectsCsv.create(folder.resolve("rejects.csv"))) {
            rejected = rejects.ofRun(run, csv::print);
        }
        return rejected;
    }

    /**
     * Drops the margin lines a completed run's report read; a failure only leaves them behind, so it is logged
     * and the run keeps its exit status. A run that did not complete keeps them for its restart's report.
     */
    private void forgetStoredMarginLines(JobExecution execution) {
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            return;
        }
        try {
            reconciliation.forgetStoredLines(execution.getJobInstance().getInstanceId());
        } catch (RuntimeException e) {
            log.warn("The margin lines of a completed run could not be dropped; they take space, nothing more", e);
        }
    }

    /** See {@link EarlierStepOutputs}; a copy that fails is logged, and the run report is still written. */
    private void copyEarlierStepOutputs(JobExecution execution, List<JobExecution> executions) {
        try {
            EarlierStepOutputs.copyInto(properties.runsDir(), JOB_NAME, execution, executions);
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "The files of the steps an earlier execution completed could not be copied into this run folder;"
                            + " they are in that execution's folder",
                    e);
        }
    }

    private void flagFindings(JobExecution execution, long run) {
        long failing = findings.openOfRun(run).stream()
                .filter(finding -> reconcile.fails(finding.severity()))
                .count();
        if (failing > 0) {
            execution.setExitStatus(new ExitStatus(
                    COMPLETED_WITH_FINDINGS,
                    failing + " open finding(s) at or above " + reconcile.failOn()
                            + " (tokentally.reconcile.fail-on)"));
        }
    }
}
