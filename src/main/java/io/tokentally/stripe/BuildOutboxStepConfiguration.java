package io.tokentally.stripe;

import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.PriceCatalogs;
import io.tokentally.rating.RatedHours;
import io.tokentally.shared.BackgroundCommits;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The build-outbox step: for every customer whose rated usage this run touched, recomputes what each
 * amount meter (and, in the tokens layout, token meter) must show per hour of the customer's billing
 * period and queues the differences as new outbox revisions. Customers who share a billing cycle share
 * periods, so the work is per cycle and period. A period closed for Stripe gets no meter events: its
 * changes become invoice items ({@link ClosedPeriods}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StripeProperties.class)
public class BuildOutboxStepConfiguration {

    public static final String BUILD_OUTBOX_STEP = "buildOutboxStep";
    private static final Logger log = LoggerFactory.getLogger(BuildOutboxStepConfiguration.class);
    /**
     * The customers with attributed usage in the run's hours: its window, and its other hours ({@code
     * run_hour}). Asked per customer through the customer index, so the night's cost does not grow with
     * history, as a scan of all rated aggregates for "in the window or in the run's hours" did. Attributed
     * usage always has a customer row: customers are never deleted.
     */
    private static final String INSERT_RUN_CUSTOMERS = "INSERT INTO run_customer (ingest_run, customer_id)"
            + " SELECT ?, c.customer_id FROM customer c"
            + " WHERE EXISTS (SELECT 1 FROM rated_aggregate a WHERE a.customer_id = c.customer_id"
            + " AND a.attributed = TRUE AND a.hour_start >= ? AND a.hour_start < ?)"
            + " OR EXISTS (SELECT 1 FROM run_hour r JOIN rated_aggregate a ON a.customer_id = c.customer_id"
            + " AND a.hour_start = r.hour_start WHERE r.ingest_run = ? AND (r.hour_start < ? OR r.hour_start >= ?)"
            + " AND a.attributed = TRUE)";

    @Bean
    AmountMeterLayout amountMeterLayout(StripeProperties properties) {
        return new AmountMeterLayout(properties.eventNamePrefix());
    }

    /**
     * The tokens layout's planning for one run: the catalog, the plans and, unless it is a dry run,
     * Stripe's active meters, read once.
     */
    private static TokenLayoutOutbox tokenLayoutOutbox(
            OutboxPlanner planner,
            JdbcTemplate jdbc,
            OutboxRepository outbox,
            AmountMeterLayout layout,
            StripeProperties properties,
            PriceCatalogs catalogs,
            PlanRepository plans) {
        TokenRouting routing = new TokenRouting(
                new TokenMeterLayout(properties.eventNamePrefix(), properties.tokenTiers()),
                Set.copyOf(properties.tokenModels()),
                activeMeters(properties),
                catalogs.versions(),
                catalogs.heldVersions(),
                plans.findAll());
        return new TokenLayoutOutbox(jdbc, outbox, routing, new TokenOutboxPlanner(planner, layout));
    }

    /**
     * Stripe's active meters, or null in a dry run (the listed models' meters are assumed). When Stripe
     * cannot be asked, none: this run bills everything on the amount meters, which is exact, and a later
     * run moves the usage to the token meters with corrections.
     */
    private static Set<String> activeMeters(StripeProperties properties) {
        if (properties.dryRun()) {
            return null;
        }
        try {
            return new StripeSender(properties).meterIds().keySet();
        } catch (com.stripe.exception.StripeException e) {
            log.warn(
                    "Stripe's meters could not be listed ({}); this run sends everything on the amount meters",
                    e.getMessage());
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing Stripe's meters", e);
        }
    }

