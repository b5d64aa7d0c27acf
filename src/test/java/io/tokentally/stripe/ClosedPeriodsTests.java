package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PlanType;
import io.tokentally.plans.Purchase;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.rating.RatedDays;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.UsageWindow;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Closing positions and late invoice items of one pay-as-you-go customer on a calendar month, its rated usage
 * written straight into an H2 database (ADR 0021).
 */
class ClosedPeriodsTests {

    private static final BillingPeriod NOVEMBER =
            new BillingPeriod(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");
    private static final UsageWindow WINDOW = UsageWindow.ofUtcDate(LocalDate.parse("2026-12-02"));

    @TempDir
    Path dir;

    private JdbcTemplate jdbc;
    private JdbcDataSource dataSource;
    private FindingRepository findings;
    private ClosedPeriods closedPeriods;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        new PlanRepository(jdbc, clock)
                .saveAll(List.of(new Plan("payg", PlanType.USAGE, "USD", BigDecimal.ZERO, List.of())));
        CustomerRepository customers = new CustomerRepository(jdbc, clock);
        customers.saveAll(List.of(new Customer("acme", "cus_acme", "payg", "Acme")));
        findings = new FindingRepository(jdbc, clock);
        this.dataSource = dataSource;
        closedPeriods = closedPeriods("PT1H");
    }

