package io.tokentally.stripe;

import io.tokentally.plans.CustomerRepository;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The upload step: a chunk step over the unsent outbox rows. The outbox's row states are the
 * checkpoint, so a restart simply reads the unsent rows again.
 */
@Configuration(proxyBeanMethods = false)
public class UploadStepConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UploadStepConfiguration.class);

    public static final String UPLOAD_METER_EVENTS_STEP = "uploadMeterEventsStep";
    public static final String DRY_RUN_FILE = "stripe-requests.jsonl";
    static final int CHUNK_SIZE = 200;
    static final String NOT_SENT = "UPLOAD_NOT_SENT";

    @Bean
    Step uploadMeterEventsStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            ListItemReader<OutboxRow> unsentOutboxItemReader,
            OutboxItemWriter outboxItemWriter,
            StepExecutionListener meterEventsAfterCloseListener,
            StepExecutionListener notSentListener) {
        return new StepBuilder(UPLOAD_METER_EVENTS_STEP, jobRepository)
                .<OutboxRow, OutboxRow>chunk(CHUNK_SIZE)
                .transactionManager(transactionManager)
                .reader(unsentOutboxItemReader)
                .writer(outboxItemWriter)
                .listener(meterEventsAfterCloseListener)
                .listener(notSentListener)
                .build();
    }

    /**
     * After a live upload, whether it completed or failed: an {@value #NOT_SENT} error, of this run, while rows it
     * tried are left pending (a refused connection, a wrong {@code api-base}, 429 or no answer to every call): a
     * later run sends them, but their usage is not billed (nor their grants made or ended) until one does, and a row
     * whose {@code UPLOAD_PENDING} an earlier run recorded is not recorded again. Rows another uploader tried
     * meanwhile are its own. Resolved by an upload after which no row any upload tried is pending.
     */
    @Bean
    StepExecutionListener notSentListener(
            OutboxRepository outbox,
            FindingRepository findings,
            StripeProperties properties,
            PlatformTransactionManager transactionManager) {
        TransactionTemplate transaction = new TransactionTemplate(transactionManager);
        return new StepExecutionListener() {
            @Override
            public ExitStatus afterStep(StepExecution stepExecution) {
                if (properties.dryRun()) {
                    return stepExecution.getExitStatus();
                }
                long run = stepExecution.getJobExecution().getJobInstance().getInstanceId();
                transaction.executeWithoutResult(status -> outbox.notSent(run)
                        .ifPresentOrElse(
                                notSent -> {
                                    log.warn("Upload: {} outbox row(s) not sent ({})", notSent.rows(), NOT_SENT);
                                    findings.record(notSentFinding(notSent, properties.apiBase(), run), run);
                                },
                                () -> resolveNotSent(outbox, findings, run)));
                return stepExecution.getExitStatus();
            }
        };
    }

    /**
     * Resolves the run's own {@value #NOT_SENT} (an earlier attempt of it may have left rows it sent now), and, once
     * no row any upload tried is pending, every other run's too.
     */
    private static void resolveNotSent(OutboxRepository outbox, FindingRepository findings, long run) {
        findings.resolve(NOT_SENT + ":" + run, run);
        if (!outbox.anyTriedPending()) {
            findings.unresolvedOfKind(NOT_SENT).forEach(finding -> findings.resolve(finding.key(), run));
        }
    }

    /** The run's {@value #NOT_SENT} error, one per run, so that two uploaders at once each keep their own. */
    static Finding notSentFinding(OutboxRepository.NotSent notSent, String apiBase, long run) {
        return new Finding(
                NOT_SENT + ":" + run,
                NOT_SENT,
                Finding.Severity.ERROR,
                notSent.rows() + " outbox row(s) are still pending after the upload (the last one's error: "
                        + notSent.lastError() + "; tokentally.stripe.api-base " + apiBase + "): their usage is not"
                        + " billed, nor their credit grants made or ended, until a run sends them (rows an"
                        + " UPLOAD_PENDING finding names may have reached Stripe already), which sends each once; run"
                        + " the date again once Stripe answers");
    }

    /**
     * After the upload, whether it completed or failed: the findings of the meter events the run sent after their
     * periods closed ({@link MeterEventsAfterClose}).
     */
    @Bean
    StepExecutionListener meterEventsAfterCloseListener(
            JdbcTemplate jdbc,
            FindingRepository findings,
            CustomerRepository customers,
            StripeProperties properties,
            PlatformTransactionManager transactionManager,
            Clock clock) {
        MeterEventsAfterClose afterClose = new MeterEventsAfterClose(jdbc, findings, properties.periodCloseGrace());
        TransactionTemplate transaction = new TransactionTemplate(transactionManager);
        return new StepExecutionListener() {
            @Override
            public ExitStatus afterStep(StepExecution stepExecution) {
                long run = stepExecution.getJobExecution().getJobInstance().getInstanceId();
                Integer found =
                        transaction.execute(status -> afterClose.record(run, customers.findAll(), Instant.now(clock)));
                if (found != null && found > 0) {
                    log.warn(
                            "Upload: {} customer period(s) got meter events after the period closed for Stripe"
                                    + " ({} findings)",
                            found,
                            MeterEventsAfterClose.KIND);
                }
                return stepExecution.getExitStatus();
            }
        };
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService uploadExecutor(StripeProperties properties) {
        return Executors.newFixedThreadPool(properties.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "stripe-upload");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    @StepScope
    ListItemReader<OutboxRow> unsentOutboxItemReader(OutboxRepository outbox) {
        return new ListItemReader<>(outbox.unsent());
    }

    @Bean
    @StepScope
    OutboxItemWriter outboxItemWriter(
            OutboxRepository outbox,
            OutboxGrants outboxGrants,
            FindingRepository findings,
            PlatformTransactionManager transactionManager,
            StripeProperties properties,
            Clock clock,
            @Value("${tokentally.runs-dir}") Path runsDir,
            @Value("#{jobParameters['date']}") String date,
            @Value("#{stepExecution.jobExecution.id}") long executionId,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            ExecutorService uploadExecutor)
            throws IOException {
        TransactionTemplate ownTransaction = new TransactionTemplate(transactionManager);
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        Path dryRunFile =
                RunFolders.of(runsDir, "nightly-billing", date, executionId).resolve(DRY_RUN_FILE);
        if (properties.dryRun()) {
            Files.deleteIfExists(dryRunFile);
        }
        return new OutboxItemWriter(
                outbox,
                outboxGrants,
                findings,
                ownTransaction,
                properties.dryRun() ? null : new StripeSender(properties),
                dryRunFile,
                clock,
                Duration.ofHours(properties.resendWithinHours()),
                run,
                uploadExecutor);
    }
}
