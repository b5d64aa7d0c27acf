package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.reconcile.CreditsStepConfiguration;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.UploadStepConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;

class EarlierStepOutputsTests {

    static final String DATE = "2026-11-20";
    static final JobInstance RUN = new JobInstance(7, "nightlyBillingJob");

    @TempDir
    Path runsDir;

    @Test
    void aResumedExecutionGetsTheFilesOfTheStepsItSkippedFromTheLatestExecutionThatCompletedThem() throws IOException {
        // given: execution 1 failed in the statements step, execution 2 completed it and failed in the upload
        JobExecution first = execution(1, step(CreditsStepConfiguration.SETTLE_CREDITS_STEP, BatchStatus.FAILED));
        write(1, "statements/alice-20261101T0000Z.json", "from the failed attempt");
        JobExecution second = execution(
                2,
                step(CreditsStepConfiguration.SETTLE_CREDITS_STEP, BatchStatus.COMPLETED),
                step(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, BatchStatus.FAILED));
        write(2, "statements/alice-20261101T0000Z.json", "alice");
        write(2, "statements/bob-20261101T0000Z.csv", "bob");
        write(2, "balances.json", "[]");
        write(2, "stripe-requests.jsonl", "the requests of execution 2");
        JobExecution third =
                execution(3, step(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, BatchStatus.COMPLETED));
        write(3, "stripe-requests.jsonl", "the requests of execution 3");

        // when
        EarlierStepOutputs.copyInto(runsDir, "nightly-billing", third, List.of(first, second, third));

        // then: the statements step's files come from execution 2; the upload ran again, so its own file stays
        Path folder = folder(3);
        assertThat(folder.resolve("statements/alice-20261101T0000Z.json")).hasContent("alice");
        assertThat(folder.resolve("statements/bob-20261101T0000Z.csv")).hasContent("bob");
        assertThat(folder.resolve("balances.json")).hasContent("[]");
        assertThat(folder.resolve("stripe-requests.jsonl")).hasContent("the requests of execution 3");
    }

    @Test
    void thePulledPagesAreCopiedWithTheirFoldersAndAFileThisExecutionHasIsKept() throws IOException {
        // given: execution 1 pulled provider pages and wrote statements, then failed; execution 2 wrote a statement
        JobExecution first = execution(
                1,
                step(RegisterFilesStepConfiguration.REGISTER_FILES_STEP, BatchStatus.COMPLETED),
                step(CreditsStepConfiguration.SETTLE_CREDITS_STEP, BatchStatus.COMPLETED),
                step(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, BatchStatus.FAILED));
        write(1, "provider-api/openai-usage/page-1.json", "{}");
        write(1, "balances.json", "[1]");
        JobExecution second =
                execution(2, step(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, BatchStatus.COMPLETED));
        write(2, "balances.json", "[2]");

        // when
        EarlierStepOutputs.copyInto(runsDir, "nightly-billing", second, List.of(first, second));

        // then
        assertThat(folder(2).resolve("provider-api/openai-usage/page-1.json")).hasContent("{}");
        assertThat(folder(2).resolve("balances.json")).hasContent("[2]");
    }

    /** A step execution of a given name and status. */
    private record Step(String name, BatchStatus status) {}

    private static Step step(String name, BatchStatus status) {
        return new Step(name, status);
    }

    private static JobExecution execution(long id, Step... steps) {
        JobExecution execution = new JobExecution(
                id,
                RUN,
                new JobParametersBuilder()
                        .addString(BillingJobParameters.DATE, DATE)
                        .toJobParameters());
        for (Step step : steps) {
            StepExecution added = new StepExecution(step.name(), execution);
            added.setStatus(step.status());
            execution.addStepExecution(added);
        }
        return execution;
    }

    private Path folder(long execution) {
        return RunFolders.of(runsDir, "nightly-billing", DATE, execution);
    }

    private void write(long execution, String file, String content) throws IOException {
        Path path = folder(execution).resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }
}
