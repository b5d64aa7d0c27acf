package io.tokentally.job;

import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.reconcile.CreditsStepConfiguration;
import io.tokentally.reconcile.StatementFiles;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.UploadStepConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * Completes the run folder of a resumed execution. A restart skips the steps an earlier execution of the
 * run completed, so the files those steps write into the run folder (statements and {@code balances.json},
 * the dry run's Stripe requests, the pages pulled from provider APIs) would be only in the earlier
 * execution's folder. They are copied from the latest execution that completed the step, unless this
 * execution already has them.
 */
final class EarlierStepOutputs {

    /** What each step writes into the run folder, by step name. */
    static final Map<String, List<String>> OUTPUTS = Map.of(
            RegisterFilesStepConfiguration.REGISTER_FILES_STEP, List.of(RegisterFilesStepConfiguration.PULLED_FOLDER),
            CreditsStepConfiguration.SETTLE_CREDITS_STEP,
                    List.of(StatementFiles.STATEMENTS_FOLDER, StatementFiles.BALANCES_FILE),
            UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, List.of(UploadStepConfiguration.DRY_RUN_FILE));

    private EarlierStepOutputs() {}

    /**
     * Copies into {@code current}'s folder the outputs of the steps it skipped.
     *
     * @param executions the executions of {@code current}'s run, in any order, with their step executions
     */
    static void copyInto(Path runsDir, String job, JobExecution current, List<JobExecution> executions)
            throws IOException {
        String date = current.getJobParameters().getString(BillingJobParameters.DATE);
        Path folder = RunFolders.of(runsDir, job, date, current.getId());
        for (Map.Entry<String, List<String>> step : OUTPUTS.entrySet()) {
            if (ran(current, step.getKey())) {
                continue;
            }
            Optional<JobExecution> completing = executions.stream()
                    .filter(execution -> execution.getId() < current.getId())
                    .filter(execution -> completed(execution, step.getKey()))
                    .max(Comparator.comparingLong(JobExecution::getId));
            if (completing.isEmpty()) {
                continue;
            }
            Path earlier = RunFolders.of(runsDir, job, date, completing.get().getId());
            for (String output : step.getValue()) {
                copyIfAbsent(earlier.resolve(output), folder.resolve(output));
            }
        }
    }

    private static boolean ran(JobExecution execution, String step) {
        return execution.getStepExecutions().stream()
                .anyMatch(s -> s.getStepName().equals(step));
    }

    static boolean completed(JobExecution execution, String step) {
        return execution.getStepExecutions().stream()
                .anyMatch(s -> s.getStepName().equals(step) && s.getStatus() == BatchStatus.COMPLETED);
    }

    /** Copies a file, or a folder with everything in it, when the source exists and the target does not. */
    private static void copyIfAbsent(Path source, Path target) throws IOException {
        if (!Files.exists(source) || Files.exists(target)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path to = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(path, to);
                }
            }
        }
    }
}
