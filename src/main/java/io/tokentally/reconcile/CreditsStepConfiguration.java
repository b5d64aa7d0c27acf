package io.tokentally.reconcile;

import io.tokentally.ingest.InputFolders;
import io.tokentally.ingest.InputSource;
import io.tokentally.ingest.RegisterFilesStepConfiguration;
import io.tokentally.ingest.S3Objects;
import io.tokentally.ingest.S3Source;
import io.tokentally.ingest.S3Stager;
import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.plans.PurchasesFile;
import io.tokentally.rating.Balance;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.shared.RunFolders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Two steps: load the purchases feeds found in the input folders (files named {@code purchases*.csv},
 * {@code .json} or {@code .jsonl}); and settle every customer after rating: allocate usage to included
 * usage and credits, write a statement per customer and billing period the run touched (its hours, and the
 * periods from the earliest purchases feed row it loaded on), keep the balance, export all balances and record
 * threshold findings.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BalanceProperties.class)
public class CreditsStepConfiguration {

    static final String EXPORT_FAILED = "BALANCES_EXPORT_FAILED";

    private static final Logger log = LoggerFactory.getLogger(CreditsStepConfiguration.class);
    public static final String LOAD_PURCHASES_STEP = "loadPurchasesStep";
    public static final String SETTLE_CREDITS_STEP = "writeStatementsAndBalancesStep";
    private static final String RUN = "#{stepExecution.jobExecution.jobInstance.instanceId}";

    /** Customers whose ledgers are read and held at once while settling. */
    private static final int LEDGERS_AT_ONCE = 200;

    @Bean
    Step loadPurchasesStep(JobRepository jobRepository, PlatformTransactionManager tm, Tasklet loadPurchasesTasklet) {
        return new StepBuilder(LOAD_PURCHASES_STEP, jobRepository)
                .tasklet(loadPurchasesTasklet, tm)
                .build();
    }

    @Bean
    Step writeStatementsAndBalancesStep(
            JobRepository jobRepository, PlatformTransactionManager tm, Tasklet settleTasklet) {
        return new StepBuilder(SETTLE_CREDITS_STEP, jobRepository)
                .tasklet(settleTasklet, tm)
                .build();
    }

    @Bean
    @StepScope
    Tasklet loadPurchasesTasklet(
            CustomerRepository customers,
            PurchaseRepository purchases,
            FindingRepository findings,
            S3Stager stager,
            S3Objects objects,
            @Value("#{jobParameters['input']}") String input,
            @Value(RUN) long run) {
        return (contribution, chunkContext) -> {
            PurchaseFeeds feeds = new PurchaseFeeds(customers.customerIds(), purchases, findings, contribution, run);
            for (Path file : purchaseFeeds(input)) {
                feeds.load(PurchasesFile.read(file, file.toString()), file.toString());
            }
            for (S3Source source : s3Sources(input)) {
                for (String uri : stager.purchaseFeeds(source)) {
                    Path staged = Files.createTempFile("tokentally-purchases-", ".feed");
                    try {
                        try (InputStream in = objects.open(uri)) {
                            Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
                        }
                        feeds.load(PurchasesFile.read(staged, uri), uri);
                    } finally {
                        Files.deleteIfExists(staged);
                    }
                }
            }
            return RepeatStatus.FINISHED;
        };
    }

    static List<S3Source> s3Sources(String input) {
        return Arrays.stream(input.split(RegisterFilesStepConfiguration.INPUT_SEPARATOR))
                .filter(spec -> !spec.isBlank())
                .flatMap(spec -> S3Source.parse(spec).stream())
                .toList();
    }

    static List<Path> purchaseFeeds(String input) throws IOException {
        List<Path> feeds = new ArrayList<>();
        for (String spec : input.split(RegisterFilesStepConfiguration.INPUT_SEPARATOR)) {
            if (spec.isBlank() || spec.strip().startsWith("s3://") || spec.contains("=s3://")) {
                continue;
            }
            Path root = InputSource.parse(spec).root();
            if (Files.isDirectory(root)) {
                InputFolders.files(root, skipped -> {}).stream()
                        .filter(PurchasesFile::isFeed)
                        .forEach(feeds::add);
            }
        }
        return feeds;
    }

