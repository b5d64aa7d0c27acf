package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.UsageFixtures;
import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.job.ReferenceFiles;
import io.tokentally.job.RunReportListener;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.NovemberClock;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.TokenType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole job uploading to the stateful fake Stripe through the real stripe-java client. Each
 * scenario bills customers and days of its own, so scenarios share one database and one fake.
 */
abstract class StripeUploadScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final AmountMeterLayout LAYOUT = new AmountMeterLayout("tokentally");
    static final String WEBHOOK_SECRET = "whsec_tokentally_test";

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    StripeMeterErrors meterErrors;

    @Autowired
    FindingRepository findings;

    abstract FakeStripe stripe();

    abstract Path workDir();

    @BeforeEach
    void resetStripe() {
        stripe().reset();
    }

    @Test
    void stripeRecordsExactlyTheRatedTotals() throws Exception {
        // given
        Customers customers = customers("exact", "a", "b", "c");
        LocalDate day = daysAgo(2);
        Path input = folder("exact");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("exact", day, 600, 5, customers.ids()));

        // when
        JobExecution execution = run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(execution.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
        assertThat(identifiersAreUnique()).isTrue();
    }

    @Test
    void stripesSummariesAreReadBackAndAgreeWithTheOutboxOnceTheyCatchUp() throws Exception {
        // given: Stripe's summaries lag two seconds behind the events it accepted
        Customers customers = customers("readback", "a", "b");
        LocalDate day = daysAgo(8);
        Path input = folder("readback");
        UsageFixtures.write(
                input.resolve("gateway.csv"), UsageFixtures.rows("readback", day, 100, 12, customers.ids()));
        stripe().summaryLag(java.time.Duration.ofSeconds(2));

        // when
        JobExecution execution = run(day, input, customers.file(), "job-plans.yaml");

        // then: every customer, meter and day checked, none differs
        assertThat(execution.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(execution.getExecutionContext().getInt(StripeReadBackTasklet.CHECKED))
                .isEqualTo(6);
        assertThat(execution.getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isZero();
    }

    @Test
    void usageStripeLostIsAnErrorFindingAfterABoundedWait() throws Exception {
        // given: Stripe accepts b's events but its summaries never show them
        Customers customers = customers("lost", "a", "b");
        stripe().loseFromSummaries(customers.stripeId(1));
        LocalDate day = daysAgo(9);
        Path input = folder("lost");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("lost", day, 100, 13, customers.ids()));

        // when
        JobExecution execution = run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(execution.getExitStatus().getExitCode()).isEqualTo("COMPLETED_WITH_FINDINGS");
        assertThat(execution.getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isEqualTo(3);
        assertThat(jdbc.queryForList(
                        "SELECT message FROM finding WHERE kind = 'STRIPE_READBACK_MISMATCH' AND finding_key LIKE ?",
                        String.class,
                        "stripe-readback:" + customers.id(1) + ":%"))
                .hasSize(3)
                .allMatch(message ->
                        message.contains("Stripe's summary shows 0") && message.contains("gave up after waiting 3 s"));
    }

    @Test
    void aReadBackMismatchIsResolvedByALaterRunWhoseReadBackOfItFindsStripeInAgreement() throws Exception {
        // given: a day whose read-back found b's totals missing from Stripe's summaries, which show them again later
        Customers customers = customers("found", "a", "b");
        stripe().loseFromSummaries(customers.stripeId(1));
        LocalDate day = daysAgo(11);
        Path input = folder("found");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("found", day, 100, 16, customers.ids()));
        run(day, input, customers.file(), "job-plans.yaml");
        String mismatches = "SELECT finding_key FROM finding WHERE kind = 'STRIPE_READBACK_MISMATCH' AND status = ?"
                + " AND finding_key LIKE ?";
        List<String> open =
                jdbc.queryForList(mismatches, String.class, "OPEN", "stripe-readback:" + customers.id(1) + ":%");
        assertThat(open).isNotEmpty();
        stripe().findInSummaries(customers.stripeId(1));

        // when: a late file of b's usage of the day is billed, so its meters are sent and read back again
        UsageFixtures.write(input.resolve("late.csv"), UsageFixtures.rows("found-late", day, 60, 17, customers.id(1)));
        JobExecution rerun = run(day, input, customers.file(), "job-plans.yaml");

        // then: the keys it read back agree, and their findings are resolved by that run
        assertThat(rerun.getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isZero();
        assertThat(jdbc.queryForList(mismatches, String.class, "RESOLVED", "stripe-readback:" + customers.id(1) + ":%"))
                .containsExactlyInAnyOrderElementsOf(open);
    }

    @Test
    void aReadBackMismatchOfAnEarlierStripeCustomerStaysOpenWhenTheNewOnesDayAgrees() throws Exception {
        // given: an hour sent to the customer's first Stripe id; the customer moves to a new one, whose summaries
        // show its events, while the first one's no longer show them
        Moved split = movedAfterAnHourAtThirtyPercent("split", daysAgo(12));
        Customers customers = split.customers();
        LocalDate day = split.day();
        Path input = split.input();
        Path plans = split.plans();
        stripe().loseFromSummaries(customers.stripeId(0));

        // when: a later hour of the day goes to the new customer and a markup cut corrects the first one's hour;
        // then a later run sends another hour of the day to the new customer alone
        writeInputTokens(input, "late.csv", customers, day.atTime(9, 0), 1_000);
        markup(plans, "split", 10);
        JobExecution execution = run(day, input, customers.file(), plans.toString());
        writeInputTokens(input, "later.csv", customers, day.atTime(10, 0), 1_000);
        JobExecution later = run(day, input, customers.file(), plans.toString());

        // then: the first customer's mismatch is an open error, not resolved by the new one's agreeing totals
        assertThat(execution.getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isEqualTo(1);
        assertThat(later.getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isZero();
        String meter = LAYOUT.meterFor(TokenType.INPUT);
        assertThat(jdbc.queryForList(
                        "SELECT finding_key || ' ' || status FROM finding WHERE finding_key LIKE ?",
                        String.class,
                        "stripe-readback:" + customers.id(0) + ":%"))
                .containsExactly("stripe-readback:" + customers.id(0) + ":" + customers.stripeId(0) + ":" + meter + ":"
                        + day + " OPEN");
    }

    @Test
    void aReadBackMismatchAnEarlierVersionRecordedIsResolvedWhenItsStripeCustomersDayAgrees() throws Exception {
        // given: a's input and output tokens of a day sent, and mismatches of both meters' day an earlier version
        // recorded, keyed without the Stripe customer: the input's of a's Stripe customer, the output's of another
        Customers customers = customers("legacy", "a");
        LocalDate day = daysAgo(13);
        Path input = folder("legacy");
        String row = "," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000,0,0,0,500,0,,ok";
        UsageFixtures.write(input.resolve("gateway.csv"), "legacy-1" + row);
        run(day, input, customers.file(), "job-plans.yaml");
        String inputKey = earlierMismatch(customers, TokenType.INPUT, day, customers.stripeId(0));
        String outputKey = earlierMismatch(customers, TokenType.OUTPUT, day, "cus_elsewhere");

        // when: a late file of the day is sent and read back, in agreement
        UsageFixtures.write(input.resolve("late.csv"), "legacy-2" + row.replace("T07:", "T09:"));
        run(day, input, customers.file(), "job-plans.yaml");

        // then: the Stripe customer the output's finding names was not read back, so it stays open
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, inputKey))
                .isEqualTo("RESOLVED");
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, outputKey))
                .isEqualTo("OPEN");
    }

    /** Records a read-back mismatch of the first customer as an earlier version keyed it; returns its key. */
    private String earlierMismatch(Customers customers, TokenType tokenType, LocalDate day, String stripeCustomerId) {
        String meter = LAYOUT.meterFor(tokenType);
        String key = "stripe-readback:" + customers.id(0) + ":" + meter + ":" + day;
        findings.record(
                new Finding(
                        key,
                        StripeReadBackTasklet.MISMATCH,
                        Finding.Severity.ERROR,
                        "an earlier version's",
                        new Evidence()
                                .number("customer_id", customers.id(0))
                                .number("stripe_customer_id", stripeCustomerId)
                                .number("meter", meter)
                                .number("day", day.toString())),
                1);
        return key;
    }

    @Test
    void aMeterErrorStripeReportsLaterFailsTheRowsItNamesAndARerunSendsThemAgain() throws Exception {
        // given: a day sent and accepted; then Stripe refuses customer a's events asynchronously
        Customers customers = customers("asyncerr", "a", "b");
        LocalDate day = daysAgo(10);
        Path input = folder("asyncerr");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("asyncerr", day, 120, 4, customers.ids()));
        run(day, input, customers.file(), "job-plans.yaml");
        List<FakeStripe.Event> refused = stripe().events().stream()
                .filter(event -> event.customer().equals(customers.stripeId(0)))
                .toList();
        assertThat(refused).isNotEmpty();
        String meter = refused.get(0).eventName();
        List<String> identifiers = refused.stream()
                .filter(event -> event.eventName().equals(meter))
                .map(FakeStripe.Event::identifier)
                .toList();
        String thinEvent = stripe().meterErrorReport(meter, "meter_event_customer_not_found", identifiers);

        // when: the event destination delivers it, twice (Stripe redelivers)
        StripeMeterErrors.Outcome first = meterErrors.receive(thinEvent, sign(thinEvent));
        StripeMeterErrors.Outcome again = meterErrors.receive(thinEvent, sign(thinEvent));

        // then: one finding that names the code and the identifiers; exactly those rows failed
        assertThat(first).isEqualTo(StripeMeterErrors.Outcome.RECORDED);
        assertThat(again).isEqualTo(StripeMeterErrors.Outcome.RECORDED);
        List<String> messages = jdbc.queryForList(
                "SELECT message FROM finding WHERE kind = 'STRIPE_METER_ERROR' AND message LIKE ?",
                String.class,
                "%" + identifiers.get(0) + "%");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0))
                .contains("meter_event_customer_not_found x" + identifiers.size())
                .contains(identifiers.size() + " outbox row(s) failed");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM outbox WHERE state = 'FAILED' AND customer_id = ?",
                        Integer.class,
                        customers.id(0)))
                .isEqualTo(identifiers.size());
        assertThat(meterErrors.receive(thinEvent, sign(thinEvent.replace("false", "true"))))
                .isEqualTo(StripeMeterErrors.Outcome.BAD_SIGNATURE);

        // when: a rerun of the day
        run(day, input, customers.file(), "job-plans.yaml");

        // then: the refused values went out again as new revisions; Stripe now holds exactly the rated totals
        assertThat(stripe().events().stream()
                        .filter(event -> event.customer().equals(customers.stripeId(0)))
                        .filter(event -> event.eventName().equals(meter))
                        .map(FakeStripe.Event::identifier))
                .hasSize(identifiers.size())
                .allMatch(identifier -> identifier.endsWith("-r2"));
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
    }

    @Test
    void aNightIsPlannedFromItsOwnDayCarryingTheExactAmountOfTheDaysBefore() throws Exception {
        // given: a customer billed monthly from the first of three days; each day bills one input token,
        // 1 x 2.5 / 1e6 x 1.3 = 3.25 micro-USD
        Customers customers = customers("carry", "a");
        LocalDate first = daysAgo(14);
        Path input = twoNights(customers, first);
        // the first day's aggregate changes behind the outbox's back: no run rated it, so no night replans it
        setBilled(customers, first.atTime(7, 0), "1");

        // when
        writeOneInputToken(input, customers, first.plusDays(2));
        run(first.plusDays(2), input, customers.file(), "job-plans.yaml");

        // then: 3.25 rounds to 3; 6.5 to 7, so the second day sends 4 (the first day's remainder carried);
        // 9.75 to 10, so the third sends 3; the first day is not read again, or it would be corrected
        assertThat(valuesSentTo(customers)).containsExactly(3L, 4L, 3L);

        // when: the first day's hour is unplanned, as a run that failed before its outbox leaves it
        jdbc.update(
                "INSERT INTO unplanned_hour_mark (hour_start, marked_run) VALUES (?, 0)",
                SqlTime.utc(first.atTime(7, 0).toInstant(ZoneOffset.UTC)));
        run(first.plusDays(2), input, customers.file(), "job-plans.yaml");

        // then: the period is planned again from that day: 1 USD, then 1.00000325 and 1.0000065 USD cumulated
        assertThat(valuesSentTo(customers)).containsExactly(3L, 4L, 3L, 999_997L, -1L, 1L);
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
    }

    @Test
    void aBillingCycleChangedInsideAPeriodPlansTheNewOpenPeriodFromItsStart() throws Exception {
        // given: two nights of a customer billed monthly from the first of them, 3.25 micro-USD each: 3, then 4
        Customers customers = customers("recut", "a");
        LocalDate first = daysAgo(12);
        Path input = twoNights(customers, first);

        // when: its cycle is moved to start on the second day, and the third night runs
        billMonthlyFrom(customers, first.plusDays(1));
        writeOneInputToken(input, customers, first.plusDays(2));
        run(first.plusDays(2), input, customers.file(), "job-plans.yaml");

        // then: the new open period, from the second day, holds its 6.5 micro-USD rounded once, 7: the second
        // day's 4 (which carried the first day's remainder) is brought to 3, and the third day sends 4
        assertThat(valuesSentTo(customers)).containsExactly(3L, 4L, -1L, 4L);
    }

    @Test
    void aNewMeterLayoutPlansTheOpenPeriodsFromTheirStartOnce() throws Exception {
        // given: two nights planned; then the first day's aggregate changes behind the outbox's back, and the
        // layout recorded is another one (as after a switch, or in a database from before the record)
        Customers customers = customers("relayout", "a");
        LocalDate first = daysAgo(19);
        Path input = twoNights(customers, first);
        setBilled(customers, first.atTime(7, 0), "1");
        String layout = jdbc.queryForObject("SELECT layout FROM outbox_plan_layout", String.class);
        jdbc.update("UPDATE outbox_plan_layout SET layout = 'tokens'");

        // when
        writeOneInputToken(input, customers, first.plusDays(2));
        run(first.plusDays(2), input, customers.file(), "job-plans.yaml");

        // then: the period was planned from its start, the first day included; the layout is recorded
        assertThat(valuesSentTo(customers)).containsExactly(3L, 4L, 999_997L, -1L, 4L);
        assertThat(jdbc.queryForList("SELECT layout FROM outbox_plan_layout", String.class))
                .containsExactly(layout);

        // when: the first day changes behind the outbox's back again, and the next night runs
        setBilled(customers, first.atTime(7, 0), "2");
        writeOneInputToken(input, customers, first.plusDays(3));
        run(first.plusDays(3), input, customers.file(), "job-plans.yaml");

        // then: that night is planned from its own day: its 3 micro-USD, and no correction of the first day
        assertThat(valuesSentTo(customers)).containsExactly(3L, 4L, 999_997L, -1L, 4L, 3L);
    }

    @Test
    void aUsageCustomersStatementIsReadByTheDayAndALateFileChangesIt() throws Exception {
        // given: a customer on a usage plan, billed monthly from the first day, who used a million input
        // tokens on it: 1,000,000 x 2.5 / 1e6 x 1.3 = 3.25 USD
        Customers customers = customers("statementdays", "a");
        LocalDate first = daysAgo(25);
        billMonthlyFrom(customers, first);
        Path input = folder("statementdays");
        writeInputTokens(input, "first.csv", customers, first.atTime(7, 0), 1_000_000);
        run(first, input, customers.file(), "job-plans.yaml");
        setBilled(customers, first.atTime(7, 0), "100");

        // when: the next day's night
        writeInputTokens(input, "second.csv", customers, first.plusDays(1).atTime(7, 0), 1_000_000);
        JobExecution second = run(first.plusDays(1), input, customers.file(), "job-plans.yaml");

        // then: the first day is read as it was summed, not from its hours' aggregates
        assertThat(usageOfStatement(second, customers, first)).isEqualTo("6.5");

        // when: the first day's aggregate is as rated again, and a late file adds to that day
        setBilled(customers, first.atTime(7, 0), "3.25");
        writeInputTokens(input, "late.csv", customers, first.atTime(8, 0), 1_000_000);
        JobExecution late = run(first.plusDays(1), input, customers.file(), "job-plans.yaml");

        // then: the first day is summed again
        assertThat(usageOfStatement(late, customers, first)).isEqualTo("9.75");
    }

    @Test
    void aValueStripeRefusedAfterAcceptingItIsSentAgainByTheNextNight() throws Exception {
        // given: a customer billed monthly from the first day, whose first day Stripe later refuses
        Customers customers = customers("refusednext", "a");
        LocalDate first = daysAgo(22);
        billMonthlyFrom(customers, first);
        Path input = folder("refusednext");
        writeOneInputToken(input, customers, first);
        run(first, input, customers.file(), "job-plans.yaml");
        FakeStripe.Event refused = stripe().events().get(0);
        String report = stripe().meterErrorReport(
                        refused.eventName(), "meter_event_customer_not_found", List.of(refused.identifier()));
        assertThat(meterErrors.receive(report, sign(report))).isEqualTo(StripeMeterErrors.Outcome.RECORDED);
        assertThat(jdbc.queryForList(
                        "SELECT state FROM outbox WHERE identifier = ?", String.class, refused.identifier()))
                .containsExactly("FAILED");

        // when: the next day's night
        writeOneInputToken(input, customers, first.plusDays(1));
        run(first.plusDays(1), input, customers.file(), "job-plans.yaml");

        // then: Stripe holds the refused 3 micro-USD again, as a new revision, and the new day's 4
        assertThat(stripe().events().stream()
                        .filter(event -> event.customer().equals(customers.stripeId(0)))
                        .toList())
                .extracting(FakeStripe.Event::identifier, FakeStripe.Event::value)
                .containsExactly(
                        tuple(refused.identifier().replace("-r1", "-r2"), 3L),
                        tuple(
                                OutboxPlanner.identifier(
                                        customers.id(0),
                                        refused.eventName(),
                                        first.plusDays(1).atTime(7, 0).toInstant(ZoneOffset.UTC),
                                        1),
                                4L));
    }

    /** A Stripe-Signature header as an event destination sends it: HMAC-SHA256 of "timestamp.payload". */
    static String sign(String payload) throws Exception {
        long timestamp = System.currentTimeMillis() / 1000;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] digest = mac.doFinal((timestamp + "." + payload).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "t=" + timestamp + ",v1=" + java.util.HexFormat.of().formatHex(digest);
    }

    @Test
    void aRerunWithoutChangesSendsNothing() throws Exception {
        // given
        Customers customers = customers("rerun", "a", "b");
        LocalDate day = daysAgo(3);
        Path input = folder("rerun");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("rerun", day, 200, 6, customers.ids()));
        run(day, input, customers.file(), "job-plans.yaml");
        int callsAfterFirstRun = stripe().calls();

        // when
        run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(stripe().calls()).isEqualTo(callsAfterFirstRun);
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
    }

    @Test
    void aLateFileSendsOnlyTheDifference() throws Exception {
        // given
        Customers customers = customers("late", "a");
        LocalDate day = daysAgo(4);
        Path input = folder("late");
        String hour = day + "T05:";
        UsageFixtures.write(
                input.resolve("early.csv"),
                "late-1," + hour + "10:00Z," + customers.id(0) + ",openai,gpt-4o,1000,0,0,0,100,0,,ok");
        run(day, input, customers.file(), "job-plans.yaml");
        assertThat(stripe().events()).hasSize(2);

        // when: one more request in the same hour: input 500 x 2.5 / 1e6 x 1.3 = 0.001625 USD = 1625 micro-USD
        UsageFixtures.write(
                input.resolve("late.csv"),
                "late-2," + hour + "40:00Z," + customers.id(0) + ",openai,gpt-4o,500,0,0,0,0,0,,ok");
        run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(stripe().events()).hasSize(3);
        FakeStripe.Event delta = stripe().events().get(2);
        assertThat(delta.eventName()).isEqualTo(LAYOUT.meterFor(TokenType.INPUT));
        assertThat(delta.value()).isEqualTo(1625);
        assertThat(delta.identifier()).endsWith("-r2");
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
    }

    @Test
    void aCorrectionThatLowersUsageSendsANegativeDelta() throws Exception {
        // given: billed at 30%
        Path plans = planAt("lower", 30);
        Customers customers = customersOnPlan("lower", "lower", "a");
        LocalDate day = daysAgo(5);
        Path input = millionInputTokensAtSeven(customers, day, plans);
        assertThat(stripe().totals()).containsValue(3_250_000L);

        // when: the plan's markup is lowered to 10% and the day is run again
        markup(plans, "lower", 10);
        run(day, input, customers.file(), plans.toAbsolutePath().toString());

        // then: 2.5 USD x 1.1 = 2.75 USD; the correction is -0.5 USD
        assertThat(stripe().events()).extracting(FakeStripe.Event::value).containsExactly(3_250_000L, -500_000L);
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
    }

    @Test
    void aCorrectionOfAnHourSentBeforeTheStripeCustomerChangedLowersTheMeterThatHoldsIt() throws Exception {
        // given: an hour billed at 30% and sent to the customer's first Stripe id; the customer moves to a new one
        Moved moving = movedAfterAnHourAtThirtyPercent("moved", daysAgo(5));
        Customers customers = moving.customers();
        String moved = moving.moved();

        // when: a late file adds usage of a later hour, and the markup is lowered to 10%
        UsageFixtures.write(
                moving.input().resolve("late.csv"),
                "moved-2," + moving.day() + "T09:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000,0,0,0,0,0,,ok");
        markup(moving.plans(), "moved", 10);
        moving.run();

        // then: the 07:00 correction of -0.5 USD lowers the first customer's meter, which billed its 3.25 USD (sent
        // to the new one, Stripe would bill the first 3.25 USD whole and the new one's negative total as zero); the
        // new hour, 1,000 x 2.5 / 1e6 x 1.1 = 0.00275 USD, goes to the new customer
        String meter = LAYOUT.meterFor(TokenType.INPUT);
        assertThat(stripe().totals())
                .containsEntry(customers.stripeId(0) + "|" + meter, 2_750_000L)
                .containsEntry(moved + "|" + meter, 2_750L);
        assertThat(valuesSentTo(customers)).containsExactly(3_250_000L, -500_000L);
    }

    @Test
    void lateUsageAfterTwoCustomersSwappedStripeIdsGoesToEachOnesIdNowAndTheSharedDaysReadBackAgrees()
            throws Exception {
        // given, when: a's and b's hour sent, their Stripe ids swapped, then 1,000 more tokens of a's hour
        Swapped swap = swappedThenALateThousandTokensOfA("swap", customers -> {});
        Customers customers = swap.customers();

        // then: a's 0.00325 USD more goes to a's Stripe customer now, not to its old one, which bills b now; and the
        // read-back, which finds that Stripe customer's day holding b's events and a's, agrees with Stripe
        assertThat(swap.late().getExecutionContext().getInt(StripeReadBackTasklet.CHECKED))
                .isEqualTo(1);
        assertThat(swap.late().getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isZero();
        assertThat(stripe().events())
                .filteredOn(event -> event.customer().equals(customers.stripeId(1)))
                .extracting(FakeStripe.Event::value)
                .containsExactly(3_250_000L, 3_250L);
        assertThat(stripe().events())
                .filteredOn(event -> event.customer().equals(customers.stripeId(0)))
                .extracting(FakeStripe.Event::value)
                .containsExactly(3_250_000L);
        assertThat(readBackMismatches(customers)).isEmpty();
    }

    @Test
    void aReadBackMismatchOfADayTwoCustomersEventsShareIsAnErrorOfEachNamingBoth() throws Exception {
        // given, when: as above, and Stripe's summaries no longer show the events of b's first Stripe id, a's now
        Swapped swap = swappedThenALateThousandTokensOfA(
                "swapped-lost", customers -> stripe().loseFromSummaries(customers.stripeId(1)));
        Customers customers = swap.customers();

        // then: the day Stripe summarizes holds both customers' events, so each has the error, naming both
        String meter = LAYOUT.meterFor(TokenType.INPUT);
        String day = swap.day().toString();
        assertThat(swap.late().getExecutionContext().getInt(StripeReadBackTasklet.MISMATCHED))
                .isEqualTo(1);
        assertThat(readBackMismatches(customers))
                .containsExactlyInAnyOrder(
                        "stripe-readback:" + customers.id(0) + ":" + customers.stripeId(1) + ":" + meter + ":" + day,
                        "stripe-readback:" + customers.id(1) + ":" + customers.stripeId(1) + ":" + meter + ":" + day);
        assertThat(jdbc.queryForList(
                        "SELECT message FROM finding WHERE kind = ? AND finding_key LIKE ?",
                        String.class,
                        StripeReadBackTasklet.MISMATCH,
                        "stripe-readback:%:" + customers.stripeId(1) + ":%"))
                .hasSize(2)
                .allMatch(message -> message.contains("the outbox sent 3253250 micro-USD (the events of "
                        + customers.id(0) + ", " + customers.id(1) + ", which shared that Stripe customer)"));
    }

    /** Two customers whose Stripe ids were swapped after their hour was sent, and the run that sent a's late usage. */
    private record Swapped(Customers customers, LocalDate day, JobExecution late) {}

    /**
     * a's and b's million gpt-4o input tokens at 07:00, 3.25 USD each at 30%, sent to their Stripe ids; then a
     * customers file that swaps their Stripe ids and a late file adding 1,000 tokens to a's 07:00, run after
     * {@code beforeTheLateRun}.
     */
    private Swapped swappedThenALateThousandTokensOfA(String name, Consumer<Customers> beforeTheLateRun)
            throws Exception {
        Customers customers = customers(name, "a", "b");
        LocalDate day = daysAgo(5);
        Path input = folder(name);
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                name + "-a," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                name + "-b," + day + "T07:00:00Z," + customers.id(1) + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run(day, input, customers.file(), "job-plans.yaml");
        Files.writeString(
                customers.file(),
                "customer_id,stripe_customer_id,plan_id\n"
                        + customers.id(0) + "," + customers.stripeId(1) + ",payg\n"
                        + customers.id(1) + "," + customers.stripeId(0) + ",payg\n");
        UsageFixtures.write(
                input.resolve("late.csv"),
                name + "-late," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000,0,0,0,0,0,,ok");
        beforeTheLateRun.accept(customers);
        return new Swapped(customers, day, run(day, input, customers.file(), "job-plans.yaml"));
    }

    /** The keys of every read-back mismatch of the customers, whatever their status. */
    private List<String> readBackMismatches(Customers customers) {
        return jdbc.queryForList(
                "SELECT finding_key FROM finding WHERE kind = ? AND (finding_key LIKE ? OR finding_key LIKE ?)",
                String.class,
                StripeReadBackTasklet.MISMATCH,
                "stripe-readback:" + customers.id(0) + ":%",
                "stripe-readback:" + customers.id(1) + ":%");
    }

    @Test
    void aCorrectionOnlyADeletedEarlierStripeCustomerHoldsIsSentNowhereAndLeftToAPerson() throws Exception {
        // given: an hour sent to the customer's first Stripe id; the customer moves to a new one, the first is deleted
        // in Stripe, and the markup is lowered from 30% to 10%
        Moved gone = correctedAfterTheFirstStripeCustomerIsDeleted("gone");
        Customers customers = gone.customers();
        String moved = gone.moved();

        // when: the day is run three times
        JobExecution refused = gone.run();
        JobExecution next = gone.run();
        gone.run();

        // then: the first run's correction, sent to the deleted customer, is refused; the next runs send it neither
        // there again nor to the new customer, which holds none of the hour (Stripe would take it off the new
        // customer's other usage, or floor its total at zero), and an error asks a person to credit it by hand
        assertThat(refused.getExitStatus().getExitCode()).isEqualTo("COMPLETED_WITH_REJECTED_UPLOADS");
        assertThat(next.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        assertThat(stripe().events())
                .filteredOn(event -> event.customer().equals(moved))
                .isEmpty();
        assertThat(jdbc.queryForList(
                        "SELECT stripe_customer_id || ' ' || state FROM outbox WHERE customer_id = ? ORDER BY revision",
                        String.class,
                        customers.id(0)))
                .containsExactly(customers.stripeId(0) + " SENT", customers.stripeId(0) + " FAILED");
        assertThat(jdbc.queryForObject(
                        "SELECT status || ' ' || message FROM finding WHERE kind = 'CORRECTION_NOT_PLACED' AND"
                                + " finding_key LIKE ?",
                        String.class,
                        "%:" + customers.id(0) + ":%"))
                .startsWith("OPEN customer " + customers.id(0) + ", ")
                .contains(": Stripe should hold 500000 micro-USD less of the hour, but only " + customers.stripeId(0)
                        + ", which refused");
        // and the refusal's error stays open: its value never reached Stripe
        assertThat(jdbc.queryForObject(
                        "SELECT f.status FROM finding f JOIN outbox o ON f.finding_key = 'UPLOAD_REJECTED:' ||"
                                + " o.identifier WHERE o.customer_id = ? AND o.state = 'FAILED'",
                        String.class,
                        customers.id(0)))
                .isEqualTo("OPEN");
    }

    @Test
    void aCorrectionNotPlacedIsResolvedOnceTheHourNeedsNoDecrease() throws Exception {
        // given: the correction above, sent nowhere
        Moved back = correctedAfterTheFirstStripeCustomerIsDeleted("back");
        back.run();
        back.run();

        // when: the markup is back at 30%
        markup(back.plans(), "back", 30);
        back.run();

        // then
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM finding WHERE kind = 'CORRECTION_NOT_PLACED' AND finding_key LIKE ?",
                        String.class,
                        "%:" + back.customers().id(0) + ":%"))
                .isEqualTo("RESOLVED");
    }

    /**
     * A customer, on a plan of its own, whose hour was sent to its first Stripe id before it moved to {@code moved};
     * {@link #run} bills its day again.
     */
    record Moved(
            StripeUploadScenarios scenarios, Customers customers, Path plans, LocalDate day, Path input, String moved) {

        JobExecution run() throws Exception {
            return scenarios.run(day, input, customers.file(), plans.toString());
        }
    }

    /**
     * Sends a million input tokens at 07:00 of {@code day}, billed at 30%, to the first customer's Stripe id, then
     * moves the customer to a new one; runs nothing after the move.
     */
    Moved movedAfterAnHourAtThirtyPercent(String planId, LocalDate day) throws Exception {
        Path plans = planAt(planId, 30);
        Customers customers = customersOnPlan(planId, planId, "a");
        Path input = millionInputTokensAtSeven(customers, day, plans);
        String moved = moveToANewStripeCustomer(customers, planId);
        return new Moved(this, customers, plans, day, input, moved);
    }

    /** {@link #movedAfterAnHourAtThirtyPercent} five days ago, the first Stripe id then deleted and the markup cut. */
    Moved correctedAfterTheFirstStripeCustomerIsDeleted(String planId) throws Exception {
        Moved moved = movedAfterAnHourAtThirtyPercent(planId, daysAgo(5));
        stripe().forgetCustomer(moved.customers().stripeId(0));
        markup(moved.plans(), planId, 10);
        return moved;
    }

    @Test
    void aRunWhoseCustomersFileGivesAStoredCustomersStripeIdToAnotherIsRefusedBeforeItStarts() throws Exception {
        // given: a's and b's usage of a day billed to their own Stripe customers
        Customers customers = customers("shared", "a", "b");
        LocalDate day = daysAgo(14);
        Path input = folder("shared");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("shared", day, 20, 21, customers.ids()));
        run(day, input, customers.file(), "job-plans.yaml");

        // when: a customers file lists b alone, with a's Stripe customer
        Files.writeString(
                customers.file(),
                "customer_id,stripe_customer_id,plan_id\n" + customers.id(1) + "," + customers.stripeId(0) + ",payg\n");

        // then: no run starts, and b's Stripe customer is still its own
        assertThatThrownBy(() -> run(day, input, customers.file(), "job-plans.yaml"))
                .isInstanceOf(ReferenceFiles.Invalid.class)
                .hasMessageContaining("stripe_customer_id '" + customers.stripeId(0) + "' of customer '"
                        + customers.id(1) + "' is stored for customer '" + customers.id(0) + "'");
        assertThat(jdbc.queryForObject(
                        "SELECT stripe_customer_id FROM customer WHERE customer_id = ?", String.class, customers.id(1)))
                .isEqualTo(customers.stripeId(1));
    }

    @Test
    void usageOlderThanStripesWindowInAStillOpenYearlyPeriodIsStampedInsideTheWindow() throws Exception {
        // given a customer billed yearly from the day of the usage, so its period is still open (a closed
        // period's late usage is one invoice item per period instead: ClosedPeriodScenarios)
        Customers customers = customers("old", "a");
        LocalDate day = daysAgo(40);
        billedYearlyFrom(customers, day, "payg");
        Path input = folder("old");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "old-1," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");

        // when
        Instant started = NovemberClock.CLOCK.instant();
        run(day, input, customers.file(), "job-plans.yaml");
        Instant ended = NovemberClock.CLOCK.instant();

        // then: 2.5 USD x 1.3 = 3.25 USD, a meter event of the hour stamped with the run's time, in the same yearly
        // period, where the meter's line and the customer's grants take it; no invoice item
        assertThat(stripe().invoiceItems()).isEmpty();
        assertThat(stripe().events()).singleElement().satisfies(event -> {
            assertThat(event.value()).isEqualTo(3_250_000L);
            assertThat(event.identifier()).contains("-" + day.toString().replace("-", "") + "07-r1");
            assertThat(event.timestamp()).isBetween(started.getEpochSecond(), ended.getEpochSecond());
        });
        String stamped = jdbc.queryForObject(
                "SELECT evidence FROM finding WHERE kind = 'LATE_USAGE_RESTAMPED' AND finding_key = ?",
                String.class,
                "late-usage-restamped:" + customers.id(0) + ":" + day);
        assertThat(jdbc.queryForList(
                        "SELECT message FROM finding WHERE kind = 'LATE_USAGE_RESTAMPED' AND finding_key = ?",
                        String.class,
                        "late-usage-restamped:" + customers.id(0) + ":" + day))
                .singleElement()
                .asString()
                .startsWith(customers.id(0) + "'s usage of " + day + " is too old to send dated by its hours"
                        + " (late-after-days, inside Stripe's 35-day meter event window): 1 meter event(s) of 3.25"
                        + " USD in total are stamped at ")
                .endsWith(", in the same billing period, so Stripe bills them on its invoice");
        assertThat(stamped).contains("\"meter_events\"").contains("\"stamped_at\"");
    }

    @Test
    void aLateHourAnEarlierVersionInvoicedTakesBackItsItemAsAnItemAndGrowsByMeterEvents() throws Exception {
        // given a yearly customer at 30% whose late hour an earlier version sent as an invoice item of 3.25 USD
        Path plans = planAt("legacy", 30);
        Customers customers = customers("legacy", "a");
        LocalDate day = daysAgo(40);
        billedYearlyFrom(customers, day, "legacy");
        Path input = folder("legacy");
        String hour = day + "T07:";
        UsageFixtures.write(
                input.resolve("first.csv"),
                "legacy-1," + hour + "10:00Z," + customers.id(0) + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run(day, input, customers.file(), plans.toAbsolutePath().toString());
        jdbc.update("UPDATE outbox SET kind = 'INVOICE_ITEM' WHERE customer_id = ?", customers.id(0));

        // when a late file adds 500 input tokens to the hour (0.001625 USD), then the markup is lowered to 10%
        UsageFixtures.write(
                input.resolve("late.csv"),
                "legacy-2," + hour + "40:00Z," + customers.id(0) + ",openai,gpt-4o,500,0,0,0,0,0,,ok");
        run(day, input, customers.file(), plans.toAbsolutePath().toString());
        markup(plans, "legacy", 10);
        run(day, input, customers.file(), plans.toAbsolutePath().toString());

        // then the increase is a meter event, which the period's grants take as any usage; the decrease to
        // 1,000,500 x 2.5 / 1e6 x 1.1 = 2.7513750 USD, 0.500250 USD, takes back that much of the item as an item
        assertThat(stripe().events()).extracting(FakeStripe.Event::value).containsExactly(3_250_000L, 1_625L);
        assertThat(stripe().invoiceItems())
                .extracting(item -> new BigDecimal(item.unitAmountDecimal()))
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("-50.025"));
    }

    @Test
    void usageDatedAfterTheRunGoesToStripeAtTheRunsTimeAndIsFoundAsAWarning() throws Exception {
        // given yesterday's row and one dated two days after today, beyond the run's time
        Customers customers = customers("ahead", "a");
        LocalDate day = daysAgo(1);
        LocalDate ahead = daysAgo(-2);
        Path input = folder("ahead");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "ahead-1," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "ahead-2," + ahead + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        Instant started = NovemberClock.CLOCK.instant();

        // when
        run(day, input, customers.file(), "job-plans.yaml");

        // then Stripe has both, the later at the run's time, and a warning names the hour, the events and the file
        // 3M input tokens of gpt-4o at 2.5 USD/M x 1.3
        assertThat(stripe().totals())
                .isEqualTo(Map.of(customers.stripeId(0) + "|" + LAYOUT.meterFor(TokenType.INPUT), 9_750_000L));
        List<Long> stamped = stripe().events().stream()
                .map(FakeStripe.Event::timestamp)
                .sorted()
                .toList();
        assertThat(stamped).hasSize(2);
        assertThat(stamped.get(0)).isEqualTo(day.atTime(7, 0).toEpochSecond(ZoneOffset.UTC));
        assertThat(stamped.get(1))
                .isBetween(
                        started.getEpochSecond(), NovemberClock.CLOCK.instant().getEpochSecond());
        String hour = ahead + "T07:00:00Z";
        assertThat(jdbc.queryForList(
                        "SELECT message FROM finding WHERE kind = 'USAGE_DATED_AFTER_RUN' AND finding_key = ?",
                        String.class,
                        "dated-after-run:" + customers.id(0) + ":" + ahead))
                .singleElement()
                .asString()
                .startsWith(customers.id(0) + "'s usage of the hours from " + hour + " to " + hour
                        + " is dated after the run's time (")
                .contains("its 1 meter event(s) carry the run's time")
                .endsWith("Check the clock of the source. Files: " + input.resolve("gateway.csv"));
    }

    @Test
    void rateLimitsServerErrorsDroppedConnectionsAndLostResponsesStillDeliverExactlyOnce() throws Exception {
        // given
        Customers customers = customers("faults", "a", "b");
        LocalDate day = daysAgo(6);
        Path input = folder("faults");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("faults", day, 300, 8, customers.ids()));
        stripe().ratePerSecond(40)
                .inject(
                        FakeStripe.Fault.SERVER_ERROR,
                        FakeStripe.Fault.LOSE_RESPONSE,
                        FakeStripe.Fault.DROP_CONNECTION,
                        FakeStripe.Fault.SLOW,
                        FakeStripe.Fault.LOSE_RESPONSE,
                        FakeStripe.Fault.SERVER_ERROR,
                        FakeStripe.Fault.SERVER_ERROR);

        // when
        JobExecution execution = run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(execution.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(stripe().rateLimited()).isPositive();
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
        assertThat(identifiersAreUnique()).isTrue();
    }

    @Test
    void aPermanentRejectionFailsThatRowOnlyAndMarksTheRun() throws Exception {
        // given: Stripe does not know customer b
        Customers customers = customers("reject", "a", "b");
        stripe().forgetCustomer(customers.stripeId(1));
        LocalDate day = daysAgo(7);
        Path input = folder("reject");
        UsageFixtures.write(input.resolve("gateway.csv"), UsageFixtures.rows("reject", day, 100, 9, customers.ids()));

        // when
        JobExecution execution = run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(execution.getExitStatus().getExitCode())
                .isEqualTo(RunReportListener.COMPLETED_WITH_REJECTED_UPLOADS);
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers.only(0)));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM outbox WHERE customer_id = ? AND state = 'FAILED'",
                        Long.class,
                        customers.id(1)))
                .isPositive();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'UPLOAD_REJECTED' AND message LIKE ?",
                        Long.class,
                        "%" + customers.id(1) + "%"))
                .isPositive();

        // and when Stripe learns the customer, the next run sends b's usage after all
        stripe().customers(customers.stripeId(1));
        JobExecution rerun = run(day, input, customers.file(), "job-plans.yaml");
        assertThat(rerun.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(stripe().totals()).isEqualTo(expectedTotals(customers));
        // and the refusals' errors are resolved by the run whose events carried their values
        assertThat(jdbc.queryForList(
                        "SELECT DISTINCT f.status FROM finding f JOIN outbox o ON f.finding_key = 'UPLOAD_REJECTED:'"
                                + " || o.identifier WHERE o.customer_id = ? AND o.state = 'FAILED'",
                        String.class,
                        customers.id(1)))
                .containsExactly("RESOLVED");
    }

    @Test
    void aRowInFlightForLongerThanStripeDedupsIsNotResentBlindly() throws Exception {
        // given: a dry build of the outbox, then a row left in flight 25 hours ago
        Customers customers = customers("stale", "a");
        LocalDate day = daysAgo(8);
        Path input = folder("stale");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "stale-1," + day + "T07:00:00Z," + customers.id(0) + ",openai,gpt-4o,1000,0,0,0,100,0,,ok");
        run(day, input, customers.file(), "job-plans.yaml");
        jdbc.update(
                "UPDATE outbox SET state = 'IN_FLIGHT', in_flight_at = ? WHERE customer_id = ? AND meter = ?",
                SqlTime.utc(NovemberClock.CLOCK.instant().minus(Duration.ofHours(25))),
                customers.id(0),
                LAYOUT.meterFor(TokenType.OUTPUT));
        jdbc.update(
                "UPDATE outbox SET state = 'PENDING', in_flight_at = ? WHERE customer_id = ? AND meter = ?",
                SqlTime.utc(NovemberClock.CLOCK.instant().minus(Duration.ofHours(25))),
                customers.id(0),
                LAYOUT.meterFor(TokenType.INPUT));
        stripe().reset();

        // when: one row is still in flight, the other was left pending after an ambiguous error
        run(day, input, customers.file(), "job-plans.yaml");

        // then
        assertThat(stripe().calls()).isZero();
        assertThat(jdbc.queryForObject(
                        "SELECT state FROM outbox WHERE customer_id = ? AND meter = ?",
                        String.class,
                        customers.id(0),
                        LAYOUT.meterFor(TokenType.OUTPUT)))
                .isEqualTo("UNCERTAIN");
        assertThat(jdbc.queryForObject(
                        "SELECT state FROM outbox WHERE customer_id = ? AND meter = ?",
                        String.class,
                        customers.id(0),
                        LAYOUT.meterFor(TokenType.INPUT)))
                .isEqualTo("UNCERTAIN");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM finding WHERE kind = 'UPLOAD_UNCERTAIN'", Long.class))
                .isPositive();
    }

    // --- helpers

    /** Customers of one scenario: ids {@code <tag>-<name>}, Stripe ids {@code cus_<tag>_<name>}, all on payg. */
    record Customers(List<String> names, String tag, Path file) {

        String id(int index) {
            return tag + "-" + names.get(index);
        }

        String stripeId(int index) {
            return "cus_" + tag + "_" + names.get(index);
        }

        String[] ids() {
            return names.stream().map(name -> tag + "-" + name).toArray(String[]::new);
        }

        Customers only(int index) {
            return new Customers(List.of(names.get(index)), tag, file);
        }
    }

    Customers customers(String tag, String... names) throws IOException {
        return customersOnPlan(tag, "payg", names);
    }

    Customers customersOnPlan(String tag, String plan, String... names) throws IOException {
        String unique = tag + Long.toString(System.nanoTime() % 1_000_000, 36);
        Path file = workDir().resolve(unique + "-customers.csv");
        StringBuilder csv = new StringBuilder("customer_id,stripe_customer_id,plan_id\n");
        for (String name : names) {
            csv.append(unique)
                    .append('-')
                    .append(name)
                    .append(",cus_")
                    .append(unique)
                    .append('_')
                    .append(name)
                    .append(',')
                    .append(plan)
                    .append('\n');
        }
        Files.writeString(file, csv);
        Customers customers = new Customers(List.of(names), unique, file);
        for (int i = 0; i < names.length; i++) {
            stripe().customers(customers.stripeId(i));
        }
        return customers;
    }

    /** Bills the customers monthly from {@code day}'s day of the month, so that the days after it share its period. */
    void billMonthlyFrom(Customers customers, LocalDate day) throws IOException {
        StringBuilder csv = new StringBuilder("customer_id,stripe_customer_id,plan_id,billing_interval,"
                + "billing_anchor_day,billing_anchor_month,billing_time_zone\n");
        for (int i = 0; i < customers.names().size(); i++) {
            csv.append(
                    customers.id(i) + "," + customers.stripeId(i) + ",payg,month," + day.getDayOfMonth() + ",1,UTC\n");
        }
        Files.writeString(customers.file(), csv);
    }

    /** The values of the meter events Stripe holds for the first customer, in the order it received them. */
    List<Long> valuesSentTo(Customers customers) {
        return stripe().events().stream()
                .filter(event -> event.customer().equals(customers.stripeId(0)))
                .map(FakeStripe.Event::value)
                .toList();
    }

    /**
     * Bills the first customer monthly from {@code first}, and runs that day and the next, each with one input token.
     *
     * @return the input folder
     */
    Path twoNights(Customers customers, LocalDate first) throws Exception {
        billMonthlyFrom(customers, first);
        Path input = folder(customers.tag());
        for (int day = 0; day < 2; day++) {
            writeOneInputToken(input, customers, first.plusDays(day));
            run(first.plusDays(day), input, customers.file(), "job-plans.yaml");
        }
        return input;
    }

    /**
     * Moves the first customer, on plan {@code planId}, to a new Stripe customer, which Stripe knows: the customers
     * file lists it alone, with that id.
     *
     * @return the new Stripe customer id
     */
    String moveToANewStripeCustomer(Customers customers, String planId) throws IOException {
        String moved = customers.stripeId(0) + "_2";
        stripe().customers(moved);
        Files.writeString(
                customers.file(),
                "customer_id,stripe_customer_id,plan_id\n" + customers.id(0) + "," + moved + "," + planId + "\n");
        return moved;
    }

    /** A plans file of one plan at {@code markupPercent}, which {@link #markup} writes again. */
    Path planAt(String planId, int markupPercent) throws IOException {
        Path plans = workDir()
                .resolve(planId + "-plans-" + System.nanoTime() + ".yaml")
                .toAbsolutePath();
        markup(plans, planId, markupPercent);
        return plans;
    }

    static void markup(Path plans, String planId, int markupPercent) throws IOException {
        Files.writeString(plans, "plans:\n  - id: " + planId + "\n    markup_percent: " + markupPercent + "\n");
    }

    /**
     * Runs {@code day} on a file of one request of the first customer at 07:00: a million gpt-4o input tokens, 2.5
     * USD at cost.
     *
     * @return the input folder
     */
    Path millionInputTokensAtSeven(Customers customers, LocalDate day, Path plans) throws Exception {
        Path input = folder(customers.tag());
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                customers.tag() + "-1," + day + "T07:00:00Z," + customers.id(0)
                        + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run(day, input, customers.file(), plans.toString());
        return input;
    }

    /** Changes the first customer's rated aggregate of an hour behind the engine's back: no run marks it. */
    void setBilled(Customers customers, LocalDateTime hour, String billedUsd) {
        jdbc.update(
                "UPDATE rated_aggregate SET billed_usd = ? WHERE customer_id = ? AND hour_start = ?",
                new BigDecimal(billedUsd),
                customers.id(0),
                SqlTime.utc(hour.toInstant(ZoneOffset.UTC)));
    }

    /** A file of one request of the first customer at {@code at}: {@code tokens} gpt-4o input tokens. */
    static void writeInputTokens(Path input, String file, Customers customers, LocalDateTime at, long tokens)
            throws IOException {
        UsageFixtures.write(
                input.resolve(file),
                customers.tag() + "-" + file + "," + at + ":00Z," + customers.id(0) + ",openai,gpt-4o," + tokens
                        + ",0,0,0,0,0,,ok");
    }

    /** The usage amount of the first customer's statement of the period starting on {@code periodStart}. */
    String usageOfStatement(JobExecution execution, Customers customers, LocalDate periodStart) throws IOException {
        Path statement = RunFolders.of(
                        workDir().resolve("runs"),
                        RunReportListener.JOB_NAME,
                        execution.getJobParameters().getString(BillingJobParameters.DATE),
                        execution.getId())
                .resolve("statements")
                .resolve(customers.id(0) + "-" + periodStart.toString().replace("-", "") + "T0000Z.json");
        return JsonMapper.builder()
                .build()
                .readTree(statement.toFile())
                .get("usage_usd")
                .asString();
    }

    /** A file of one request of the first customer at 07:00 of {@code day}: one gpt-4o input token. */
    static void writeOneInputToken(Path input, Customers customers, LocalDate day) throws IOException {
        UsageFixtures.write(
                input.resolve(day + ".csv"),
                customers.tag() + "-" + day + "," + day + "T07:00:00Z," + customers.id(0)
                        + ",openai,gpt-4o,1,0,0,0,0,0,,ok");
    }

    /** customer|meter → micro-USD, summed over the rated aggregates and rounded once. */
    Map<String, Long> expectedTotals(Customers customers) {
        Map<String, BigDecimal> exact = new TreeMap<>();
        for (int i = 0; i < customers.names().size(); i++) {
            String stripeId = customers.stripeId(i);
            jdbc.query(
                    "SELECT token_type, SUM(billed_usd) FROM rated_aggregate WHERE customer_id = ? GROUP BY token_type",
                    rs -> {
                        exact.merge(
                                stripeId + "|" + LAYOUT.meterFor(TokenType.fromCode(rs.getString(1))),
                                rs.getBigDecimal(2),
                                BigDecimal::add);
                    },
                    customers.id(i));
        }
        Map<String, Long> micros = new TreeMap<>();
        exact.forEach((key, amount) -> {
            long value = Amounts.toMicros(amount).movePointRight(6).longValueExact();
            if (value != 0) {
                micros.put(key, value);
            }
        });
        return micros;
    }

    boolean identifiersAreUnique() {
        Set<String> seen = new HashSet<>();
        return stripe().events().stream().allMatch(event -> seen.add(event.identifier()));
    }

    JobExecution run(LocalDate day, Path input, Path customers, String plans) throws Exception {
        Path plansFile = plans.startsWith("/") ? Path.of(plans) : FIXTURES.resolve(plans);
        return runs.run(new BillingJobParameters(
                day,
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                plansFile,
                FIXTURES.resolve("job-prices.csv")));
    }

    String report(JobExecution execution) throws IOException {
        Path runsDir = workDir().resolve("runs");
        return Files.readString(RunFolders.of(
                        runsDir,
                        RunReportListener.JOB_NAME,
                        execution.getJobParameters().getString(BillingJobParameters.DATE),
                        execution.getId())
                .resolve("report.json"));
    }

    Path folder(String name) throws IOException {
        return Files.createDirectories(
                workDir().resolve("input-" + System.nanoTime()).resolve(name));
    }

    static void billedYearlyFrom(Customers customers, LocalDate day, String planId) throws IOException {
        Files.writeString(
                customers.file(),
                "customer_id,stripe_customer_id,plan_id,billing_interval,billing_anchor_day,billing_anchor_month,"
                        + "billing_time_zone\n" + customers.id(0) + "," + customers.stripeId(0) + "," + planId
                        + ",year,"
                        + day.getDayOfMonth() + "," + day.getMonthValue() + ",UTC\n");
    }

    static LocalDate daysAgo(int days) {
        return NovemberClock.today().minusDays(days);
    }
}
