package io.tokentally.job;

import io.tokentally.rating.RatingPreview;
import io.tokentally.rating.RatingStepConfiguration;
import io.tokentally.shared.SqlTime;
import io.tokentally.stripe.BuildCreditGrantsStepConfiguration;
import io.tokentally.stripe.BuildOutboxStepConfiguration;
import io.tokentally.stripe.ClosePeriodsStepConfiguration;
import io.tokentally.stripe.UploadStepConfiguration;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The rerate job: rates whole UTC days of history again at today's catalog, then queues and uploads
 * the differences to Stripe like any correction, with the credit grants that grow with the usage they cover (a
 * token allowance's, say). Started only by {@code prices rerate}, which shows the difference first; the request
 * (who, why, the previewed total) is recorded. It settles no held usage: the
 * preview does not show it and its days may lie outside the rerate's, so the next nightly run bills it.
 */
@Configuration(proxyBeanMethods = false)
public class RerateJobConfiguration {

    public static final String RERATE_JOB = RatingStepConfiguration.RERATE_JOB;
    public static final String RECORD_RERATE_STEP = "recordRerateStep";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String BY = "by";
    public static final String REASON = "reason";
    public static final String REQUESTED_AT = "requestedAt";

    @Bean
    Job rerateJob(
            JobRepository jobRepository,
            @Qualifier(RECORD_RERATE_STEP) Step recordRerateStep,
            @Qualifier(ClosePeriodsStepConfiguration.RECORD_CLOSING_POSITIONS_STEP) Step recordClosingPositionsStep,
            @Qualifier(RatingStepConfiguration.RATE_STEP) Step rateStep,
            @Qualifier(BuildOutboxStepConfiguration.BUILD_OUTBOX_STEP) Step buildOutboxStep,
            @Qualifier(BuildCreditGrantsStepConfiguration.BUILD_CREDIT_GRANTS_STEP) Step buildCreditGrantsStep,
            @Qualifier(UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP) Step uploadMeterEventsStep,
            RunProgressListener runProgressListener,
            RunOwnerListener runOwnerListener) {
        return new JobBuilder(RERATE_JOB, jobRepository)
                .listener(runProgressListener)
                // its owner, so that a nightly run can tell a rerate killed with its process from one still running
                .listener(runOwnerListener)
                .start(recordRerateStep)
                .next(recordClosingPositionsStep)
                .next(rateStep)
                .next(buildOutboxStep)
                .next(buildCreditGrantsStep)
                .next(uploadMeterEventsStep)
                .build();
    }

    @Bean(RECORD_RERATE_STEP)
    Step recordRerateStep(
            JobRepository jobRepository, PlatformTransactionManager transactionManager, Tasklet recordRerateTasklet) {
        return new StepBuilder(RECORD_RERATE_STEP, jobRepository)
                .tasklet(recordRerateTasklet, transactionManager)
                .build();
    }

    /** Records the request and marks every hour of the days as the run's hours, which the rate step rates. */
    @Bean
    @StepScope
    Tasklet recordRerateTasklet(
            JdbcTemplate jdbc,
            RatingPreview preview,
            Clock clock,
            @Value("#{jobParameters['" + FROM + "']}") String from,
            @Value("#{jobParameters['" + TO + "']}") String to,
            @Value("#{jobParameters['" + BY + "']}") String by,
            @Value("#{jobParameters['" + REASON + "']}") String reason,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return (contribution, chunkContext) -> {
            Instant start = LocalDate.parse(from).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant end =
                    LocalDate.parse(to).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            BigDecimal delta = preview.between(start, end).stream()
                    .map(RatingPreview.Line::billedDelta)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            jdbc.update("DELETE FROM rerate_request WHERE ingest_run = ?", run);
            jdbc.update(
                    "INSERT INTO rerate_request (ingest_run, from_date, to_date, requested_by, reason, requested_at,"
                            + " billed_delta_usd) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    run,
                    LocalDate.parse(from),
                    LocalDate.parse(to),
                    by,
                    reason,
                    SqlTime.utc(clock.instant()),
                    delta);
            List<Object[]> hours = new ArrayList<>();
            for (Instant hour = start; hour.isBefore(end); hour = hour.plus(1, ChronoUnit.HOURS)) {
                hours.add(new Object[] {run, SqlTime.utc(hour)});
            }
            jdbc.update("DELETE FROM run_hour WHERE ingest_run = ?", run);
            jdbc.batchUpdate("INSERT INTO run_hour (ingest_run, hour_start) VALUES (?, ?)", hours);
            contribution.incrementWriteCount(hours.size());
            return RepeatStatus.FINISHED;
        };
    }
}