    /** The closed periods of the test's database under a close grace of {@code grace}. */
    private ClosedPeriods closedPeriods(String grace) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new ClosedPeriods(
                jdbc,
                new CustomerRepository(jdbc, clock),
                new PlanRepository(jdbc, clock),
                new PurchaseRepository(jdbc),
                new CreditLedgers(jdbc, new RatedDays(jdbc, dataSource, new DataSourceTransactionManager(dataSource))),
                new ClosedPeriodRepository(jdbc),
                new OutboxGrants(jdbc),
                findings,
                new Binder(new MapConfigurationPropertySource(Map.of("tokentally.stripe.period-close-grace", grace)))
                        .bind("tokentally.stripe", StripeProperties.class)
                        .get());
    }

    @Test
    void aPeriodClosesForStripeOnceTheGraceAfterItsEndHasPassed() {
        // when / then
        assertThat(closedPeriods.planner(Instant.parse("2026-12-01T00:59:59Z")).isClosed(NOVEMBER))
                .isFalse();
        assertThat(closedPeriods.planner(Instant.parse("2026-12-01T01:00:00Z")).isClosed(NOVEMBER))
                .isTrue();
    }

    @Test
    void recordsTheClosingPositionOfAClosedPeriodTheRunTouchesOnce() {
        // given: run 5 rated $2.50 of November's usage
        rated(5, "2026-11-20T10:00:00Z", "2.5");

        // when
        Map<BillingPeriod, Integer> first = closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        Map<BillingPeriod, Integer> again = closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // then: November, closed; December, open, is not recorded
        assertThat(first).containsExactly(Map.entry(NOVEMBER, 1));
        assertThat(again).isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT overage_usd FROM closed_period WHERE customer_id = 'acme'", BigDecimal.class))
                .isEqualByComparingTo("2.5");
    }

    @Test
    void usageRatedIntoAClosedPeriodAfterItClosedIsOneInvoiceItemWithAFindingThatSaysWhy() {
        // given: November closed at $2.50, then run 6 rates $1.25 more of it
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.kind()).isEqualTo(OutboxRow.Kind.INVOICE_ITEM);
            assertThat(item.customerId()).isEqualTo("acme");
            assertThat(item.stripeCustomerId()).isEqualTo("cus_acme");
            assertThat(item.valueMicros()).isEqualTo(1_250_000);
            assertThat(item.revision()).isEqualTo(1);
        });
        assertThat(findings.ofRun(6)).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("LATE_USAGE_INVOICED");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.INFO);
            assertThat(finding.key()).isEqualTo("late-usage-invoiced:acme:period:2026-11-01T00:00:00Z:r1");
            assertThat(finding.message())
                    .contains("an invoice item of 1.25 USD goes on the customer's next invoice (revision 1)")
                    .contains("Since the close the overage changed by 1.25 USD")
                    .endsWith("; invoiced late before: 0 USD");
            assertThat(finding.evidence())
                    .isEqualTo("{\"numbers\":{\"period_start\":\"2026-11-01T00:00:00Z\",\"period_end\":"
                            + "\"2026-12-01T00:00:00Z\",\"invoice_item_usd\":\"1.25\",\"revision\":1,"
                            + "\"overage_change_usd\":\"1.25\",\"carried_credits_change_usd\":\"0\","
                            + "\"invoiced_late_before_usd\":\"0\"},\"sources\":[]}");
        });
    }

    @Test
    void aPeriodRecordedClosedStaysClosedWhenTheGraceIsMadeLongerSoItsLateUsageIsStillAnInvoiceItem() {
        // given: November closed at $2.50 under an hour's grace, then the grace made 72 hours, which by the clock
        // alone would put December 3rd's runs in November's grace (hunt EA: its invoiced usage went out again as
        // meter events), and run 6 rates $1.25 more of it
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        ClosedPeriods longerGrace = closedPeriods("PT72H");
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = longerGrace.lateInvoiceItems(6, WINDOW, NOW);

        // then
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.kind()).isEqualTo(OutboxRow.Kind.INVOICE_ITEM);
            assertThat(item.valueMicros()).isEqualTo(1_250_000);
        });
    }

    @Test
    void aRunJudgesByTheClosesRecordedByItsOwnClockSoOneResumedAfterALaterCloseStillSendsItsEvents() {
        // given November recorded closed at NOW, under a grace since made 72 hours
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        ClosedPeriods longerGrace = closedPeriods("PT72H");

        // when a run whose clock read a minute before the close plans (its record step ran then), and one after
        boolean forTheEarlierRun = longerGrace.planner(NOW.minusSeconds(60)).isClosedFor("acme", NOVEMBER);
        boolean forALaterRun = longerGrace.planner(NOW).isClosedFor("acme", NOVEMBER);

        // then the earlier run's events of November go out, which the close's check says came late (review 86: the
        // usage a later run closed was neither sent nor invoiced)
        assertThat(forTheEarlierRun).isFalse();
        assertThat(forALaterRun).isTrue();
    }

    @Test
    void aPeriodOfANewCycleEndingByARecordedCloseHasItsClosingPositionRecordedUnderALongerGrace() {
        // given calendar November recorded closed at $2.50 under an hour's grace; then acme's cycle made Tokyo's
        // months, whose November ends on 30 November at 15:00 UTC, before the recorded close's end, and the grace 72
        // hours, by which that November would still be in its grace until 3 December at 15:00
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        BillingCycle tokyo = new BillingCycle(BillingCycle.Interval.MONTH, 1, 1, ZoneId.of("Asia/Tokyo"));
        new CustomerRepository(jdbc, Clock.fixed(NOW, ZoneOffset.UTC))
                .saveAll(List.of(new Customer(
                        "acme",
                        "cus_acme",
                        "payg",
                        "Acme",
                        tokyo,
                        List.of(new PlanAssignment(Instant.EPOCH, "payg")))));
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        Map<BillingPeriod, Integer> recorded = closedPeriods("PT72H").recordClosingPositions(6, WINDOW, NOW);

        // then Tokyo's November, invoiced with calendar November, is recorded closed with the usage run 6 touched
        BillingPeriod tokyoNovember =
                new BillingPeriod(Instant.parse("2026-10-31T15:00:00Z"), Instant.parse("2026-11-30T15:00:00Z"));
        assertThat(recorded).containsEntry(tokyoNovember, 1);
        assertThat(jdbc.queryForObject(
                        "SELECT overage_usd FROM closed_period WHERE customer_id = 'acme' AND period_end = ?",
                        BigDecimal.class,
                        SqlTime.utc(tokyoNovember.end())))
                .isEqualByComparingTo("3.75");
    }

    @Test
    void lateUsagePaidByAGrantStripeNeverHeldIsNotCharged() {
        // given a $10 promotion of acme's from 10 November, expired on 2 December and first seen now, so never created
        // in Stripe (ADR 0008); November closed with $2.50 it paid, then run 6 rates $1.25 more it pays
        promotion("promo-late", Instant.parse("2026-12-02T00:00:00Z"), 4);
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then: the promotion paid it on the statement, and Stripe holds none of its credit to spend later
        assertThat(items).isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT carried_credits_usd FROM closed_period WHERE customer_id = 'acme'", BigDecimal.class))
                .isEqualByComparingTo("0");
    }

    @Test
    void lateUsagePaidByAGrantWhoseCreateStripeRefusedIsNotCharged() {
        // given a $10 promotion of acme's that never expires, whose create Stripe refused for good
        promotion("promo-refused", null, 4);
        grantRow("promo-refused", "promotional", OutboxRow.State.FAILED, NOW);
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then: Stripe holds none of its credit, so the usage it paid on the statement is not charged
        assertThat(items).isEmpty();
    }

    @Test
    void aPromotionFirstSeenAfterTheCloseIsLeftOutOfTheClosingPositionAndCreditedByAnInvoiceItem() {
        // given $2.50 of November's usage that run 5 sent to Stripe while November was open; run 6, the first after
        // the close, loads a $10 promotion from 10 November that expired on 2 December, so is never created in Stripe
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        promotion("promo-late", Instant.parse("2026-12-02T00:00:00Z"), 6);

        // when
        closedPeriods.recordClosingPositions(6, WINDOW, NOW);
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then: Stripe invoiced the $2.50 without the promotion, which pays it on the statement: a credit of $2.50
        assertThat(jdbc.queryForObject(
                        "SELECT overage_usd FROM closed_period WHERE customer_id = 'acme'", BigDecimal.class))
                .isEqualByComparingTo("2.5");
        assertThat(items)
                .singleElement()
                .satisfies(item -> assertThat(item.valueMicros()).isEqualTo(-2_500_000));
    }

    @Test
    void aPromotionAloneQueuesTheInvoiceItemOfTheClosedPeriodItPays() {
        // given November closed at $2.50 by run 5; run 6 touches no hour of November but loads a $10 promotion from
        // 10 November that expired on 2 December, so is never created in Stripe
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        promotion("promo-late", Instant.parse("2026-12-02T00:00:00Z"), 6);

        // when
        closedPeriods.recordClosingPositions(6, WINDOW, NOW);
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then
        assertThat(items)
                .singleElement()
                .satisfies(item -> assertThat(item.valueMicros()).isEqualTo(-2_500_000));
        assertThat(findings.ofRun(6))
                .singleElement()
                .satisfies(finding ->
                        assertThat(finding.message()).contains("Since the close the overage changed by -2.5 USD"));
    }

    @Test
    void latePaidUsageOfAPackExpiringInsideTheNextPeriodIsNotCharged() {
        // given a $10 pack of acme's from 10 November expiring on 15 December: Stripe applies it to November's
        // invoice, and never again, as it expires before December's; November closed with $2.50 it paid, then run 6
        // rates $1.25 more it pays
        purchase("pack-dec", CreditGrant.Category.PAID, Instant.parse("2026-12-15T00:00:00Z"), 4);
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then: Stripe never spends the $1.25 its pack keeps, so charging it would bill the usage twice
        assertThat(items).isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT carried_rule FROM closed_period WHERE customer_id = 'acme'", Integer.class))
                .isEqualTo(3);
    }

    @Test
    void aClosingPositionRecordedByTheEarlierRuleIsComparedByIt() {
        // given the same pack and usage, but November's closing position recorded before migration V137, whose rule
        // counted the $2.50 the pack paid as carried
        purchase("pack-dec", CreditGrant.Category.PAID, Instant.parse("2026-12-15T00:00:00Z"), 4);
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);
        jdbc.update("UPDATE closed_period SET carried_rule = 1, carried_credits_usd = 2.5");
        rated(6, "2026-11-21T10:00:00Z", "1.25");

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then the change by that rule, not a credit of the $2.50 the rules differ by
        assertThat(items)
                .singleElement()
                .satisfies(item -> assertThat(item.valueMicros()).isEqualTo(1_250_000));
    }

    @Test
    void lateUsageOfAPackExpiringAfterTheNextPeriodIsChargedOnceOnTheLatePeriodsItem() {
        // given a $10 pack of acme's from 20 September expiring on 19 December, which paid $3 of October and $7 of
        // November's $10: Stripe applied it to both invoices; both periods closed
        purchase(
                "pack-sep",
                CreditGrant.Category.PAID,
                Instant.parse("2026-09-20T00:00:00Z"),
                Instant.parse("2026-12-19T00:00:00Z"),
                4);
        grantRow("pack-sep", "paid", OutboxRow.State.SENT, Instant.parse("2026-09-20T02:00:00Z"));
        rated(5, "2026-10-20T10:00:00Z", "3");
        rated(5, "2026-11-05T10:00:00Z", "10");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // when run 6 rates $5 more of October, which the pack pays, so that it pays $5 less of November
        rated(6, "2026-10-21T10:00:00Z", "5");
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then one item of $5 on October's, charging the credit the pack paid, not a second one for November's
        // overage that the same $5 grew (review 36)
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.windowStart()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
            assertThat(item.valueMicros()).isEqualTo(5_000_000);
        });
    }

    @Test
    void aClosedPeriodWhoseUsageDidNotChangeNeedsNoInvoiceItem() {
        // given
        rated(5, "2026-11-20T10:00:00Z", "2.5");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // when
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(5, WINDOW, NOW);

        // then
        assertThat(items).isEmpty();
        assertThat(findings.ofRun(5)).isEmpty();
    }

    @Test
    void aPackBoughtInsideThePeriodWhoseGrantOfItStripeRefusedIsCreditedWhenARefundInsideItIsSeenAfterTheClose() {
        // given a $10 pack of 10 November that paid $6 of the 14th, whose grant of what it paid of November Stripe
        // refused (so November's invoice billed the $6), and its own grant, the whole $10 as that grant held
        // nothing, made after the close; November closed with the $6 carried
        purchase("pack-in", CreditGrant.Category.PAID, null, 4);
        grantRow(
                "purchase:pack-in:used-after-its-start:2026-11-01T00:00:00Z",
                "paid",
                6_000_000,
                OutboxRow.State.FAILED,
                Instant.parse("2026-11-15T02:00:00Z"));
        grantRow("pack-in", "paid", OutboxRow.State.SENT, Instant.parse("2026-12-01T02:00:00Z"));
        rated(5, "2026-11-14T10:00:00Z", "6");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // when run 6 loads a refund of 20 November
        refund("pack-in", "2026-11-20T00:00:00Z", 6);
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then the statement still has the pack pay the $6, which Stripe billed and whose credit its voided grant
        // never gives: a -$6 item; taking Stripe to have applied the pack at November's invoice queued none
        assertThat(items)
                .singleElement()
                .satisfies(item -> assertThat(item.valueMicros()).isEqualTo(-6_000_000));
    }

    @Test
    void aRefundedPackBoughtInsideThePeriodIsComparedInWholeCentsWithItsGrantOfWhatItPaid() {
        // given a $10 pack of 10 November that paid $6.004 of the 14th, whose grant of what it paid of November
        // Stripe holds at $6.00 (whole cents), and $0.003 of overage before it: November closed at $6.007, $6.01
        purchase("pack-cents", CreditGrant.Category.PAID, null, 4);
        grantRow(
                "purchase:pack-cents:used-after-its-start:2026-11-01T00:00:00Z",
                "paid",
                6_000_000,
                OutboxRow.State.SENT,
                Instant.parse("2026-11-15T02:00:00Z"));
        rated(5, "2026-11-05T10:00:00Z", "0.003");
        rated(5, "2026-11-14T10:00:00Z", "6.004");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // when run 6 loads a refund of 20 November
        refund("pack-cents", "2026-11-20T00:00:00Z", 6);
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then nothing moved: Stripe applied the $6.00 grant, the statement's $6.004 rounded; comparing the grant with
        // the exact $6.004 made a -$0.01 item
        assertThat(items).isEmpty();
    }

    @Test
    void aPromotionFirstSeenAfterTheCloseThatTakesTheUsageOfAPackUsedUpInThePeriodMovesNothing() {
        // given a $10 pack of 10 November used up by the 14th's $10, whose grant of what it paid of November Stripe
        // holds at $10 (its own grant, the rest, is never sent): November closed with it
        purchase("pack-used", CreditGrant.Category.PAID, null, 4);
        grantRow(
                "purchase:pack-used:used-after-its-start:2026-11-01T00:00:00Z",
                "paid",
                10_000_000,
                OutboxRow.State.SENT,
                Instant.parse("2026-11-15T02:00:00Z"));
        rated(5, "2026-11-14T10:00:00Z", "10");
        closedPeriods.recordClosingPositions(5, WINDOW, NOW);

        // when run 6 loads a $10 promotion of 5 November, which pays the 14th first: the pack pays nothing of November
        purchase("promo-early", CreditGrant.Category.PROMOTIONAL, Instant.parse("2026-11-05T00:00:00Z"), null, 6);
        List<OutboxRow> items = closedPeriods.lateInvoiceItems(6, WINDOW, NOW);

        // then no item: Stripe applied the pack's $10 to November and will apply the promotion's $10 later, as the
        // ledger has the promotion pay November and the pack $10 later; counting the pack as never held made +$10
        assertThat(items).isEmpty();
    }

    /** A refund of one of acme's purchases at {@code at}, loaded by run {@code run}. */
    private void refund(String id, String at, long run) {
        new PurchaseRepository(jdbc)
                .save(
                        new Purchase(id, Purchase.Event.REFUND, "acme", null, null, Instant.parse(at), null),
                        "purchases.csv",
                        run);
    }

    /** A $10 promotion of acme's from 10 November, loaded by run {@code run}. */
    private void promotion(String id, Instant expiresAt, long run) {
        purchase(id, CreditGrant.Category.PROMOTIONAL, expiresAt, run);
    }

    /** A $10 purchase of acme's from 10 November, loaded by run {@code run}. */
    private void purchase(String id, CreditGrant.Category category, Instant expiresAt, long run) {
        purchase(id, category, Instant.parse("2026-11-10T00:00:00Z"), expiresAt, run);
    }

    /** A $10 purchase of acme's, loaded by run {@code run}. */
    private void purchase(String id, CreditGrant.Category category, Instant at, Instant expiresAt, long run) {
        new PurchaseRepository(jdbc)
                .save(
                        new Purchase(
                                id, Purchase.Event.PURCHASE, "acme", category, new BigDecimal("10"), at, expiresAt),
                        "purchases.csv",
                        run);
    }

    /** The outbox's create of the $10 grant of one of acme's purchases, planned at {@code createdAt}. */
    private void grantRow(String purchaseId, String category, OutboxRow.State state, Instant createdAt) {
        grantRow("purchase:" + purchaseId, category, 10_000_000, state, createdAt);
    }

    /** The outbox's create of acme's grant of {@code key}, planned at {@code createdAt}. */
    private void grantRow(String key, String category, long micros, OutboxRow.State state, Instant createdAt) {
        String meter = GrantColumns.meterOf("acme", key);
        new OutboxRepository(jdbc, new UnplannedHours(jdbc), Clock.fixed(createdAt, ZoneOffset.UTC))
                .insertAll(
                        List.of(new OutboxRow(
                                0,
                                OutboxRow.Kind.CREDIT_GRANT,
                                "acme",
                                "cus_acme",
                                meter,
                                Instant.parse("2026-11-10T00:00:00Z"),
                                1,
                                "tt-" + meter + "-r1",
                                "tokentally-tt-" + meter + "-r1",
                                micros,
                                Instant.parse("2026-11-10T00:00:00Z"),
                                state,
                                1,
                                null,
                                new OutboxRow.GrantTerms(category, 10, null, null, "Credit", null))),
                        4);
    }

    /** An attributed rated aggregate of acme's that run {@code run} wrote, and the run's hour. */
    private void rated(long run, String hour, String billedUsd) {
        Instant start = Instant.parse(hour);
        jdbc.update(
                "INSERT INTO rated_aggregate (customer_id, model, token_type, service_tier, context_tier, hour_start,"
                        + " price_epoch, provider, attributed, plan_id, requests, tokens, reasoning_tokens, price_id,"
                        + " usd_per_million, cost_usd, markup_percent, billed_usd, revision, rated_run, rated_at)"
                        + " VALUES ('acme', 'openai/gpt-4o', 'input', 'standard', 'standard', ?, ?, 'openai', TRUE,"
                        + " 'payg', 1, 1000000, 0, 1, ?, ?, 0, ?, 1, ?, ?)",
                SqlTime.utc(start),
                SqlTime.utc(Instant.parse("2025-01-01T00:00:00Z")),
                new BigDecimal(billedUsd),
                new BigDecimal(billedUsd),
                new BigDecimal(billedUsd),
                run,
                SqlTime.utc(NOW));
        jdbc.update("INSERT INTO run_hour (ingest_run, hour_start) VALUES (?, ?)", run, SqlTime.utc(start));
    }
}
