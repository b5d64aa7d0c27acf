package io.tokentally.plans;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.TestPostgres;
import io.tokentally.rating.Balance;
import io.tokentally.reconcile.BalanceRepository;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two runs that load the same new plan, customer or purchase, record the same new finding or save a customer's first
 * balance, at the same moment, on H2 and on PostgreSQL at 127.0.0.1:5432: the second waits for the first's row and
 * updates it (a purchase: keeps it), where both once found no row to update and the second's insert failed on the key
 * (hunt AO: a run's load of its customers failed that way).
 */
class ConcurrentFirstWritesIntegrationTests {

    private static final String SCHEMA = "concurrent_first_" + Long.toString(System.nanoTime(), 36);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path dir;

    private static final Map<String, DataSource> DATABASES = new HashMap<>();

    @BeforeAll
    static void migrate() {
        DATABASES.put("postgresql", TestPostgres.migrated(SCHEMA));
        // as the application opens it: a writer waits up to 30 s for another's row
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("tokentally") + ";LOCK_TIMEOUT=30000;DB_CLOSE_ON_EXIT=FALSE");
        h2.setUser("sa");
        TestH2.flyway(h2, "latest").migrate();
        DATABASES.put("h2", h2);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNewPlanLoadedByTwoRunsAtOnceIsStoredByBoth(String database) throws Exception {
        DataSource dataSource = DATABASES.get(database);
        Plan first = new Plan("payg-at-once", PlanType.USAGE, "USD", new BigDecimal("30"), List.of());
        Plan second = new Plan("payg-at-once", PlanType.USAGE, "USD", new BigDecimal("35"), List.of());

        writtenAtOnce(
                dataSource,
                db -> new PlanRepository(db, CLOCK).saveAll(List.of(first)),
                db -> new PlanRepository(db, CLOCK).saveAll(List.of(second)));

        assertThat(new PlanRepository(new JdbcTemplate(dataSource), CLOCK)
                        .findAll()
                        .get("payg-at-once")
                        .markupPercent())
                .isEqualByComparingTo("35");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNewCustomerLoadedByTwoRunsAtOnceIsStoredByBoth(String database) throws Exception {
        DataSource dataSource = DATABASES.get(database);
        new PlanRepository(new JdbcTemplate(dataSource), CLOCK)
                .saveAll(List.of(new Plan("team-at-once", PlanType.USAGE, "USD", BigDecimal.TEN, List.of())));

        writtenAtOnce(
                dataSource,
                db -> new CustomerRepository(db, CLOCK)
                        .saveAll(List.of(new Customer("at-once", "cus_AtOnce1", "team-at-once", "First"))),
                db -> new CustomerRepository(db, CLOCK)
                        .saveAll(List.of(new Customer("at-once", "cus_AtOnce1", "team-at-once", "Second"))));

        assertThat(new CustomerRepository(new JdbcTemplate(dataSource), CLOCK)
                        .findAll()
                        .get("at-once")
                        .name())
                .isEqualTo("Second");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void twoRunsSavingTheSameCustomersListedInOtherOrdersDoNotDeadlock(String database) throws Exception {
        // given: a run that has saved customer a in a transaction still open
        DataSource dataSource = DATABASES.get(database);
        new PlanRepository(new JdbcTemplate(dataSource), CLOCK)
                .saveAll(List.of(new Plan("team-ordered", PlanType.USAGE, "USD", BigDecimal.TEN, List.of())));
        Customer a = new Customer("ordered-a", "cus_OrderedA", "team-ordered", "A");
        Customer b = new Customer("ordered-b", "cus_OrderedB", "team-ordered", "B");
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection open = dataSource.getConnection()) {
            open.setAutoCommit(false);
            JdbcTemplate first = new JdbcTemplate(new SingleConnectionDataSource(open, true));
            new CustomerRepository(first, CLOCK).saveAll(List.of(a));

            // when: another run saves b and a in a transaction, as its file lists them, and the first then saves b
            Future<?> second = other.submit(() -> new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                    .executeWithoutResult(transaction ->
                            new CustomerRepository(new JdbcTemplate(dataSource), CLOCK).saveAll(List.of(b, a))));
            Thread.sleep(500);
            new CustomerRepository(first, CLOCK).saveAll(List.of(b));
            open.commit();

            // then: both saved them: the second took a first, so it held no row the first waited for
            second.get(60, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertThat(new CustomerRepository(new JdbcTemplate(dataSource), CLOCK).findAll())
                .containsKeys("ordered-a", "ordered-b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aNewFindingRecordedByTwoRunsAtOnceIsOneFindingSeenByBoth(String database) throws Exception {
        DataSource dataSource = DATABASES.get(database);
        writtenAtOnce(
                dataSource,
                db -> new FindingRepository(db, CLOCK).record(finding("first"), 1),
                db -> new FindingRepository(db, CLOCK).record(finding("second"), 2));

        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject(
                        "SELECT first_run || ' ' || last_run || ' ' || message FROM finding WHERE finding_key = ?",
                        String.class,
                        "at-once"))
                .isEqualTo("1 2 second");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aCustomersFirstBalanceSavedByTwoRunsAtOnceIsStoredByBoth(String database) throws Exception {
        // hunt EG: two schedules fired at the same minute on a fresh database, and one run failed on the key
        DataSource dataSource = DATABASES.get(database);
        writtenAtOnce(
                dataSource,
                db -> new BalanceRepository(db).saveAll(List.of(balance("first-balance", "4.5")), 1),
                db -> new BalanceRepository(db)
                        .saveAll(List.of(balance("second-balance", "2"), balance("first-balance", "7.25")), 2));

        BalanceRepository balances = new BalanceRepository(new JdbcTemplate(dataSource));
        assertThat(balances.find("first-balance").orElseThrow().availableUsd()).isEqualByComparingTo("7.25");
        assertThat(balances.find("second-balance").orElseThrow().availableUsd()).isEqualByComparingTo("2");
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "SELECT computed_run FROM customer_balance WHERE customer_id = 'first-balance'",
                                Long.class))
                .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aPurchaseLoadedByTwoRunsAtOnceIsStoredOnceAndTheSecondRefusesItsOtherValues(String database) throws Exception {
        // hunt EI: two runs reading the same purchases feed at once, and the second failed on credit_purchase's key
        DataSource dataSource = DATABASES.get(database);
        Purchase pack = purchase("pack-at-once", "40");
        List<Optional<String>> refusals = new CopyOnWriteArrayList<>();

        writtenAtOnce(dataSource, db -> refusals.add(new PurchaseRepository(db).save(pack, "purchases.csv", 1)), db -> {
            refusals.add(new PurchaseRepository(db).save(pack, "purchases.csv", 2));
            refusals.add(new PurchaseRepository(db).save(purchase("pack-at-once", "45"), "later.csv", 2));
        });

        assertThat(refusals.get(0)).isEmpty();
        assertThat(refusals.get(1)).isEmpty();
        assertThat(refusals.get(2))
                .hasValueSatisfying(why -> assertThat(why)
                        .startsWith("purchase pack-at-once (purchase) was loaded before with other values")
                        .endsWith("; the first one stands"));
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "SELECT COUNT(*) || ' ' || MIN(loaded_run) FROM credit_purchase WHERE purchase_id = ?",
                                String.class,
                                "pack-at-once"))
                .isEqualTo("1 1");
    }

    private static Purchase purchase(String id, String amountUsd) {
        return new Purchase(
                id,
                Purchase.Event.PURCHASE,
                "at-once",
                CreditGrant.Category.PAID,
                new BigDecimal(amountUsd),
                CLOCK.instant(),
                null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aBalanceComputedEarlierDoesNotReplaceOneComputedLater(String database) {
        // review 87: a run that computed its balance first and committed it last put the older one back
        BalanceRepository balances = new BalanceRepository(new JdbcTemplate(DATABASES.get(database)));
        balances.saveAll(List.of(balance("later-balance", "3", CLOCK.instant())), 2);

        balances.saveAll(List.of(balance("later-balance", "9", CLOCK.instant().minusSeconds(60))), 1);

        assertThat(balances.find("later-balance").orElseThrow().availableUsd()).isEqualByComparingTo("3");
    }

    private static Balance balance(String customerId, String availableUsd) {
        return balance(customerId, availableUsd, CLOCK.instant());
    }

    private static Balance balance(String customerId, String availableUsd, Instant asOf) {
        BigDecimal available = new BigDecimal(availableUsd);
        return new Balance(customerId, asOf, "USD", available, BigDecimal.ZERO, BigDecimal.ZERO, available, 0, true);
    }

    private static Finding finding(String message) {
        return new Finding("at-once", "AT_ONCE", Finding.Severity.ERROR, message);
    }

    /**
     * Runs {@code first} in a transaction left open while {@code second} runs on a connection of its own, then
     * commits it: {@code second} must wait for it and succeed.
     */
    private static void writtenAtOnce(
            DataSource dataSource, Consumer<JdbcTemplate> first, Consumer<JdbcTemplate> second) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection open = dataSource.getConnection()) {
            open.setAutoCommit(false);
            first.accept(new JdbcTemplate(new SingleConnectionDataSource(open, true)));
            Future<?> waiting = other.submit(() -> second.accept(new JdbcTemplate(dataSource)));
            // the second write is under way and waits for the first's uncommitted row
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            open.commit();
            waiting.get(30, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
    }
}