    @Bean
    Step buildOutboxStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            Tasklet buildOutboxTasklet,
            BackgroundCommits backgroundCommits) {
        return new StepBuilder(BUILD_OUTBOX_STEP, jobRepository)
                .tasklet(buildOutboxTasklet, transactionManager)
                .listener(backgroundCommits)
                .build();
    }

    @Bean
    @StepScope
    Tasklet buildOutboxTasklet(
            JdbcTemplate jdbc,
            OutboxRepository outbox,
            CustomerRepository customers,
            ClosedPeriods closedPeriods,
            AmountMeterLayout layout,
            StripeProperties properties,
            PriceCatalogs catalogs,
            PlanRepository plans,
            Clock clock,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run,
            @Value("#{jobParameters['date']}") String date) {
        return (contribution, chunkContext) -> {
            UsageWindow window = UsageWindow.ofUtcDate(LocalDate.parse(date));
            Object from = SqlTime.utc(window.from());
            Object to = SqlTime.utc(window.to());
            Instant now = Instant.now(clock);
            OutboxPlanner planner = new OutboxPlanner(now, Duration.ofDays(properties.lateAfterDays()));
            ClosedPeriodPlanner closing = closedPeriods.planner(now);
            Map<String, String> stripeIds = new HashMap<>();
            jdbc.query("SELECT customer_id, stripe_customer_id FROM customer", rs -> {
                stripeIds.put(rs.getString(1), rs.getString(2));
            });
            jdbc.update("DELETE FROM run_customer WHERE ingest_run = ?", run);
            jdbc.update(INSERT_RUN_CUSTOMERS, run, from, to, run, from, to);
            Map<String, BillingCycle> cycles = new HashMap<>();
            customers.findAll().forEach((id, customer) -> cycles.put(id, customer.cycle()));
            TokenLayoutOutbox tokens = properties.tokensLayout()
                    ? tokenLayoutOutbox(planner, jdbc, outbox, layout, properties, catalogs, plans)
                    : null;
            int queued = 0;
            for (Map.Entry<BillingCycle, TreeSet<BillingPeriod>> cycle :
                    periodsTouched(jdbc, run, window, cycles).entrySet()) {
                for (BillingPeriod period : cycle.getValue()) {
                    if (closing.isClosed(period)) {
                        continue; // Stripe invoiced it: changes go out as invoice items, below
                    }
                    Predicate<String> onCycle = customerId ->
                            cycle.getKey().equals(cycles.getOrDefault(customerId, BillingCycle.CALENDAR_MONTH_UTC));
                    List<OutboxRow> rows = tokens != null
                            ? tokens.plan(stripeIds, period, onCycle, run)
                            : plan(jdbc, outbox, layout, planner, stripeIds, period, onCycle, run);
                    queued += outbox.insertAll(rows, run);
                }
            }
            int late = outbox.insertAll(closedPeriods.lateInvoiceItems(run, window, now), run);
            log.info(
                    "Outbox: {} new meter event or invoice item revisions, {} closed-period invoice items queued",
                    queued,
                    late);
            queued += late;
            contribution.incrementWriteCount(queued);
            return RepeatStatus.FINISHED;
        };
    }

    /**
     * Per billing cycle of the run's customers, the periods of the run's hours (its window and {@code
     * run_hour}) that have attributed usage; each hour is asked through the primary key, which starts with it.
     */
    private static Map<BillingCycle, TreeSet<BillingPeriod>> periodsTouched(
            JdbcTemplate jdbc, long run, UsageWindow window, Map<String, BillingCycle> cycles) {
        TreeSet<Instant> hours = new TreeSet<>();
        for (Instant hour : RatedHours.of(jdbc, run, window)) {
            if (RatedHours.holdsAggregates(jdbc, hour, true)) {
                hours.add(hour);
            }
        }
        Set<BillingCycle> distinct = new HashSet<>(cycles.values());
        distinct.add(BillingCycle.CALENDAR_MONTH_UTC);
        Map<BillingCycle, TreeSet<BillingPeriod>> periods = new LinkedHashMap<>();
        for (BillingCycle cycle : distinct) {
            TreeSet<BillingPeriod> ofCycle = new TreeSet<>();
            hours.forEach(hour -> ofCycle.add(cycle.periodContaining(hour)));
            periods.put(cycle, ofCycle);
        }
        return periods;
    }

    /**
     * The outbox rows that bring each amount meter of the period's run customers to what they were billed
     * per hour. The billed amounts are summed per meter and hour here, row by row, not by a GROUP BY that
     * H2 builds as a temporary result the size of the period; the sums are the same exact decimals.
     */
    private static List<OutboxRow> plan(
            JdbcTemplate jdbc,
            OutboxRepository outbox,
            AmountMeterLayout layout,
            OutboxPlanner planner,
            Map<String, String> stripeIds,
            BillingPeriod period,
            Predicate<String> onCycle,
            long run) {
        Instant from = period.start();
        Instant to = period.end();
        Map<String, NavigableMap<Instant, BigDecimal>> billed = new TreeMap<>();
        Object[] args = {run, SqlTime.utc(from), SqlTime.utc(to)};
        jdbc.query(
                "SELECT a.customer_id, a.token_type, a.hour_start, a.billed_usd FROM rated_aggregate a"
                        + " JOIN run_customer c ON c.customer_id = a.customer_id AND c.ingest_run = ?"
                        + " WHERE a.attributed = TRUE AND a.hour_start >= ? AND a.hour_start < ?",
                rs -> {
                    if (!onCycle.test(rs.getString(1))) {
                        return;
                    }
                    String meter = layout.meterFor(TokenType.fromCode(rs.getString(2)));
                    billed.computeIfAbsent(OutboxRepository.key(rs.getString(1), meter), k -> new TreeMap<>())
                            .merge(SqlTime.read(rs, "hour_start"), rs.getBigDecimal(4), BigDecimal::add);
                },
                args);
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = outbox.queued(from, to, run);
        queued.keySet().removeIf(key -> !onCycle.test(key.substring(0, key.indexOf('\u0000'))));
        TreeSet<String> keys = new TreeSet<>(billed.keySet());
        keys.addAll(queued.keySet());
        List<OutboxRow> rows = new ArrayList<>();
        for (String key : keys) {
            String customerId = key.substring(0, key.indexOf('\u0000'));
            String meter = key.substring(key.indexOf('\u0000') + 1);
            rows.addAll(planner.plan(
                    customerId,
                    stripeIds.get(customerId),
                    meter,
                    billed.getOrDefault(key, new TreeMap<>()),
                    queued.getOrDefault(key, Map.of())));
        }
        return rows;
    }
}
