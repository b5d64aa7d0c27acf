package io.tokentally.normalize;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.IngestFilePartitioner;
import io.tokentally.ingest.IngestProgress;
import io.tokentally.ingest.IngestProperties;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFileItemReader;
import io.tokentally.ingest.UsageFormats;
import io.tokentally.shared.SqlDialect;
import javax.sql.DataSource;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The ingest step: one partition per registered file, each read by its format reader, checked,
 * normalized and written as usage lines and rejects. Partitions run on a local task executor; a
 * remote partition handler can replace it without touching the worker step.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
public class NormalizeStepConfiguration {

    public static final String INGEST_STEP = "ingestStep";
    public static final String INGEST_FILE_STEP = "ingestFileStep";
    private static final String RUN = "#{stepExecution.jobExecution.jobInstance.instanceId}";
    private static final String FILE_ID = "#{stepExecutionContext['fileId']}";

    @Bean
    IngestProgress ingestProgress(IngestProperties properties) {
        return new IngestProgress(properties.progressIntervalSeconds());
    }

    @Bean
    UsageWriteLock usageWriteLock(DataSource dataSource) {
        return new UsageWriteLock(SqlDialect.of(dataSource));
    }

    @Bean
    Step ingestStep(
            JobRepository jobRepository,
            Step ingestFileStep,
            IngestFilePartitioner ingestFilePartitioner,
            IngestProperties properties,
            IngestProgress progress,
            FileRegistry registry) {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("ingest-");
        executor.setConcurrencyLimit(properties.threads());
        return new StepBuilder(INGEST_STEP, jobRepository)
                .partitioner(INGEST_FILE_STEP, ingestFilePartitioner)
                .step(ingestFileStep)
                .taskExecutor(executor)
                .gridSize(properties.threads())
                .listener(new StepExecutionListener() {
                    @Override
                    public void beforeStep(StepExecution stepExecution) {
                        long run =
                                stepExecution.getJobExecution().getJobInstance().getInstanceId();
                        progress.start(registry.pendingFiles(run).size());
                    }
                })
                .build();
    }

    @Bean
    @StepScope
    IngestFilePartitioner ingestFilePartitioner(FileRegistry registry, @Value(RUN) long run) {
        return new IngestFilePartitioner(registry, run);
    }

    @Bean
    Step ingestFileStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            IngestProperties properties,
            UsageFileItemReader usageFileItemReader,
            NormalizeItemProcessor normalizeItemProcessor,
            UsageLineItemWriter usageLineItemWriter,
            IngestProgress progress,
            FileRegistry registry) {
        return new StepBuilder(INGEST_FILE_STEP, jobRepository)
                .<RawRecord, UsageNormalizer.Result>chunk(properties.chunkSize())
                .transactionManager(transactionManager)
                .reader(usageFileItemReader)
                .processor(normalizeItemProcessor)
                .writer(usageLineItemWriter)
                .listener(new ChunkListener<RawRecord, UsageNormalizer.Result>() {
                    @Override
                    public void afterChunk(Chunk<UsageNormalizer.Result> chunk) {
                        progress.rowsDone(chunk.size());
                    }
                })
                .listener(new StepExecutionListener() {
                    @Override
                    public ExitStatus afterStep(StepExecution stepExecution) {
                        if (ExitStatus.COMPLETED
                                .getExitCode()
                                .equals(stepExecution.getExitStatus().getExitCode())) {
                            registry.markIngested(
                                    stepExecution.getExecutionContext().getLong(IngestFilePartitioner.FILE_ID));
                            progress.fileDone();
                        }
                        return stepExecution.getExitStatus();
                    }
                })
                .build();
    }

    @Bean
    @StepScope
    UsageFileItemReader usageFileItemReader(FileRegistry registry, UsageFormats formats, @Value(FILE_ID) long fileId) {
        RegisteredFile file = registry.find(fileId)
                .orElseThrow(() -> new IllegalStateException("file " + fileId + " is not in the file registry"));
        return new UsageFileItemReader(file, formats.named(file.format()));
    }

    @Bean
    @StepScope
    NormalizeItemProcessor normalizeItemProcessor(
            FileRegistry registry, ModelCatalogSource catalogs, KnownCustomers customers, @Value(FILE_ID) long fileId) {
        RegisteredFile file = registry.find(fileId).orElseThrow();
        UsageNormalizer normalizer = new UsageNormalizer(file.source(), catalogs.current(), customers.customerIds());
        return new NormalizeItemProcessor(fileId, normalizer);
    }

    @Bean
    @StepScope
    UsageLineItemWriter usageLineItemWriter(
            JdbcTemplate jdbc,
            DataSource dataSource,
            FileRegistry registry,
            RejectRepository rejects,
            UsageWriteLock lock,
            @Value(FILE_ID) long fileId,
            @Value(RUN) long run) {
        return new UsageLineItemWriter(jdbc, SqlDialect.of(dataSource), registry, rejects, lock, fileId, run);
    }
}
