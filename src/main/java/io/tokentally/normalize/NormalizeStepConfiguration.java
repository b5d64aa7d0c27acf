package io.tokentally.normalize;

import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.IngestFilePartitioner;
import io.tokentally.ingest.IngestProgress;
import io.tokentally.ingest.IngestProperties;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFormats;
import io.tokentally.shared.SqlDialect;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The ingest step: one partition per registered file, each read by its format reader, checked,
 * normalized, deduplicated and committed as usage totals, request keys and rejects in one
 * transaction. Partitions run on a local task executor, started in registration order; a remote
 * partition handler can replace it without touching the worker step if it sends them in that order
 * too (see {@link IngestTurns}).
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
    IngestCommitLock ingestCommitLock(JdbcTemplate jdbc, DataSource dataSource) {
        return new IngestCommitLock(jdbc, SqlDialect.of(dataSource));
    }

    @Bean
    ExecutionStatuses executionStatuses(JdbcTemplate jdbc) {
        return new ExecutionStatuses(jdbc);
    }

    @Bean
    IngestTurns ingestTurns(FileRegistry registry, ExecutionStatuses statuses) {
        return new IngestTurns(registry, statuses);
    }

    @Bean
    UsageStore usageStore(JdbcTemplate jdbc, DataSource dataSource) {
        return new UsageStore(jdbc, SqlDialect.of(dataSource));
    }

    @Bean
    CommittedKeys.Pool committedKeys(UsageStore store) {
        return new CommittedKeys.Pool(store::loadKeys);
    }

    @Bean
    SnapshotStore snapshotStore(JdbcTemplate jdbc) {
        return new SnapshotStore(jdbc);
    }

    @Bean
    ProviderCostStore providerCostStore(JdbcTemplate jdbc) {
        return new ProviderCostStore(jdbc);
    }

    @Bean
    Step ingestStep(
            JobRepository jobRepository,
            Step ingestFileStep,
            IngestFilePartitioner ingestFilePartitioner,
            IngestProperties properties,
            IngestProgress progress,
            FileRegistry registry,
            CommittedKeys.Pool committedKeys,
            ObjectProvider<PartitionQueue> remotePartitions,
            Clock clock) {
        PartitionHandler handler = properties.partitioning() == IngestProperties.Partitioning.REMOTE
                ? RemoteFileOrderPartitionHandler.of(
                        remotePartitions.getObject(),
                        jobRepository,
                        clock,
                        INGEST_FILE_STEP,
                        properties.threads(),
                        properties.partitionTimeout())
                : localPartitions(ingestFileStep, properties.threads());
        return new StepBuilder(INGEST_STEP, jobRepository)
                .partitioner(INGEST_FILE_STEP, ingestFilePartitioner)
                .splitter(new FileContextSplitter(jobRepository, INGEST_FILE_STEP, ingestFilePartitioner))
                .step(ingestFileStep)
                .partitionHandler(handler)
                .listener(new StepExecutionListener() {
                    @Override
                    public void beforeStep(StepExecution stepExecution) {
                        long run =
                                stepExecution.getJobExecution().getJobInstance().getInstanceId();
                        progress.start(registry.pendingFiles(run).size());
                    }

                    @Override
                    public ExitStatus afterStep(StepExecution stepExecution) {
                        committedKeys.release(stepExecution.getJobExecutionId());
                        return null;
                    }
                })
                .build();
    }

    private static PartitionHandler localPartitions(Step ingestFileStep, int threads) {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("ingest-");
        executor.setConcurrencyLimit(threads);
        FileOrderPartitionHandler handler = new FileOrderPartitionHandler();
        handler.setStep(ingestFileStep);
        handler.setTaskExecutor(executor);
        handler.setGridSize(threads);
        return handler;
    }

    /**
     * The queue of remote partitions, with {@code tokentally.ingest.partitioning=remote} (a worker's too): checked at
     * start-up, naming the setting, for a broker URI and for PostgreSQL (an embedded H2 file is one process's).
     */
    @Bean
    @ConditionalOnExpression("'${tokentally.ingest.partitioning:local}'.equalsIgnoreCase('remote')")
    PartitionQueue partitionQueue(IngestProperties properties, DataSource dataSource) {
        URI broker = brokerUri(properties.brokerUri());
        PartitionQueue queue;
        try {
            queue = new PartitionQueue(broker, properties.queue());
        } catch (IllegalArgumentException e) {
            // the client's reason may quote the user info, password included: said without it
            throw new IllegalArgumentException("tokentally.ingest.broker-uri cannot be used: its user, password, host,"
                    + " port or virtual host is not one the AMQP client reads (escape reserved characters such as"
                    + " ':' and '@' in the password as %3A and %40)");
        }
        if (SqlDialect.of(dataSource) != SqlDialect.POSTGRESQL) {
            queue.destroy();
            throw new IllegalArgumentException("tokentally.ingest.partitioning=remote needs PostgreSQL"
                    + " (spring.datasource.url): the run and its workers share the job repository and the usage,"
                    + " and the embedded H2 database is one process's");
        }
        return queue;
    }

    /**
     * The broker's URI, checked. No message quotes the setting's value, nor carries a cause that would: it holds the
     * password.
     */
    private static URI brokerUri(String written) {
        if (written.isBlank()) {
            throw new IllegalArgumentException("tokentally.ingest.broker-uri is not set: remote partitions need the"
                    + " RabbitMQ broker's AMQP URI, such as amqp://user:password@host:5672");
        }
        URI broker;
        try {
            broker = new URI(written);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("tokentally.ingest.broker-uri is no URI (" + e.getReason() + ")");
        }
        if (!"amqp".equals(broker.getScheme()) && !"amqps".equals(broker.getScheme()) || broker.getHost() == null) {
            throw new IllegalArgumentException("tokentally.ingest.broker-uri is no AMQP URI: it starts with amqp://"
                    + " or amqps:// and names a host, such as amqp://user:password@host:5672");
        }
        return broker;
    }

    /** The {@code worker} command's partition reader. */
    @Bean
    @Profile("worker")
    PartitionWorker partitionWorker(
            PartitionQueue queue,
            JobRepository jobRepository,
            Step ingestFileStep,
            CommittedKeys.Pool committedKeys,
            IngestProgress progress,
            IngestTurns turns,
            IngestProperties properties) {
        StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
        handler.setJobRepository(jobRepository);
        handler.setStepLocator(name -> {
            if (!INGEST_FILE_STEP.equals(name)) {
                throw new IllegalArgumentException("a worker runs " + INGEST_FILE_STEP + " only, not " + name);
            }
            return ingestFileStep;
        });
        return new PartitionWorker(queue, handler, jobRepository, committedKeys, progress, turns, properties.threads());
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
            IngestFileTasklet ingestFileTasklet,
            IngestTurns turns) {
        return new StepBuilder(INGEST_FILE_STEP, jobRepository)
                .tasklet(ingestFileTasklet, transactionManager)
                .listener(new StepExecutionListener() {
                    @Override
                    public ExitStatus afterStep(StepExecution stepExecution) {
                        turns.partitionEnded();
                        return null;
                    }
                })
                .build();
    }

    @Bean
    @StepScope
    IngestFileTasklet ingestFileTasklet(
            FileRegistry registry,
            UsageFormats formats,
            ModelCatalogSource catalogs,
            KnownCustomers customers,
            UsageStore store,
            SnapshotStore snapshotStore,
            ProviderCostStore costStore,
            RejectRepository rejects,
            DuplicateConflictRepository conflicts,
            IngestCommitLock lock,
            IngestTurns turns,
            IngestProgress progress,
            IngestProperties properties,
            CommittedKeys.Pool committedKeys,
            ExecutionStatuses statuses,
            @Value(FILE_ID) long fileId,
            @Value(RUN) long run) {
        FileIngestions.Stores stores = new FileIngestions.Stores(store, snapshotStore, costStore, rejects, conflicts);
        return new IngestFileTasklet(
                registry,
                fileId,
                run,
                new FileIngestions(formats, catalogs, customers, stores, properties, registry),
                committedKeys,
                lock,
                turns,
                progress,
                statuses);
    }
}