    @Bean
    @StepScope
    Tasklet settleTasklet(
            CustomerRepository customers,
            PlanRepository plans,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            LateInvoiceItems lateItems,
            BalanceRepository balances,
            FindingRepository findings,
            BalanceProperties properties,
            ThresholdWebhook webhook,
            S3Objects s3,
            Clock clock,
            @Value("${tokentally.runs-dir}") Path runsDir,
            @Value("#{jobParameters['date']}") String date,
            @Value("#{stepExecution.jobExecution.id}") long executionId,
            @Value(RUN) long run) {
        return (contribution, chunkContext) -> {
            Settlement settlement = Settlement.of(plans, purchases, ledgers, lateItems, clock, date, run);
            Path folder = RunFolders.of(runsDir, "nightly-billing", date, executionId);
            List<ThresholdWebhook.Crossing> crossings = new ArrayList<>();
            List<Balance> all = settleAll(settlement, customers, folder, properties, crossings, contribution);
            balances.saveAll(all, run);
            crossings.forEach(crossing -> findings.record(crossing.finding(), run));
            webhook.deliver(crossings, run);
            byte[] export = StatementFiles.writeBalances(folder, all);
            publish(
                    (uri, bytes) -> s3.put(uri, bytes, "application/json"),
                    properties.exportS3Uri(),
                    export,
                    findings,
                    run);
            return RepeatStatus.FINISHED;
        };
    }

    /**
     * Settles every customer, in customer id order, reading the ledgers of {@link #LEDGERS_AT_ONCE} at a time;
     * returns their balances and adds their threshold findings to {@code crossings}.
     */
    private static List<Balance> settleAll(
            Settlement settlement,
            CustomerRepository customers,
            Path folder,
            BalanceProperties properties,
            List<ThresholdWebhook.Crossing> crossings,
            StepContribution contribution)
            throws IOException {
        List<Balance> all = new ArrayList<>();
        List<Customer> sorted = List.copyOf(new TreeMap<>(customers.findAll()).values());
        for (int i = 0; i < sorted.size(); i += LEDGERS_AT_ONCE) {
            List<Customer> group = sorted.subList(i, Math.min(i + LEDGERS_AT_ONCE, sorted.size()));
            Map<String, CreditLedger> ledgersOfGroup = settlement.ledgers(group);
            for (Customer customer : group) {
                Balance balance = settlement.settle(
                        customer, ledgersOfGroup.get(customer.customerId()), folder, properties, crossings);
                all.add(balance);
                contribution.incrementWriteCount(1);
            }
        }
        return all;
    }

    /**
     * Writes the balances export to its S3 key too, when one is configured. A failure is logged and becomes a {@code
     * BALANCES_EXPORT_FAILED} error: balances stand in the database and the run folder, but a gateway that reads the
     * export allows and refuses by the stale one. The next export written resolves it, and one of another URI (a
     * corrected one).
     */
    static void publish(
            BiConsumer<String, byte[]> put, String uri, byte[] export, FindingRepository findings, long run) {
        if (uri == null) {
            return;
        }
        try {
            put.accept(uri, export);
        } catch (RuntimeException e) {
            log.warn("Cannot write the balances export to {}: {}", uri, e.getMessage());
            findings.record(
                    new Finding(
                            EXPORT_FAILED + ":" + uri,
                            EXPORT_FAILED,
                            Finding.Severity.ERROR,
                            "the balances export could not be written to " + uri + " (tokentally.balances"
                                    + ".export-s3-uri): " + e.getMessage() + "; a gateway reading it goes by the"
                                    + " last export written until a run writes it"),
                    run);
            return;
        }
        resolveExportFailures(findings, run);
    }

    /** Resolves every export failure, of this URI or of one configured before. */
    private static void resolveExportFailures(FindingRepository findings, long run) {
        findings.unresolvedOfKind(EXPORT_FAILED).forEach(failure -> findings.resolve(failure.key(), run));
    }
}
