package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.UsageFixtures;
import io.tokentally.reconcile.CustomerBalances;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.SqlTime;
import io.tokentally.stripe.AmountMeterLayout;
import io.tokentally.stripe.FakeStripe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Usage that arrives after its billing period closed for Stripe (ADR 0021), through the whole job with
 * the run's clock set by hand. Prices: gpt-4o input $2.50 and output $10 per million tokens, no markup;
 * the team plan has a $30 fee and $10 of included usage a month. The nightly run of UTC day D runs at
 * D+1 02:00, past the end (D+1 00:00) plus the one-hour grace of a calendar-month customer's period.
 */
abstract class ClosedPeriodScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final SettableClock CLOCK = new SettableClock();
    static final String HEADER =
            "customer_id,stripe_customer_id,plan_id,billing_interval,billing_anchor_day,billing_time_zone";

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CustomerBalances balances;

    @Autowired
    FindingRepository findingRepository;

    abstract FakeStripe stripe();

    abstract Path workDir();

    @BeforeEach
    void reset() {
        stripe().reset();
    }

    @Test
    void lateUsageCoveredByIncludedUsageIsNotInvoicedAndUncoveredUsageIsInvoicedOnceAsItsExactOverage()
            throws Exception {
        // given a team customer with $5 of usage on 30 October, run while October is open
        Path input = folder("covered");
        Path customers = customers("covered", "late-team,cus_late_team,team,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "lt-1,2026-10-30T10:10:00Z,late-team,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);
        assertThat(meterTotal("cus_late_team")).isEqualTo(5_000_000L);

        // when 31 October's $4 (1,600,000 input tokens) is run on 1 November at 02:00, after October closed
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "lt-2,2026-10-31T10:10:00Z,late-team,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        JobExecution closing = run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then $9 of $10 included: nothing is due, nothing goes to Stripe for 31 October
        assertThat(meterTotal("cus_late_team")).isEqualTo(5_000_000L);
        assertThat(itemsIn("cus_late_team")).isEmpty();
        JsonNode statement = statement(closing, "late-team", "20261001T0000Z");
        assertThat(statement.get("usage_usd").asString()).isEqualTo("9");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("30.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("0");
        assertThat(statement
                        .get("late_invoice_items")
                        .get("closing_position_usd")
                        .asString())
                .isEqualTo("0");

        // when 800,000 output tokens ($8) of 31 October arrive, and the day is run again twice
        UsageFixtures.write(
                input.resolve("gateway-3.csv"),
                "lt-3,2026-10-31T11:10:00Z,late-team,openai,gpt-4o,0,0,0,0,800000,0,,ok");
        JobExecution late = run("2026-10-31", "2026-11-01T03:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T04:00:00Z", input, customers);

        // then $17 against $10 included: the $7 overage is one invoice item, never a meter event
        assertThat(meterTotal("cus_late_team")).isEqualTo(5_000_000L);
        assertThat(stripe().invoiceItems()).singleElement().satisfies(item -> {
            assertThat(item.customer()).isEqualTo("cus_late_team");
            assertThat(new BigDecimal(item.unitAmountDecimal())).isEqualByComparingTo("700");
            assertThat(item.identifier()).endsWith("-2026100100-r1");
        });
        JsonNode after = statement(late, "late-team", "20261001T0000Z");
        assertThat(after.get("overage_usd").asString()).isEqualTo("7");
        assertThat(after.get("total_due_usd").asString()).isEqualTo("37.00");
        assertThat(after.get("late_invoice_items_usd").asString()).isEqualTo("7");
        assertThat(findings("late-team"))
                .singleElement()
                .satisfies(message -> assertThat(message)
                        .contains("an invoice item of 7 USD")
                        .contains("the overage changed by 7 USD"));
    }

    @Test
    void usageRatedBeforeItsPeriodClosedGoesToStripeOnceWhenTheRunIsResumedAfterTheClose() throws Exception {
        // given a usage-based customer's $4 (1,600,000 input tokens) of 31 October, run on 1 November at 00:30,
        // before October closes for Stripe (01:00), rated, but its outbox cannot be stored
        Path input = folder("straddle");
        Path customers = customers("straddle", "straddler,cus_straddler,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "st-1,2026-10-31T10:10:00Z,straddler,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        CLOCK.set(Instant.parse("2026-11-01T00:30:00Z"));
        JobExecution failed;
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "outbox")) {
            failed = runs.run(parameters("2026-10-31", input, customers));
        }
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);

        // when the run is resumed at 02:00, after October closed, and the day is run again at 03:00
        JobExecution resumed = run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T03:00:00Z", input, customers);

        // then the $4 went to Stripe once, as meter events: the run judged October open when it recorded
        // closing positions, and the rerun's closing position counts them
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
        assertThat(meterTotal("cus_straddler")).isEqualTo(4_000_000L);
        assertThat(stripe().invoiceItems()).noneMatch(item -> item.customer().equals("cus_straddler"));

        // and, as they reached Stripe after October's invoice, which does not bill them, one error finding says so
        assertThat(jdbc.queryForList(
                        "SELECT severity || ' ' || finding_key || ' ' || message FROM finding"
                                + " WHERE kind = 'METER_EVENTS_AFTER_CLOSE'",
                        String.class))
                .singleElement()
                .satisfies(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:straddler:period:2026-10-01T00:00:00Z:run:"
                                + resumed.getJobInstance().getInstanceId() + " ")
                        .contains("1 meter event(s) of the billing period [2026-10-01T00:00:00Z,"
                                + " 2026-11-01T00:00:00Z), worth 4.00 USD (exactly 4)")
                        .contains("reached Stripe in run "
                                + resumed.getJobInstance().getInstanceId()
                                + " from 2026-11-01T02:00:00Z, after the period closed at 2026-11-01T01:00:00Z"));
    }

    @Test
    void meterEventsSentBeforeThePeriodClosedRaiseNoFinding() throws Exception {
        // given a usage-based customer's 31 October, run on 1 November at 00:30, before October closes (01:00)
        Path input = folder("in-time");
        Path customers = customers("in-time", "in-time,cus_in_time,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "it-1,2026-10-31T10:10:00Z,in-time,openai,gpt-4o,1600000,0,0,0,0,0,,ok");

        // when the run sends its meter events at 00:30
        run("2026-10-31", "2026-11-01T00:30:00Z", input, customers);

        // then Stripe took them in time for October's invoice: no finding
        assertThat(meterTotal("cus_in_time")).isEqualTo(4_000_000L);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'METER_EVENTS_AFTER_CLOSE'", Integer.class))
                .isZero();
    }

    @Test
    void aCorrectedExportDaysLaterCreditsTheLateOverageWithANegativeInvoiceItem() throws Exception {
        // given a team customer with $8 of gateway usage on 30 October, run while October is open
        Path input = folder("correction");
        Path customers = customers("correction", "late-corr,cus_late_corr,team,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "lc-1,2026-10-30T10:10:00Z,late-corr,openai,gpt-4o,3200000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);

        // when OpenAI's usage export for 31 October 10:00 says 2,000,000 input tokens ($5), run after October closed
        Files.writeString(input.resolve("openai-usage-1.json"), openAiUsage(2_000_000));
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then $13 against $10: $3 invoiced late
        assertThat(itemsIn("cus_late_corr"))
                .extracting(item -> new BigDecimal(item.unitAmountDecimal()))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("300"));

        // when, three days later, a corrected export of the same bucket says 800,000 ($2)
        Files.writeString(input.resolve("openai-usage-2.json"), openAiUsage(800_000));
        JobExecution corrected = run("2026-11-03", "2026-11-04T02:00:00Z", input, customers);

        // then $10 against $10: the $3 is credited back by a negative invoice item
        assertThat(itemsIn("cus_late_corr"))
                .extracting(item -> new BigDecimal(item.unitAmountDecimal()))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("300"), new BigDecimal("-300"));
        JsonNode statement = statement(corrected, "late-corr", "20261001T0000Z");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("30.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("0");
        assertThat(statement.get("late_invoice_items").get("items")).hasSize(2);
        assertThat(meterTotal("cus_late_corr")).isEqualTo(8_000_000L);
    }

    @Test
    void aPromotionFirstSeenAfterItsPeriodClosedIsCreditedByANegativeInvoiceItem() throws Exception {
        // given a flex customer's $5 of 30 October, metered while October was open
        Path input = folder("late-promo");
        Path customers = customers("late-promo", "late-promo,cus_late_promo,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "lpr-1,2026-10-30T10:10:00Z,late-promo,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);

        // when the first run after October closed rates none of October's usage but loads a $10 promotion of 15
        // October that expired on 1 November
        purchases(input, "promo-oct,,late-promo,10.00,USD,2026-10-15T00:00:00Z,2026-11-01T00:00:00Z,promotional");
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "lpr-2,2026-11-01T10:10:00Z,late-promo,openai,gpt-4o,400000,0,0,0,0,0,,ok");
        JobExecution late = run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);

        // then the statement has the promotion pay October's $5, which Stripe invoiced and whose grant it never holds
        // (already expired): the $5 is credited by a negative invoice item
        JsonNode statement = statement(late, "late-promo", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("5");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("0.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("-5");
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().equals("cus_late_promo"))
                .extracting(item -> new BigDecimal(item.unitAmountDecimal()))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("-500"));
        assertThat(grantsOf("cus_late_promo")).isEmpty();
    }

    @Test
    void aPackStripeAppliedAtTheCloseRefundedInTheNextPeriodQueuesNoItem() throws Exception {
        // given a flex customer's $6 pack of 10 October, loaded and granted while October was open, and $10 of usage
        // on 14 October: Stripe applies the pack at October's invoice and bills $4
        Path input = folder("held-refund");
        Path customers = customers("held-refund", "held-refund,cus_held_refund,flex,month,1,UTC");
        purchases(input, "pack-held,,held-refund,6.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "hrf-1,2026-10-14T10:10:00Z,held-refund,openai,gpt-4o,4000000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // when the pack is refunded on 10 November
        purchases(
                input,
                "pack-held,,held-refund,6.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-held,refund,held-refund,,,2026-11-10T00:00:00Z,,");
        run("2026-11-10", "2026-11-11T02:00:00Z", input, customers);

        // then Stripe held the grant of what the pack paid of October, the month it was bought in ($6, expiring at
        // October's close), and nothing of it from November, so there is nothing to void; October gets no item: a
        // -$6 item (a rule that read the refund as the grant's end, tried and taken back) would credit the $6 Stripe
        // applied a second time
        assertThat(grantsOf("cus_held_refund"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + grant.voidedAt())
                .containsExactly("600 " + epoch("2026-11-01T01:00:00Z") + " null");
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().equals("cus_held_refund"))
                .isEmpty();
    }

    @Test
    void aPackBoughtInsideAPeriodIsGrantedWhatItPaidOfItThenTheRestFromItsClose() throws Exception {
        // given a flex customer's $3 of 5 October, then a $10 pack of 10 October and $4 of the 14th
        Path input = folder("mid-pack");
        Path customers = customers("mid-pack", "mid-pack,cus_mid_pack,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "mpk-1,2026-10-05T10:10:00Z,mid-pack,openai,gpt-4o,1200000,0,0,0,0,0,,ok");
        run("2026-10-05", "2026-10-06T02:00:00Z", input, customers);
        purchases(input, "pack-mid,,mid-pack,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "mpk-2,2026-10-14T10:10:00Z,mid-pack,openai,gpt-4o,1600000,0,0,0,0,0,,ok");

        // when the 14th is run while October is open
        JobExecution open = run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);

        // then the statement bills the 5th's $3 (the pack pays usage from its purchase on) and Stripe holds only what
        // the pack paid of October, $4, before the packs (28), to October's close: the pack granted whole would pay
        // the 5th too when Stripe finalizes October's invoice, which would be $0 against the statement's $3 (hunt S)
        JsonNode statement = statement(open, "mid-pack", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("4");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("3.00");
        assertThat(grantsOf("cus_mid_pack"))
                .extracting(grant -> grant.valueCents() + " " + grant.priority() + " " + grant.expiresAt())
                .containsExactly("400 28 " + epoch("2026-11-01T01:00:00Z"));

        // when the first run after October's close runs
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then the pack's $6 left is granted from then on, and October needs no item
        assertThat(grantsOf("cus_mid_pack"))
                .extracting(grant -> grant.valueCents() + " " + grant.priority() + " " + grant.expiresAt())
                .containsExactly("400 28 " + epoch("2026-11-01T01:00:00Z"), "600 30 null");
        assertThat(itemsOf("cus_mid_pack")).isEmpty();
        assertThat(balances.balanceOf("mid-pack"))
                .hasValueSatisfying(balance -> assertThat(balance.paidUsd()).isEqualByComparingTo("6"));
    }

    @Test
    void lateUsageAPackStripeHeldPaysIsChargedAndTakenBackWhenThePackIsRefundedBeforeTheNextInvoice() throws Exception {
        // given a flex customer's $6 pack of 10 October, granted while October was open, which paid October's $4:
        // Stripe applied it at October's invoice
        Path input = folder("held-late");
        Path customers = customers("held-late", "held-late,cus_held_late,flex,month,1,UTC");
        purchases(input, "pack-held-late,,held-late,6.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "hlt-1,2026-10-14T10:10:00Z,held-late,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        // and $1 of 30 October rated after the close, which the pack pays: an item charges it, as Stripe keeps $1
        // more of the grant for later usage
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "hlt-2,2026-10-30T10:10:00Z,held-late,openai,gpt-4o,400000,0,0,0,0,0,,ok");
        run("2026-11-02", "2026-11-03T02:00:00Z", input, customers);
        assertThat(itemsOf("cus_held_late")).containsExactly("100");

        // when the pack is refunded on 10 November, before Stripe's next invoice could spend that $1
        purchases(
                input,
                "pack-held-late,,held-late,6.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-held-late,refund,held-late,,,2026-11-10T00:00:00Z,,");
        JobExecution refund = run("2026-11-10", "2026-11-11T02:00:00Z", input, customers);

        // then the $1 is taken back: the statement has the pack pay October's $5 and Stripe billed none of it
        JsonNode statement = statement(refund, "held-late", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("5");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("0.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("0");
        assertThat(itemsOf("cus_held_late")).containsExactly("100", "-100");

        // and a rerun of the date adds nothing
        run("2026-11-10", "2026-11-11T03:00:00Z", input, customers);
        assertThat(itemsOf("cus_held_late")).containsExactly("100", "-100");
    }

    @Test
    void aRefundInTheCloseGraceFirstLoadedByTheRunThatClosesThePeriodQueuesNoItem() throws Exception {
        // given a flex customer's $10 pack of 10 October, which paid October's $4 of the 14th: Stripe holds a $4
        // grant of what it paid of October, to October's close
        Path input = folder("closing-grace");
        Path customers = customers("closing-grace", "closing-grace,cus_closing_grace,flex,month,1,UTC");
        purchases(input, "pack-closing-grace,,closing-grace,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "cgr-1,2026-10-14T10:10:00Z,closing-grace,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);

        // when a refund of 00:10 on 1 November is first loaded by the first run after October closed
        purchases(
                input,
                "pack-closing-grace,,closing-grace,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-closing-grace,refund,closing-grace,,,2026-11-01T00:10:00Z,,");
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then October needs no item: Stripe applied the $4 grant there, as the statement has the pack pay it; the
        // pack's $6 left is granted and voided in the same upload. Taking the refunded pack to be one Stripe never
        // held, where the close (recorded without the refund) counted it held, made it a -$4 item
        assertThat(itemsOf("cus_closing_grace")).isEmpty();
        assertThat(grantsOf("cus_closing_grace"))
                .extracting(grant -> grant.valueCents() + " " + (grant.voidedAt() != null))
                .containsExactly("400 false", "600 true");
    }

    @Test
    void aRefundInsideAPeriodFirstLoadedByTheRunThatClosesItInvoicesWhatStripeCreditedBeyondIt() throws Exception {
        // given a flex customer's $10 pack of 10 October, which paid October's $4 of the 14th and $2 of the 28th:
        // Stripe holds a $6 grant of what it paid of October, to October's close, and applies it there
        Path input = folder("closing-refund");
        Path customers = customers("closing-refund", "closing-refund,cus_closing_refund,flex,month,1,UTC");
        purchases(input, "pack-closing,,closing-refund,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "crf-1,2026-10-14T10:10:00Z,closing-refund,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "crf-2,2026-10-28T10:10:00Z,closing-refund,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-10-28", "2026-10-29T02:00:00Z", input, customers);

        // when a refund of 25 October is first loaded by the first run after October closed, which records the
        // close without it
        purchases(
                input,
                "pack-closing,,closing-refund,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-closing,refund,closing-refund,,,2026-10-25T00:00:00Z,,");
        JobExecution closing = run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then the statement bills the 28th's $2, which Stripe's $6 grant paid, and an item invoices it; the pack's
        // own grant, the rest, is never sent: taking that to mean Stripe never held the pack made it a -$4 item
        JsonNode statement = statement(closing, "closing-refund", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("4");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("2.00");
        assertThat(itemsOf("cus_closing_refund")).containsExactly("200");
        assertThat(grantsOf("cus_closing_refund"))
                .extracting(grant -> grant.valueCents() + " " + grant.voidedAt())
                .containsExactly("600 null");
    }

    @Test
    void aRefundInsideAClosedPeriodKnownAfterItsCloseInvoicesWhatStripeCreditedBeyondIt() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $4 of
        // the 14th and $2 of the 28th: Stripe applied $6 of it at October's invoice
        Path input = folder("inside-refund");
        Path customers = customers("inside-refund", "inside-refund,cus_inside_refund,flex,month,1,UTC");
        purchases(input, "pack-inside,,inside-refund,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "irf-1,2026-10-14T10:10:00Z,inside-refund,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "irf-2,2026-10-28T10:10:00Z,inside-refund,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-10-28", "2026-10-29T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // when a refund of 25 October is first seen on 5 November
        purchases(
                input,
                "pack-inside,,inside-refund,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-inside,refund,inside-refund,,,2026-10-25T00:00:00Z,,");
        JobExecution refund = run("2026-11-05", "2026-11-06T02:00:00Z", input, customers);

        // then the statement has the pack pay only the 14th and bills the 28th's $2, which an item invoices: a rule
        // that dropped the pack's $6 carried at the close made it a -$4 item
        JsonNode statement = statement(refund, "inside-refund", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("4");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("2.00");
        assertThat(itemsOf("cus_inside_refund")).containsExactly("200");
    }

    @Test
    void aRefundLoadedInTheCloseGraceVoidsThePackOnlyOnceStripeHasAppliedItToTheEndedPeriod() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $6
        Path input = folder("grace-refund");
        Path customers = customers("grace-refund", "grace-refund,cus_grace_refund,flex,month,1,UTC");
        purchases(input, "pack-grace,,grace-refund,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "grf-1,2026-10-14T10:10:00Z,grace-refund,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "grf-2,2026-10-28T10:10:00Z,grace-refund,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-10-28", "2026-10-29T02:00:00Z", input, customers);

        // when a refund of 00:10 on 1 November is loaded by a run at 00:30, in the hour before October closes
        purchases(
                input,
                "pack-grace,,grace-refund,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-grace,refund,grace-refund,,,2026-11-01T00:10:00Z,,");
        JobExecution inTheGrace = run("2026-10-31", "2026-11-01T00:30:00Z", input, customers);

        // then the grant of what the pack paid of October, the month it was bought in, stays live through October's
        // invoice, which applies its $6 as the statement has it: voided then, it paid nothing there and Stripe billed
        // the $6 as overage (hunt AF)
        assertThat(statement(inTheGrace, "grace-refund", "20261001T0000Z")
                        .get("credits_applied_usd")
                        .asString())
                .isEqualTo("6");
        assertThat(grantsOf("cus_grace_refund"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + grant.voidedAt())
                .containsExactly("600 " + epoch("2026-11-01T01:00:00Z") + " null");

        // and the next night's run, after the close, grants the $4 left and voids it in the same upload (refunded
        // from November on), and October gets no item
        run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);
        assertThat(grantsOf("cus_grace_refund"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + grant.voidedAt())
                .containsExactly(
                        "600 " + epoch("2026-11-01T01:00:00Z") + " null", "400 null " + epoch("2026-11-02T02:00:00Z"));
        assertThat(itemsOf("cus_grace_refund")).isEmpty();
    }

    @Test
    void aRefundInsideAPeriodLoadedInItsGraceGrantsWhatThePackPaidUntilTheClose() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $4 of
        // the 14th and $2 of the 28th
        Path input = folder("grace-inside");
        Path customers = customers("grace-inside", "grace-inside,cus_grace_inside,flex,month,1,UTC");
        purchases(input, "pack-grace-inside,,grace-inside,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "gin-1,2026-10-14T10:10:00Z,grace-inside,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "gin-2,2026-10-28T10:10:00Z,grace-inside,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-10-28", "2026-10-29T02:00:00Z", input, customers);

        // when a refund of 20 October is loaded by a run at 00:30 on 1 November, before October's invoice is final
        purchases(
                input,
                "pack-grace-inside,,grace-inside,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-grace-inside,refund,grace-inside,,,2026-10-20T00:00:00Z,,");
        run("2026-10-31", "2026-11-01T00:30:00Z", input, customers);

        // then the grant of what the pack paid of October, the month it was bought in, made at $6, is voided and
        // made again at what it paid before its refund, the 14th's $4, which Stripe applies at October's invoice,
        // expiring at October's close: without it Stripe billed the $4 the statement has the pack pay (hunt AF), and
        // left at $6 it would have paid the 28th's $2 too (hunt AH)
        assertThat(grantsOf("cus_grace_inside"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + grant.voidedAt())
                .containsExactly(
                        "600 " + epoch("2026-11-01T01:00:00Z") + " " + epoch("2026-11-01T00:30:00Z"),
                        "400 " + epoch("2026-11-01T01:00:00Z") + " null");

        // and the next night's run, after the close, adds no grant and no item
        run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);
        assertThat(grantsOf("cus_grace_inside")).hasSize(2);
        assertThat(itemsOf("cus_grace_inside")).isEmpty();
    }

    @Test
    void aPackBoughtAndRefundedInTheCloseGraceIsNeverGranted() throws Exception {
        // given a flex customer's $4 of usage on 14 October
        Path input = folder("grace-bought");
        Path customers = customers("grace-bought", "grace-bought,cus_grace_bought,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "gbt-1,2026-10-14T10:10:00Z,grace-bought,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);

        // when a pack bought at 00:10 on 1 November and refunded at 00:20 is loaded by a run at 00:30
        purchases(
                input,
                "pack-grace-bought,,grace-bought,10.00,USD,2026-11-01T00:10:00Z,,paid",
                "pack-grace-bought,refund,grace-bought,,,2026-11-01T00:20:00Z,,");
        run("2026-10-31", "2026-11-01T00:30:00Z", input, customers);

        // then nothing is granted: it paid no usage, and live at October's invoice, it would pay October's $4, which
        // the statement bills (hunt AH; an earlier version created it and voided it in the same upload)
        assertThat(grantsOf("cus_grace_bought")).isEmpty();
    }

    @Test
    void aCancellationDatedAheadExpiresThePackOnlyOnceTheLastPeriodItCoveredWholeHasClosed() throws Exception {
        // given a flex customer's $10 pack of 1 October, granted while October was open, which pays October's $4 of
        // the 14th; and its cancellation, dated 15 November, loaded on 21 October
        Path input = folder("ahead-cancel");
        Path customers = customers("ahead-cancel", "ahead-cancel,cus_ahead_cancel,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "ahc-1,2026-10-14T10:10:00Z,ahead-cancel,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        purchases(input, "pack-ahead,,ahead-cancel,10.00,USD,2026-10-01T00:00:00Z,,paid");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);
        purchases(
                input,
                "pack-ahead,,ahead-cancel,10.00,USD,2026-10-01T00:00:00Z,,paid",
                "pack-ahead,cancellation,ahead-cancel,,,2026-11-15T00:00:00Z,,");
        run("2026-10-20", "2026-10-21T02:00:00Z", input, customers);

        // then the pack stays live through October's invoice, which applies it as the statement has it pay October:
        // expired on the 21st, it paid nothing there and Stripe billed the $4 as overage (hunt AG)
        assertThat(grantsOf("cus_ahead_cancel"))
                .singleElement()
                .satisfies(grant -> assertThat(grant.expiresAt()).isNull());

        // when $2 of 5 November is rated after October closed
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "ahc-2,2026-11-05T10:10:00Z,ahead-cancel,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-11-05", "2026-11-06T02:00:00Z", input, customers);

        // then the pack is expired, and what it pays of November before its end is a grant of November's
        assertThat(grantsOf("cus_ahead_cancel"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt())
                .containsExactlyInAnyOrder(
                        "1000 " + epoch("2026-11-06T02:00:00Z"), "200 " + epoch("2026-12-01T00:00:00Z"));
        assertThat(itemsOf("cus_ahead_cancel")).isEmpty();
    }

    @Test
    void aRefundInsideAClosedPeriodKnownAfterTheNextClosedInvoicesWhatStripeCreditedBeyondEach() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $4 of
        // the 14th and $2 of the 28th, and November's $3: Stripe applied $6 of it at October's invoice and $3 at
        // November's
        Path input = folder("after-next");
        Path customers = customers("after-next", "after-next,cus_after_next,flex,month,1,UTC");
        purchases(input, "pack-after-next,,after-next,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "anx-1,2026-10-14T10:10:00Z,after-next,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "anx-2,2026-10-28T10:10:00Z,after-next,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-10-28", "2026-10-29T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "anx-3,2026-11-10T10:10:00Z,after-next,openai,gpt-4o,1200000,0,0,0,0,0,,ok");
        run("2026-11-10", "2026-11-11T02:00:00Z", input, customers);
        run("2026-11-30", "2026-12-01T02:00:00Z", input, customers);

        // when a refund of 25 October is first seen on 3 December, after November closed too
        purchases(
                input,
                "pack-after-next,,after-next,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-after-next,refund,after-next,,,2026-10-25T00:00:00Z,,");
        run("2026-12-02", "2026-12-03T02:00:00Z", input, customers);

        // then the statements bill October's $2 of the 28th and November's $3, which Stripe's live grant paid, and
        // items invoice them: a rule that dropped what the pack carried at October's close made October's a -$4 item
        // (hunt AG: $6 under)
        assertThat(itemsOf("cus_after_next")).containsExactlyInAnyOrder("200", "300");
    }

    @Test
    void aPackFirstSeenTwoPeriodsLateAndRefundedBeforeTheFirstInvoiceThatCouldSpendItCreditsWhatItPaid()
            throws Exception {
        // given a flex customer's $5 of 20 September, metered while September was open, and a $10 pack of 15
        // September first seen on 2 November: Stripe's first invoice to spend its grant is November's
        Path input = folder("two-late");
        Path customers = customers("two-late", "two-late,cus_two_late,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "twl-1,2026-09-20T10:10:00Z,two-late,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-09-20", "2026-09-21T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        purchases(input, "pack-two-late,,two-late,10.00,USD,2026-09-15T00:00:00Z,,paid");
        run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);

        // when it is refunded on 5 November
        purchases(
                input,
                "pack-two-late,,two-late,10.00,USD,2026-09-15T00:00:00Z,,paid",
                "pack-two-late,refund,two-late,,,2026-11-05T00:00:00Z,,");
        run("2026-11-05", "2026-11-06T02:00:00Z", input, customers);

        // then September gets a negative item of the $5 the pack paid, which Stripe billed and never credited (the
        // rule that looked at October's invoice, the one after September's, carried it: hunt AD)
        assertThat(itemsOf("cus_two_late")).containsExactly("-500");
    }

    @Test
    void aRefundFirstSeenAfterTheInvoiceThatSpentTheGrantLeavesTheClosedPeriodAsItIs() throws Exception {
        // given a flex customer's $5 of 30 October, metered while October was open, a $10 pack of 15 October first
        // seen on 2 November (no item: its grant pays $5 more of later usage), and $10 of 10 November, metered: the
        // ledger has the pack pay $5 of it, Stripe's live grant paid all $10 at November's invoice
        Path input = folder("spent-refund");
        Path customers = customers("spent-refund", "spent-refund,cus_spent_refund,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "spr-1,2026-10-30T10:10:00Z,spent-refund,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);
        purchases(input, "pack-spent,,spent-refund,10.00,USD,2026-10-15T00:00:00Z,,paid");
        run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "spr-2,2026-11-10T10:10:00Z,spent-refund,openai,gpt-4o,4000000,0,0,0,0,0,,ok");
        run("2026-11-10", "2026-11-11T02:00:00Z", input, customers);
        run("2026-11-30", "2026-12-01T02:00:00Z", input, customers);

        // when a refund of 28 November is first seen on 3 December, after that invoice
        purchases(
                input,
                "pack-spent,,spent-refund,10.00,USD,2026-10-15T00:00:00Z,,paid",
                "pack-spent,refund,spent-refund,,,2026-11-28T00:00:00Z,,");
        run("2026-12-02", "2026-12-03T02:00:00Z", input, customers);

        // then no item: Stripe's grant was live at November's invoice and spent the $5 October carried (a rule
        // that read the refund's time alone credited October $5: hunt AD)
        assertThat(itemsOf("cus_spent_refund")).isEmpty();
    }

    @Test
    void aRefundAfterAnEarlierPeriodsLateUsageTookThePackFromTheNextDoesNotChargeThatAgain() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $4
        // and $6 of November's $8: Stripe applied $4 and $6 at the two invoices
        Path input = folder("grown");
        Path customers = customers("grown", "grown,cus_grown,flex,month,1,UTC");
        purchases(input, "pack-grown,,grown,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "grw-1,2026-10-14T10:10:00Z,grown,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "grw-2,2026-11-14T10:10:00Z,grown,openai,gpt-4o,3200000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        run("2026-11-14", "2026-11-15T02:00:00Z", input, customers);
        run("2026-11-30", "2026-12-01T02:00:00Z", input, customers);
        // and $3 of 31 October rated after both closed: the pack pays it, so it pays $3 less of November; October's
        // item charges the $3 Stripe's grant then pays of November beyond the ledger
        UsageFixtures.write(
                input.resolve("gateway-2.csv"), "grw-3,2026-10-31T11:10:00Z,grown,openai,gpt-4o,1200000,0,0,0,0,0,,ok");
        run("2026-12-01", "2026-12-02T02:00:00Z", input, customers);
        assertThat(itemsOf("cus_grown")).containsExactly("300");

        // when the pack, used up, is refunded on 10 December
        purchases(
                input,
                "pack-grown,,grown,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-grown,refund,grown,,,2026-12-10T00:00:00Z,,");
        run("2026-12-10", "2026-12-11T02:00:00Z", input, customers);

        // then no item: November's $3 more overage is what Stripe's grant paid of it beyond the ledger, which the
        // October item charged (keeping November's $6 as at the close charged it again: hunt AE)
        assertThat(itemsOf("cus_grown")).containsExactly("300");
    }

    @Test
    void aRefundInsideAClosedPeriodSeenWithAnEarlierPeriodsLateUsageChargesThatUsageOnce() throws Exception {
        // given a flex customer's $10 pack of 10 October, granted while October was open, which paid October's $4 and
        // $6 of November's $7: Stripe applied $4 and $6 at the two invoices
        Path input = folder("ended-inside");
        Path customers = customers("ended-inside", "ended-inside,cus_ended_inside,flex,month,1,UTC");
        purchases(input, "pack-ended-inside,,ended-inside,10.00,USD,2026-10-10T00:00:00Z,,paid");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "eis-1,2026-10-14T10:10:00Z,ended-inside,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "eis-2,2026-11-05T10:10:00Z,ended-inside,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "eis-3,2026-11-25T10:10:00Z,ended-inside,openai,gpt-4o,1200000,0,0,0,0,0,,ok");
        run("2026-10-14", "2026-10-15T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        run("2026-11-25", "2026-11-26T02:00:00Z", input, customers);
        run("2026-11-30", "2026-12-01T02:00:00Z", input, customers);

        // when one run sees $3 of 20 October and a refund of 20 November: the pack, used up by the 5th, pays
        // October's $7 and $3 of November, and November's overage grows by the $3 October now takes
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "eis-4,2026-10-20T10:10:00Z,ended-inside,openai,gpt-4o,1200000,0,0,0,0,0,,ok");
        purchases(
                input,
                "pack-ended-inside,,ended-inside,10.00,USD,2026-10-10T00:00:00Z,,paid",
                "pack-ended-inside,refund,ended-inside,,,2026-11-20T00:00:00Z,,");
        JobExecution late = run("2026-12-02", "2026-12-03T02:00:00Z", input, customers);

        // then October's item charges the $3 once, which Stripe's grant paid of November beyond the ledger: Stripe
        // bills $1 and $3, the statements $0 and $4 (a November item of $3 more: hunt AF)
        assertThat(statement(late, "ended-inside", "20261101T0000Z")
                        .get("total_due_usd")
                        .asString())
                .isEqualTo("4.00");
        assertThat(itemsOf("cus_ended_inside")).containsExactly("300");
    }

    @Test
    void anInvoiceItemSentLongerAgoThanStripeDedupsWithNoAnswerIsFoundInStripeOrElseSentAsNew() throws Exception {
        // given a usage-based customer's $4 of 31 October, run on 1 November after October closed: an invoice item
        Path input = folder("stale-item");
        Path customers = customers("stale-item", "stale-item,cus_stale_item,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "si-1,2026-10-31T10:10:00Z,stale-item,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        assertThat(itemsOf("cus_stale_item")).containsExactly("400");

        // when its row is left as a call whose answer was lost leaves it, and the next run comes 25 hours later
        leaveItemSentWithNoAnswer("stale-item", "IN_FLIGHT");
        JobExecution found = run("2026-10-31", "2026-11-02T03:00:00Z", input, customers);

        // then the run finds the item by the identifier in its metadata, sends none, and its report counts it apart
        // from credit grant rows
        assertThat(itemsOf("cus_stale_item")).containsExactly("400");
        assertThat(itemRow("stale-item")).isEqualTo("SENT FOUND_IN_STRIPE");
        JsonNode stripeReport = report(found).get("stripe");
        assertThat(stripeReport.get("invoice_items_found_in_stripe").asLong()).isPositive();
        assertThat(stripeReport.get("credit_grant_rows_found_in_stripe").asLong())
                .isZero();

        // and when an item that never arrived is left so, Stripe having forgotten its key, the next run sends it once
        leaveItemSentWithNoAnswer("stale-item", "IN_FLIGHT");
        stripe().forgetInvoiceItemsOf("cus_stale_item");
        stripe().forgetIdempotencyKeys();
        run("2026-10-31", "2026-11-03T04:00:00Z", input, customers);
        run("2026-10-31", "2026-11-03T05:00:00Z", input, customers);
        assertThat(itemsOf("cus_stale_item")).containsExactly("400");

        // and a row a version before the lookups left uncertain is found by the next run
        leaveItemSentWithNoAnswer("stale-item", "UNCERTAIN");
        run("2026-10-31", "2026-11-03T06:00:00Z", input, customers);
        assertThat(itemsOf("cus_stale_item")).containsExactly("400");
        assertThat(itemRow("stale-item")).isEqualTo("SENT FOUND_IN_STRIPE");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'UPLOAD_UNCERTAIN'"
                                + " AND message LIKE 'customer stale-item,%'",
                        Integer.class))
                .isZero();
    }

    @Test
    void anInvoiceItemAnOlderVersionLeftUncertainWhoseErrorAPersonTookOnIsLeftToThatPerson() throws Exception {
        // given two customers' closed-period items that a version before the lookups left uncertain, with its error
        // telling a person to send each by hand if it had not arrived; one person resolved the error, the other
        // acknowledged it, and what they made by hand carries no identifier a lookup could find
        Path input = folder("hand-item");
        Path customers = customers(
                "hand-item", "hand-res,cus_hand_res,flex,month,1,UTC", "hand-ack,cus_hand_ack,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "hi-1,2026-10-31T10:10:00Z,hand-res,openai,gpt-4o,1600000,0,0,0,0,0,,ok",
                "hi-2,2026-10-31T10:10:00Z,hand-ack,openai,gpt-4o,1600000,0,0,0,0,0,,ok");
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        for (String customer : List.of("hand-res", "hand-ack")) {
            leaveItemSentWithNoAnswer(customer, "UNCERTAIN");
            String key = "UPLOAD_UNCERTAIN:"
                    + jdbc.queryForObject(
                            "SELECT identifier FROM outbox WHERE customer_id = ? AND kind = 'INVOICE_ITEM'",
                            String.class,
                            customer);
            findingRepository.record(
                    new Finding(key, "UPLOAD_UNCERTAIN", Finding.Severity.ERROR, "customer " + customer + ": check"),
                    0);
            findingRepository.setStatus(key, customer.equals("hand-res") ? "RESOLVED" : "ACKNOWLEDGED");
        }
        stripe().forgetInvoiceItemsOf("cus_hand_res");
        stripe().forgetInvoiceItemsOf("cus_hand_ack");
        stripe().forgetIdempotencyKeys();

        // when the next run comes
        run("2026-10-31", "2026-11-02T03:00:00Z", input, customers);

        // then it sends neither again: both are left to the person
        assertThat(itemsIn("cus_hand_res")).isEmpty();
        assertThat(itemsIn("cus_hand_ack")).isEmpty();
        assertThat(jdbc.queryForList(
                        "SELECT state FROM outbox WHERE customer_id IN ('hand-res', 'hand-ack')"
                                + " AND kind = 'INVOICE_ITEM'",
                        String.class))
                .containsExactly("UNCERTAIN", "UNCERTAIN");
    }

    /** A customer's one invoice item row, as its state and outcome. */
    private String itemRow(String customer) {
        return jdbc.queryForObject(
                "SELECT state || ' ' || outcome FROM outbox WHERE customer_id = ? AND kind = 'INVOICE_ITEM'",
                String.class,
                customer);
    }

    /**
     * Leaves a customer's invoice item row as a call whose answer was lost at 03:00 on 1 November leaves it: in
     * flight, or {@code UNCERTAIN} as a version before the lookups left it.
     */
    private void leaveItemSentWithNoAnswer(String customer, String state) {
        jdbc.update(
                "UPDATE outbox SET state = ?, outcome = NULL, in_flight_at = ? WHERE customer_id = ?"
                        + " AND kind = 'INVOICE_ITEM'",
                state,
                SqlTime.utc(Instant.parse("2026-11-01T03:00:00Z")),
                customer);
    }

    /** The unit amounts of the customer's invoice items, in cents, in the order they were created. */
    private List<String> itemsOf(String stripeCustomer) {
        return itemsIn(stripeCustomer).stream()
                .map(item -> new BigDecimal(item.unitAmountDecimal())
                        .stripTrailingZeros()
                        .toPlainString())
                .toList();
    }

    /**
     * The Stripe customer's invoice items: the scenarios share one database and run the job at clocks that go back
     * and forth, so a run of a later scenario at an earlier clock can plan an item for an earlier scenario's
     * customer (its first-period grant looks live again), which reaches the later scenario's fake.
     */
    private List<FakeStripe.InvoiceItem> itemsIn(String stripeCustomer) {
        return stripe().invoiceItems().stream()
                .filter(item -> item.customer().equals(stripeCustomer))
                .toList();
    }

    @Test
    void aLatePackRefundedBeforeStripeCouldSpendItCreditsTheClosedPeriodItPaid() throws Exception {
        // given a flex customer's $5 of 30 October, metered while October was open
        Path input = folder("late-refund");
        Path customers = customers("late-refund", "late-refund,cus_late_refund,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "lrf-1,2026-10-30T10:10:00Z,late-refund,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);
        // and a $10 pack of 15 October first seen after October closed: it pays October's $5 on the statement, and
        // Stripe, which invoiced the $5, is to spend the pack's grant on later usage (no item)
        purchases(input, "pack-oct,,late-refund,10.00,USD,2026-10-15T00:00:00Z,,paid");
        run("2026-11-01", "2026-11-02T02:00:00Z", input, customers);
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().equals("cus_late_refund"))
                .isEmpty();

        // when the pack is refunded on 5 November, before Stripe finalized an invoice it could pay (the run that
        // loads the refund plans October, the purchase's period, though the refund falls in November)
        purchases(
                input,
                "pack-oct,,late-refund,10.00,USD,2026-10-15T00:00:00Z,,paid",
                "pack-oct,refund,late-refund,,,2026-11-05T00:00:00Z,,");
        JobExecution refund = run("2026-11-05", "2026-11-06T02:00:00Z", input, customers);

        // then the statement still has the pack pay October's $5 (it paid usage before its end), and Stripe, whose
        // grant is voided, credits the $5 it invoiced by a negative item (it billed $5 and credited nothing)
        JsonNode statement = statement(refund, "late-refund", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("5");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("0.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("-5");
        assertThat(grantsOf("cus_late_refund"))
                .singleElement()
                .satisfies(grant -> assertThat(grant.voidedAt()).isNotNull());
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().equals("cus_late_refund"))
                .extracting(item -> new BigDecimal(item.unitAmountDecimal()))
                .usingComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .containsExactly(new BigDecimal("-500"));
    }

    @Test
    void aLateInvoiceItemWhoseAnswerWasLostIsCreatedOnceAndRerunsAddNothing() throws Exception {
        // given a flex customer whose 31 October ($5) is run after October closed
        Path input = folder("crash");
        Path customers = customers("crash", "late-crash,cus_late_crash,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "lx-1,2026-10-31T10:10:00Z,late-crash,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        assertThat(itemsIn("cus_late_crash")).hasSize(1);

        // when the answer was lost (the row left in flight) and the day is run again, twice
        jdbc.update("UPDATE outbox SET state = 'IN_FLIGHT', outcome = NULL WHERE customer_id = 'late-crash'"
                + " AND meter = 'closed-period'");
        run("2026-10-31", "2026-11-01T03:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T04:00:00Z", input, customers);

        // then Stripe replayed the same idempotency key: one invoice item of $5, one outbox row, sent
        assertThat(itemsIn("cus_late_crash"))
                .singleElement()
                .satisfies(item ->
                        assertThat(new BigDecimal(item.unitAmountDecimal())).isEqualByComparingTo("500"));
        assertThat(jdbc.queryForList(
                        "SELECT state FROM outbox WHERE customer_id = 'late-crash' AND meter = 'closed-period'",
                        String.class))
                .containsExactly("SENT");
        assertThat(stripe().events())
                .filteredOn(e -> e.customer().equals("cus_late_crash"))
                .isEmpty();
    }

    @Test
    void lateUsagePaidFromAPaidPackIsInvoicedBecauseStripeKeepsThePackForLaterMeteredUsage() throws Exception {
        // given a team customer with a $20 paid pack (bought 1 October) whose $10 of 30 October used up
        // October's included usage
        Path input = folder("paid");
        Path customers = customers("paid", "late-paid,cus_late_paid,team,month,1,UTC");
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n"
                        + "pack-late,late-paid,20.00,USD,2026-10-01T00:00:00Z\n");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "lp-1,2026-10-30T10:10:00Z,late-paid,openai,gpt-4o,4000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);

        // when 31 October's $5 arrives after October closed
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "lp-2,2026-10-31T10:10:00Z,late-paid,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        JobExecution closing = run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then the engine pays it from the pack (statement: nothing due beyond the fee, $15 left), but Stripe
        // cannot apply the pack to an invoice item: the $5 is invoiced, and Stripe's pack keeps $20
        JsonNode statement = statement(closing, "late-paid", "20261001T0000Z");
        assertThat(statement.get("credits_applied_usd").asString()).isEqualTo("5");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("30.00");
        assertThat(statement.get("late_invoice_items_usd").asString()).isEqualTo("5");
        assertThat(balances.balanceOf("late-paid"))
                .hasValueSatisfying(balance -> assertThat(balance.paidUsd()).isEqualByComparingTo("15"));
        assertThat(itemsIn("cus_late_paid"))
                .singleElement()
                .satisfies(item ->
                        assertThat(new BigDecimal(item.unitAmountDecimal())).isEqualByComparingTo("500"));
        assertThat(grantsOf("cus_late_paid"))
                .filteredOn(grant -> grant.category().equals("paid"))
                .singleElement()
                .satisfies(grant -> assertThat(grant.valueCents()).isEqualTo(2000));
        assertThat(jdbc.queryForList(
                        "SELECT severity FROM finding WHERE kind = 'LATE_USAGE_INVOICED' AND finding_key LIKE ?",
                        String.class,
                        "late-usage-invoiced:late-paid:period:%"))
                .containsExactly("WARNING");

        // when November brings $30 (3,000,000 output tokens), metered
        UsageFixtures.write(
                input.resolve("gateway-3.csv"),
                "lp-3,2026-11-05T10:10:00Z,late-paid,openai,gpt-4o,0,0,0,0,3000000,0,,ok");
        JobExecution november = run("2026-11-05", "2026-11-06T02:00:00Z", input, customers);

        // then the engine bills $10 included, $15 from the pack and $5 overage: 30 + 5 = 35.00. Stripe bills
        // the $30 metered less its $10 promotional grant less the pack's $20: 0, plus the $30 fee. In total
        // the engine says 30 + 35 = 65; Stripe bills October's 30, the $5 item and November's 30: 65.
        JsonNode nov = statement(november, "late-paid", "20261101T0000Z");
        assertThat(nov.get("credits_applied_usd").asString()).isEqualTo("15");
        assertThat(nov.get("total_due_usd").asString()).isEqualTo("35.00");
        assertThat(meterTotal("cus_late_paid")).isEqualTo(40_000_000L);
    }

    @Test
    void aTokyoCustomersPeriodClosesAtTokyoMidnightAndOnlyItsOwnHoursBecomeAnInvoiceItem() throws Exception {
        // given a team customer anchored on the 1st in Tokyo: October is [30 Sep 15:00Z, 31 Oct 15:00Z);
        // $7.50 on 30 October, run while October is open
        Path input = folder("tokyo");
        Path customers = customers("tokyo", "late-tokyo,cus_late_tokyo,team,month,1,Asia/Tokyo");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "ty-1,2026-10-30T10:10:00Z,late-tokyo,openai,gpt-4o,3000000,0,0,0,0,0,,ok");
        run("2026-10-30", "2026-10-31T02:00:00Z", input, customers);

        // when UTC day 31 October is run at 1 November 02:00Z: $5 at 10:00Z (Tokyo's October) and $2.50 at
        // 16:00Z (Tokyo's November)
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "ty-2,2026-10-31T10:10:00Z,late-tokyo,openai,gpt-4o,2000000,0,0,0,0,0,,ok",
                "ty-3,2026-10-31T16:10:00Z,late-tokyo,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        JobExecution run = run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);

        // then October's $12.50 against $10: $2.50 invoiced; November's hour is a meter event
        assertThat(stripe().invoiceItems())
                .singleElement()
                .satisfies(item ->
                        assertThat(new BigDecimal(item.unitAmountDecimal())).isEqualByComparingTo("250"));
        assertThat(stripe().events())
                .filteredOn(e -> e.customer().equals("cus_late_tokyo"))
                .extracting(FakeStripe.Event::value, FakeStripe.Event::timestamp)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                7_500_000L,
                                Instant.parse("2026-10-30T10:00:00Z").getEpochSecond()),
                        org.assertj.core.groups.Tuple.tuple(
                                2_500_000L,
                                Instant.parse("2026-10-31T16:00:00Z").getEpochSecond()));
        JsonNode october = statement(run, "late-tokyo", "20260930T1500Z");
        assertThat(october.get("overage_usd").asString()).isEqualTo("2.5");
        assertThat(october.get("total_due_usd").asString()).isEqualTo("32.50");
        assertThat(october.get("late_invoice_items_usd").asString()).isEqualTo("2.5");
        JsonNode november = statement(run, "late-tokyo", "20261031T1500Z");
        assertThat(november.has("late_invoice_items")).isFalse();
    }

    @Test
    void aPeriodRecordedClosedUnderAShorterGraceTakesItsLateUsageAsAnInvoiceItemOnceTheGraceIsLonger()
            throws Exception {
        // given a flex customer's $2.50 of 20 October sent as a meter event, and October closed at 1 November 00:20Z,
        // as a run under a 15-minute grace records it (the scenarios' grace is an hour: the record is dated so)
        Path input = folder("longer-grace");
        Path customers = customers("longer-grace", "longer-grace,cus_longer_grace,flex,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"),
                "lg-1,2026-10-20T10:10:00Z,longer-grace,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run("2026-10-20", "2026-10-21T02:00:00Z", input, customers);
        run("2026-10-31", "2026-11-01T02:00:00Z", input, customers);
        jdbc.update(
                "UPDATE closed_period SET closed_at = ? WHERE customer_id = 'longer-grace'",
                SqlTime.utc(Instant.parse("2026-11-01T00:20:00Z")));

        // when $5 more of 25 October is run at 00:30Z, inside October's grace of an hour (hunt EA: a grace made
        // longer after the close sent the late usage as meter events on the invoiced period)
        UsageFixtures.write(
                input.resolve("gateway-2.csv"),
                "lg-2,2026-10-25T10:10:00Z,longer-grace,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-10-25", "2026-11-01T00:30:00Z", input, customers);

        // then the $5 is one invoice item and the meter holds only what was sent before the close
        assertThat(itemsOf("cus_longer_grace")).containsExactly("500");
        assertThat(meterTotal("cus_longer_grace")).isEqualTo(2_500_000L);
    }

    /** OpenAI's usage export: one bucket, 31 October 10:00-11:00Z, of uncached gpt-4o input for proj_late_corr. */
    @Test
    void aPlanChangeInsideAnOpenPeriodReplacesTheIncludedGrantByWhatTheEndedPlanUsedAndUndoingThePlanVoidsIt()
            throws Exception {
        // given a team customer whose August included usage ($10, expiring at the period's end) is in Stripe
        Path input = folder("upgrade");
        Path customers = customers("upgrade", "grant-change,cus_grant_change,team,month,1,UTC");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                // 800,000 input tokens of gpt-4o: $2
                "gc-1,2026-08-05T10:10:00Z,grant-change,openai,gpt-4o,800000,0,0,0,0,0,,ok");
        run("2026-08-05", "2026-08-06T02:00:00Z", input, customers);
        assertThat(grantsOf("cus_grant_change"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + grant.voidedAt())
                .containsExactly("1000 " + epoch("2026-09-01T00:00:00Z") + " null");

        // when the customers file moves it to the flex plan (no included usage) from 16 August, and the day is
        // run again (twice)
        Files.writeString(customers, """
                customer_id,stripe_customer_id,plan_id,plan_effective_from
                grant-change,cus_grant_change,team,
                grant-change,cus_grant_change,flex,2026-08-16T00:00:00Z
                """);
        run("2026-08-05", "2026-08-06T03:00:00Z", input, customers);
        run("2026-08-05", "2026-08-06T04:00:00Z", input, customers);

        // then the $10 grant is voided, and team's part of August grants what its usage used of its $4.84 (15 of
        // 31 days): $2, to the period's end (Stripe applies it to the whole invoice, the flex days' usage too)
        assertThat(grantsOf("cus_grant_change"))
                .extracting(grant -> grant.valueCents() + " " + grant.expiresAt() + " " + (grant.voidedAt() != null))
                .containsExactly(
                        "1000 " + epoch("2026-09-01T00:00:00Z") + " true",
                        "200 " + epoch("2026-09-01T00:00:00Z") + " false");

        // when the customer is on flex for the whole period after all
        Files.writeString(customers, """
                customer_id,stripe_customer_id,plan_id
                grant-change,cus_grant_change,flex
                """);
        run("2026-08-05", "2026-08-06T05:00:00Z", input, customers);

        // then Stripe holds no included usage for it
        assertThat(grantsOf("cus_grant_change"))
                .hasSize(2)
                .allSatisfy(grant -> assertThat(grant.voidedAt()).isNotNull());
    }

    @Test
    void creditsThatEndInsideAnOpenPeriodAreGrantedToItsEndAsWhatTheyPaidOfItsUsage() throws Exception {
        // given a customer paying per token with a $4 promotion expiring on 10 September and a $6 pack refunded on
        // the 20th; $3 of usage on the 5th (the promotion pays it), $5 on the 15th (the pack pays it) and $2 on the
        // 25th (overage)
        Path input = folder("ending");
        Path customers = customers("ending", "ending-credits,cus_ending_credits,flex,month,1,UTC");
        purchases(
                input,
                "promo-sep,,ending-credits,4.00,USD,2026-09-01T00:00:00Z,2026-09-10T00:00:00Z,promotional",
                "pack-sep,,ending-credits,6.00,USD,2026-09-01T00:00:00Z,,paid",
                "pack-sep,refund,ending-credits,,,2026-09-20T00:00:00Z,,");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                // gpt-4o input at $2.50 per million: 1.2M tokens $3, 2M $5, 0.8M $2
                "ec-1,2026-09-05T10:10:00Z,ending-credits,openai,gpt-4o,1200000,0,0,0,0,0,,ok",
                "ec-2,2026-09-15T10:10:00Z,ending-credits,openai,gpt-4o,2000000,0,0,0,0,0,,ok",
                "ec-3,2026-09-25T10:10:00Z,ending-credits,openai,gpt-4o,800000,0,0,0,0,0,,ok");

        // when the 25th is run, before September closes
        JobExecution run = run("2026-09-25", "2026-09-26T02:00:00Z", input, customers);

        // then the statement bills $2; Stripe, which applies credits only when it finalizes September's invoice (the
        // promotion, already expired, is not created; the pack is created and voided), gets what each paid of
        // September's usage as a grant to the period's end: it bills the $10 metered less $3 and $5, the same $2
        JsonNode statement = statement(run, "ending-credits", "20260901T0000Z");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("2.00");
        assertThat(meterTotal("cus_ending_credits")).isEqualTo(10_000_000L);
        assertThat(grantsOf("cus_ending_credits"))
                .extracting(grant -> grant.category() + " " + grant.valueCents() + " " + grant.expiresAt() + " "
                        + (grant.voidedAt() != null))
                .containsExactlyInAnyOrder(
                        "paid 600 null true",
                        "promotional 300 " + epoch("2026-10-01T00:00:00Z") + " false",
                        "paid 500 " + epoch("2026-10-01T00:00:00Z") + " false");

        // and a rerun sends nothing more
        int calls = stripe().calls();
        run("2026-09-25", "2026-09-26T03:00:00Z", input, customers);
        assertThat(stripe().calls()).isEqualTo(calls);
    }

    List<FakeStripe.Grant> grantsOf(String stripeCustomer) {
        return stripe().creditGrants().stream()
                .filter(grant -> grant.customer().equals(stripeCustomer))
                .toList();
    }

    /** Writes the input folder's purchases file: its header, then {@code rows}. */
    static void purchases(Path input, String... rows) throws IOException {
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,event,customer_id,amount,currency,time,expires_at,category\n" + String.join("\n", rows)
                        + "\n");
    }

    static long epoch(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    static String openAiUsage(long input) {
        long start = Instant.parse("2026-10-31T10:00:00Z").getEpochSecond();
        return """
                {"object": "page", "data": [{"object": "bucket", "start_time": %d, "end_time": %d, "results": [
                  {"object": "organization.usage.completions.result", "input_tokens": %d, "input_cached_tokens": 0,
                   "input_cache_write_tokens": 0, "input_uncached_tokens": %d, "input_text_tokens": %d,
                   "input_cached_text_tokens": 0, "input_audio_tokens": 0, "input_cached_audio_tokens": 0,
                   "input_image_tokens": 0, "input_cached_image_tokens": 0, "output_tokens": 0,
                   "output_text_tokens": 0, "output_audio_tokens": 0, "output_image_tokens": 0,
                   "num_model_requests": 4, "project_id": "proj_late_corr", "user_id": null, "api_key_id": null,
                   "model": "gpt-4o-2024-08-06", "batch": false, "service_tier": "default"}]}],
                 "has_more": false, "next_page": null}
                """.formatted(start, start + 3600, input, input, input);
    }

    JobExecution run(String date, String now, Path input, Path customers) throws Exception {
        CLOCK.set(Instant.parse(now));
        JobExecution execution = runs.run(parameters(date, input, customers));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    static BillingJobParameters parameters(String date, Path input, Path customers) {
        return new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                FIXTURES.resolve("pricing-models-plans.yaml"),
                FIXTURES.resolve("job-prices.csv"));
    }

    long meterTotal(String stripeCustomer) {
        return stripe().events().stream()
                .filter(event -> event.customer().equals(stripeCustomer))
                .mapToLong(FakeStripe.Event::value)
                .sum();
    }

    /** The customer's late usage findings: one per closed period and invoice item, no other. */
    List<String> findings(String customer) {
        return jdbc.queryForList(
                "SELECT message FROM finding WHERE kind = 'LATE_USAGE_INVOICED' AND finding_key LIKE ?",
                String.class,
                "late-usage-invoiced:" + customer + ":%");
    }

    JsonNode statement(JobExecution execution, String customer, String period) throws IOException {
        return JSON.readTree(runFolder(execution)
                .resolve("statements")
                .resolve(customer + "-" + period + ".json")
                .toFile());
    }

    JsonNode report(JobExecution execution) {
        return JSON.readTree(runFolder(execution).resolve("report.json").toFile());
    }

    private Path runFolder(JobExecution execution) {
        return RunFolders.of(
                workDir().resolve("runs"),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    Path customers(String name, String... rows) throws IOException {
        for (String row : rows) {
            stripe().customers(row.split(",")[1]);
        }
        Path file = workDir().resolve(name + "-customers.csv");
        Files.writeString(file, HEADER + "\n" + String.join("\n", rows) + "\n");
        return file;
    }

    Path folder(String name) throws IOException {
        return Files.createDirectories(workDir().resolve("input-" + name).resolve(name));
    }

    static FakeStripe start() {
        try {
            return new FakeStripe(CLOCK).meters(new AmountMeterLayout("tokentally").meters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fake Stripe, the runs folder and the project-to-customer mapping of a subclass's database. */
    static void properties(DynamicPropertyRegistry registry, FakeStripe stripe, Path work) {
        registry.add("tokentally.runs-dir", () -> work.resolve("runs").toString());
        registry.add("tokentally.stripe.api-key", () -> "sk_test_tokentally");
        registry.add("tokentally.stripe.api-base", stripe::baseUrl);
        registry.add("tokentally.stripe.meter-events-base", stripe::baseUrl);
        registry.add("tokentally.stripe.rate-per-second", () -> "200");
        registry.add("tokentally.stripe.backoff-millis", () -> "25");
        registry.add("tokentally.stripe.read-back", () -> "false");
        registry.add("tokentally.attribution.mapping-file", () -> {
            Path mapping = work.resolve("customer-keys.csv");
            try {
                Files.writeString(mapping, "key,value,customer_id\nopenai.project_id,proj_late_corr,late-corr\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return mapping.toString();
        });
    }

    /** The run's clock, set by each scenario before each run. */
    @TestConfiguration(proxyBeanMethods = false)
    static class ClockConfiguration {
        @Bean
        @Primary
        Clock settableClock() {
            return CLOCK;
        }
    }

    /** A clock the scenarios set by hand. */
    static final class SettableClock extends Clock {

        private volatile Instant now = Instant.parse("2026-10-01T00:00:00Z");

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
