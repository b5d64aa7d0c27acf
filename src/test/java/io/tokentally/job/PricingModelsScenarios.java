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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fixed fees, included usage, credit packs, plan changes and refunds through the whole job, with
 * statements computed by hand, and credit grants reaching the fake Stripe exactly once. Prices:
 * gpt-4o input $2.50 and output $10 per million tokens; the plans have no markup.
 */
abstract class PricingModelsScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    FindingRepository findings;

    @Autowired
    CustomerBalances balances;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier(RerateJobConfiguration.RERATE_JOB)
    Job rerateJob;

    abstract FakeStripe stripe();

    abstract Path workDir();

    abstract WebhookReceiver webhook();

    @BeforeEach
    void resetStripe() {
        stripe().reset();
    }

    @Test
    void planChangeMidPeriodSplitsFeeAndIncludedUsageAndALatePurchasePaysEarlierUsage() throws Exception {
        // given flex until 2026-09-16, then team ($30 fee, $10 included) for 15 of September's 30 days
        Path input = folder("change");
        Path customers = customers(
                "change",
                "customer_id,stripe_customer_id,plan_id,plan_effective_from",
                "change-a,cus_change_a,flex,",
                "change-a,cus_change_a,team,2026-09-16T00:00:00Z");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                // 2,000,000 input tokens on flex: $5
                "chg-1,2026-09-15T10:10:00Z,change-a,openai,gpt-4o,2000000,0,0,0,0,0,,ok",
                // 1,000,000 output tokens on team: $10, of which $5 included (half of $10)
                "chg-2,2026-09-16T10:10:00Z,change-a,openai,gpt-4o,0,0,0,0,1000000,0,,ok");

        // when
        JobExecution first = run("2026-09-16", input, customers);

        // then: fee 30 x 15/30 = 15; overage 5 + 5 = 10; due 25
        JsonNode statement = statement(first, "change-a", "20260901T0000Z");
        assertThat(statement.get("fixed_fees_usd").asString()).isEqualTo("15");
        assertThat(statement.get("usage_usd").asString()).isEqualTo("15");
        assertThat(statement.get("included_applied_usd").asString()).isEqualTo("5");
        assertThat(statement.get("overage_usd").asString()).isEqualTo("10");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("25.00");
        assertThat(statement.get("plans")).hasSize(2);
        assertThat(statement.get("included").get(0).get("granted_usd").asString())
                .isEqualTo("5");

        // when a $4 pack bought on 15 September arrives late, and the day is run again
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n" + "pack-1,change-a,4.00,USD,2026-09-15T00:00:00Z\n");
        JobExecution rerun = run("2026-09-16", input, customers);

        // then the pack pays $4 of the flex usage: overage 1 + 5, due 21; the grant reaches Stripe
        JsonNode again = statement(rerun, "change-a", "20260901T0000Z");
        assertThat(again.get("credits_applied_usd").asString()).isEqualTo("4");
        assertThat(again.get("credits").get(0).get("grant").asString()).isEqualTo("purchase:pack-1");
        assertThat(again.get("total_due_usd").asString()).isEqualTo("21.00");
        // (September's included usage expired long ago and is not granted; the current period's is)
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.category().equals("promotional"))
                .singleElement()
                .satisfies(grant -> assertThat(grant.valueCents()).isEqualTo(1000));
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.category().equals("paid"))
                .singleElement()
                .satisfies(grant -> {
                    assertThat(grant.customer()).isEqualTo("cus_change_a");
                    assertThat(grant.category()).isEqualTo("paid");
                    assertThat(grant.valueCents()).isEqualTo(400);
                    assertThat(grant.effectiveAt()).isNull(); // bought in the past: effective when Stripe receives it
                });
    }

    @Test
    void includedUsageAndPacksBecomeGrantsOnceAndARefundVoidsThePack() throws Exception {
        // given a team customer (included usage) and a prepaid customer with a $25 pack
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = folder("grants");
        Path customers = customers(
                "grants",
                "customer_id,stripe_customer_id,plan_id",
                "grants-team,cus_grants_team,team",
                "grants-pre,cus_grants_pre,prepaid");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                // $5 of input for the prepaid customer
                "gr-1," + day + "T03:00:00Z,grants-pre,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        Files.writeString(
                input.resolve("purchases.jsonl"),
                // bought at the period's start: a pack bought inside a period is granted whole only once it closed
                "{\"purchase_id\": \"pack-25\", \"customer_id\": "
                        + "\"grants-pre\", \"amount\": \"25.00\", \"currency\": \"USD\", \"time\": \""
                        + day.withDayOfMonth(1) + "T00:00:00Z\"}\n"
                        // a pack for a customer the customers file does not have (yet)
                        + "{\"purchase_id\": \"pack-ghost\", \"customer_id\": \"grants-ghost\", \"amount\": \"9\","
                        + " \"currency\": \"USD\", \"time\": \"" + day + "T00:00:00Z\"}\n");

        // when
        run(day.toString(), input, customers);
        int callsAfterFirstRun = stripe().calls();
        JobExecution rerun = run(day.toString(), input, customers);

        // then one promotional grant for the team's period (priority 10, expiring at the period's end) and
        // one paid grant for the pack (priority 30 on a credits plan), and the rerun sent nothing
        assertThat(stripe().calls()).isEqualTo(callsAfterFirstRun);
        List<FakeStripe.Grant> grants = stripe().creditGrants();
        assertThat(grants)
                .extracting(
                        FakeStripe.Grant::customer,
                        FakeStripe.Grant::category,
                        FakeStripe.Grant::valueCents,
                        FakeStripe.Grant::priority)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("cus_grants_team", "promotional", 1000L, 10L),
                        org.assertj.core.groups.Tuple.tuple("cus_grants_pre", "paid", 2500L, 30L));
        assertThat(grants)
                .filteredOn(g -> g.category().equals("promotional"))
                .singleElement()
                .satisfies(g -> assertThat(g.expiresAt()).isNotNull());
        assertThat(balances.balanceOf("grants-pre")).hasValueSatisfying(balance -> {
            assertThat(balance.paidUsd()).isEqualByComparingTo("20");
            assertThat(balance.allow()).isTrue();
        });
        assertThat(Files.readString(runFolder(rerun).resolve("balances.json")))
                .contains("\"customer_id\" : \"grants-pre\"");
        // and the unknown customer's pack is kept, not granted, and found (once, though both runs read it)
        assertThat(jdbc.queryForList(
                        "SELECT CONCAT(severity, ' ', message) FROM finding WHERE kind = 'PURCHASE_FOR_UNKNOWN_CUSTOMER'"
                                + " AND message LIKE '%grants-ghost%'",
                        String.class))
                .containsExactly("WARNING " + input.resolve("purchases.jsonl") + ": purchase pack-ghost (purchase) is"
                        + " for customer 'grants-ghost', who is not among the customers loaded (customers file); it"
                        + " is kept, and applies once the customer is added");

        // when the pack is refunded
        Files.writeString(
                input.resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\n" + "pack-25,refund,grants-pre," + day + "T04:00:00Z\n");
        JobExecution refunded = run(day.toString(), input, customers);

        // then the grant is voided in Stripe, and, while the period is open, what the pack paid of its usage before
        // the refund ($5) is granted to the period's end (Stripe applies credits when it finalizes the invoice, the
        // pack voided by then); the prepaid customer may no longer spend
        boolean open = day.withDayOfMonth(1)
                .plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .isAfter(Clock.systemUTC().instant());
        assertThat(stripe().creditGrants())
                .filteredOn(g -> g.category().equals("paid"))
                .extracting(g -> g.valueCents() + " " + (g.voidedAt() != null))
                .containsExactlyInAnyOrderElementsOf(open ? List.of("2500 true", "500 false") : List.of("2500 true"));
        assertThat(JSON.readTree(runFolder(refunded).resolve("report.json").toFile())
                        .at("/stripe/credit_grant_voids_sent")
                        .asLong())
                .isPositive();
        assertThat(balances.balanceOf("grants-pre")).hasValueSatisfying(balance -> {
            assertThat(balance.availableUsd()).isEqualByComparingTo("0");
            assertThat(balance.allow()).isFalse();
        });
    }

    @Test
    void anIncludedGrantIsSplitBetweenTheStripeCustomersThatBillThePeriodAfterAChangeOfStripeCustomer()
            throws Exception {
        // given a team customer ($10 included) with $6 of gpt-4o input at 00:00 on its first Stripe customer, which
        // holds the $10 grant
        LocalDate day = aDayOfTheOpenPeriod();
        Path input = folder("moved-team");
        Path customers =
                customers("moved-team", "customer_id,stripe_customer_id,plan_id", "moved-team,cus_moved_a,team");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "mt-1," + day + "T00:00:00Z,moved-team,openai,gpt-4o,2400000,0,0,0,0,0,,ok");
        run(day.toString(), input, customers);

        // when the customer moves to another Stripe customer, and $6 more of the day (01:00) is billed there
        moveToStripeCustomer(customers, "moved-team", "cus_moved_b", "team");
        UsageFixtures.write(
                input.resolve("late.csv"), "mt-2," + day + "T01:00:00Z,moved-team,openai,gpt-4o,2400000,0,0,0,0,0,,ok");
        run(day.toString(), input, customers);
        String rows = "SELECT COUNT(*) FROM outbox WHERE customer_id = 'moved-team'";
        long planned = jdbc.queryForObject(rows, Long.class);
        run(day.toString(), input, customers);

        // then the $10 the allowance paid is granted where it paid: the first Stripe customer's grant is voided and
        // made again at the $6 its invoice bills, the new one gets the $4 of its $6 (it is billed $2), and a rerun
        // plans nothing more
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.customer().startsWith("cus_moved_"))
                .extracting(grant ->
                        grant.customer() + " " + grant.valueCents() + (grant.voidedAt() == null ? "" : " void"))
                .containsExactlyInAnyOrder("cus_moved_a 1000 void", "cus_moved_a 600", "cus_moved_b 400");
        assertThat(jdbc.queryForObject(rows, Long.class)).isEqualTo(planned);
    }

    /** Gives the customer, alone in the customers file, a Stripe customer the fake Stripe knows. */
    private void moveToStripeCustomer(Path customers, String customerId, String stripeCustomerId, String planId)
            throws IOException {
        stripe().customers(stripeCustomerId);
        Files.writeString(
                customers,
                "customer_id,stripe_customer_id,plan_id\n" + customerId + "," + stripeCustomerId + "," + planId + "\n");
    }

    /**
     * Yesterday, or on a month's first day today (once its first two hours have passed): a day of the open period
     * whose first two hours are past.
     */
    private static LocalDate aDayOfTheOpenPeriod() {
        Instant now = Clock.systemUTC().instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (today.getDayOfMonth() > 1) {
            return today.minusDays(1);
        }
        Assumptions.assumeTrue(
                now.isAfter(today.atTime(2, 0).toInstant(ZoneOffset.UTC)), "two hours of this month have passed");
        return today;
    }

    @Test
    void anIncludedGrantMadeOnTheFirstStripeCustomerBeforeAnyUsageMovesWholeToTheOneThatBillsThePeriod()
            throws Exception {
        // given a team customer ($10 included) whose period's grant is made on its first Stripe customer by a run
        // with no usage of it (hunt BY's s9: the grant stayed there, the new customer billed the period in full)
        LocalDate day = aDayOfTheOpenPeriod();
        Path input = folder("moved-early");
        Path customers =
                customers("moved-early", "customer_id,stripe_customer_id,plan_id", "moved-early,cus_early_a,team");
        UsageFixtures.write(input.resolve("gateway.csv"));
        run(day.toString(), input, customers);
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.customer().startsWith("cus_early_"))
                .extracting(grant -> grant.customer() + " " + grant.valueCents())
                .containsExactly("cus_early_a 1000");

        // when it moves to another Stripe customer, which bills $6 of the day
        moveToStripeCustomer(customers, "moved-early", "cus_early_b", "team");
        UsageFixtures.write(
                input.resolve("late.csv"),
                "me-1," + day + "T00:00:00Z,moved-early,openai,gpt-4o,2400000,0,0,0,0,0,,ok");
        run(day.toString(), input, customers);

        // then the first one's grant is voided and the whole $10 granted on the new one
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.customer().startsWith("cus_early_"))
                .extracting(grant ->
                        grant.customer() + " " + grant.valueCents() + (grant.voidedAt() == null ? "" : " void"))
                .containsExactlyInAnyOrder("cus_early_a 1000 void", "cus_early_b 1000");
    }

    @Test
    void aRefundAfterAChangeOfStripeCustomerGrantsWhatThePackPaidOnTheStripeCustomersWhoseHoursItPaid()
            throws Exception {
        // given a prepaid customer's $25 pack, bought at the period's start on its first Stripe customer, which paid
        // $5 at 00:00 there; then the customer moved, and the pack paid $5 at 01:00 on the new one
        LocalDate day = aDayOfTheOpenPeriod();
        Path input = folder("moved-pack");
        Path customers =
                customers("moved-pack", "customer_id,stripe_customer_id,plan_id", "moved-pack,cus_pack_a,prepaid");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "mp-1," + day + "T00:00:00Z,moved-pack,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        Files.writeString(
                input.resolve("purchases.jsonl"),
                "{\"purchase_id\": \"pack-moved\", \"customer_id\": \"moved-pack\", \"amount\": \"25.00\","
                        + " \"currency\": \"USD\", \"time\": \"" + day.withDayOfMonth(1) + "T00:00:00Z\"}\n");
        run(day.toString(), input, customers);
        moveToStripeCustomer(customers, "moved-pack", "cus_pack_b", "prepaid");
        UsageFixtures.write(
                input.resolve("late.csv"), "mp-2," + day + "T01:00:00Z,moved-pack,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run(day.toString(), input, customers);

        // when the pack is refunded at 01:30
        Files.writeString(
                input.resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\npack-moved,refund,moved-pack," + day + "T01:30:00Z\n");
        run(day.toString(), input, customers);

        // then the pack's grant is voided where it was made, and what it paid before its end is granted where each
        // hour is billed: $5 on each (hunt BZ: the $10 went to the new one, the first one billed its $5)
        assertThat(stripe().creditGrants())
                .filteredOn(grant -> grant.customer().startsWith("cus_pack_"))
                .extracting(grant ->
                        grant.customer() + " " + grant.valueCents() + (grant.voidedAt() == null ? "" : " void"))
                .containsExactlyInAnyOrder("cus_pack_a 2500 void", "cus_pack_a 500", "cus_pack_b 500");
    }

    @Test
    void aRerateRaisesTheGrantOfATokenAllowanceWithTheValueOfTheTokensItCovers() throws Exception {
        // given 600,000 gpt-4o input tokens today, inside a 1M-token allowance: $1.50 at $2.50 per 1M, granted as used
        LocalDate day = LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC);
        Path input = folder("rerate-grant");
        Path customers = customers(
                "rerate-grant", "customer_id,stripe_customer_id,plan_id", "rerate-tok,cus_rerate_tok,tokens-only");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "rg-1," + day + "T00:00:00Z,rerate-tok,openai,gpt-4o,600000,0,0,0,0,0,,ok");
        run(day.toString(), input, customers);
        // and a price of $5 from that day on, loaded by a run that keeps the billed hour at its price
        Path prices = workDir().resolve("rerate-grant-prices.csv");
        Files.writeString(
                prices,
                Files.readString(FIXTURES.resolve("job-prices.csv")) + "openai/gpt-4o,input,standard,standard,5," + day
                        + ",\n");
        run(day.toString(), input, customers, prices);
        long grantedBefore = grantedCents("cus_rerate_tok");

        // when the day is rerated
        JobExecution rerate = jobOperator.start(
                rerateJob,
                new JobParametersBuilder()
                        .addString("date", day.toString())
                        .addString(RerateJobConfiguration.FROM, day.toString())
                        .addString(RerateJobConfiguration.TO, day.toString())
                        .addString(RerateJobConfiguration.BY, "ops", false)
                        .addString(RerateJobConfiguration.REASON, "grant check", false)
                        .addString(
                                RerateJobConfiguration.REQUESTED_AT,
                                Clock.systemUTC().instant().toString())
                        .toJobParameters());

        // then the usage is billed $3.00 and the allowance's grants hold $3.00 too, so Stripe bills nothing, as the
        // statement says: the grant was raised by the rerate, not left for a next nightly run that may come after
        // the period's end
        assertThat(rerate.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(grantedBefore).isEqualTo(150);
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(billed_usd) FROM rated_aggregate WHERE customer_id = 'rerate-tok'",
                        BigDecimal.class))
                .isEqualByComparingTo("3");
        assertThat(grantedCents("cus_rerate_tok")).isEqualTo(300);
    }

    @Test
    void aGrantOfAPeriodInItsCloseGraceIsMadeAndLoweredThereExpiringAtTheClose() throws Exception {
        // given a customer with a 1M-token allowance (granted as used) at a 100% markup, whose monthly period ended
        // at this UTC hour's start (its zone's midnight) and is in its hour of close grace, with 300,000
        // claude-sonnet-4-5 input tokens ($1.80) of the period's last hours first rated now (hunt CC: a grant of an
        // ended period was never made)
        Instant now = Clock.systemUTC().instant();
        Instant end = now.truncatedTo(ChronoUnit.HOURS);
        // its two runs take a second or two, on PostgreSQL too
        Assumptions.assumeTrue(now.isBefore(end.plus(Duration.ofMinutes(57))), "three minutes of grace left");
        Instant usage = end.minus(Duration.ofHours(2));
        LocalDate day = LocalDate.ofInstant(usage, ZoneOffset.UTC);
        Path input = folder("grace-grant");
        Path customers = periodEndingAt(end, "grace-grant", "grace-tok,cus_grace_tok,grace-tokens");
        UsageFixtures.write(input.resolve("gateway.csv"), sonnetRequests("gg", usage, "grace-tok", 2));
        run(day, input, customers, graceTokensPlan(100), FIXTURES.resolve("job-prices.csv"));
        List<String> made = grants("cus_grace_tok");

        // when the date runs again, still in the grace, with the markup cut to 0: the allowance used $0.90
        run(day, input, customers, graceTokensPlan(0), FIXTURES.resolve("job-prices.csv"));

        // then each grant expires at the period's close, an hour after its end (one expiring at the end, already
        // past, Stripe would refuse), and Stripe, which applies the grants live when it finalizes the invoice in that
        // hour, holds what the statement says the allowance paid (hunt CB: the old amount stayed and paid overage)
        Assumptions.assumeTrue(Clock.systemUTC().instant().isBefore(end.plus(Duration.ofHours(1))), "still the grace");
        String close = " until " + end.plus(Duration.ofHours(1)).getEpochSecond();
        assertThat(made).containsExactly("180" + close);
        assertThat(grants("cus_grace_tok")).containsExactlyInAnyOrder("180" + close + " void", "90" + close);
    }

    @Test
    void aGrantOfAPeriodEndingWithinTheHourIsMadeAndRaisedExpiringAtTheCloseAndKeptSo() throws Exception {
        // given a customer with a 1M-token allowance (granted as used) at a 100% markup, whose monthly period ends at
        // the next UTC hour's start, within a close grace (an hour) from now: a run's upload may reach Stripe after
        // the end (hunt CB's Medium); 300,000 claude-sonnet-4-5 input tokens ($1.80) two hours before the end
        Instant end = Clock.systemUTC().instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant usage = end.minus(Duration.ofHours(2));
        LocalDate day = LocalDate.ofInstant(usage, ZoneOffset.UTC);
        Path input = folder("near-end-grant");
        Path customers = periodEndingAt(end, "near-end-grant", "near-end,cus_near_end,near-end-tokens");
        Path plans = tokensPlan("near-end-tokens", 100);
        UsageFixtures.write(input.resolve("gateway.csv"), sonnetRequests("ne", usage, "near-end", 2));
        run(day, input, customers, plans, FIXTURES.resolve("job-prices.csv"));
        List<String> made = grants("cus_near_end");

        // when a late file adds another request ($0.90) of that hour, and the date runs once more with nothing new
        UsageFixtures.write(input.resolve("late.csv"), sonnetRequests("ne-late", usage, "near-end", 1));
        run(day, input, customers, plans, FIXTURES.resolve("job-prices.csv"));
        List<String> raised = grants("cus_near_end");
        run(day, input, customers, plans, FIXTURES.resolve("job-prices.csv"));

        // then each grant expires at the period's close, an hour after its end, where one expiring at the end would
        // be refused once the end had passed, after the void of the grant before it had gone; and the last run, with
        // the amount unchanged, keeps them so (expiring at the end, they would be voided and made again)
        String close = " until " + end.plus(Duration.ofHours(1)).getEpochSecond();
        assertThat(made).containsExactly("180" + close);
        assertThat(raised).containsExactlyInAnyOrder("180" + close, "90" + close);
        assertThat(grants("cus_near_end")).isEqualTo(raised);
    }

    /**
     * A customers file of one customer ({@code customer_id,stripe_customer_id,plan_id}) whose monthly period ends at
     * {@code end}, a UTC hour's start: its zone's midnight.
     */
    private Path periodEndingAt(Instant end, String name, String customer) throws IOException {
        int hour = end.atZone(ZoneOffset.UTC).getHour();
        ZoneOffset zone = ZoneOffset.ofHours(hour <= 12 ? -hour : 24 - hour);
        return customers(
                name,
                "customer_id,stripe_customer_id,plan_id,billing_anchor_day,billing_time_zone",
                customer + "," + end.atOffset(zone).getDayOfMonth() + "," + (hour == 0 ? "UTC" : zone.getId()));
    }

    /**
     * {@code count} requests of 150,000 claude-sonnet-4-5 input tokens ($0.45 each at list): not gpt-4o, which a
     * test reprices today, and each under the model's long-context threshold.
     */
    private static String[] sonnetRequests(String prefix, Instant at, String customer, int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> prefix + "-" + i + "," + at + "," + customer
                        + ",anthropic,claude-sonnet-4-5,150000,0,0,0,0,0,,ok")
                .toArray(String[]::new);
    }

    /** A plans file of one plan, {@code grace-tokens}: a 1M-token allowance at the markup. */
    private Path graceTokensPlan(int markupPercent) throws IOException {
        return tokensPlan("grace-tokens", markupPercent);
    }

    /** A plans file of one plan, {@code id}: a 1M-token allowance at the markup. */
    private Path tokensPlan(String id, int markupPercent) throws IOException {
        return Files.writeString(
                workDir().resolve(id + "-" + markupPercent + ".yaml"),
                "plans:\n  - id: " + id + "\n    type: fixed\n    markup_percent: " + markupPercent
                        + "\n    included:\n      - name: tokens\n        tokens: 1000000\n");
    }

    /** The grants of {@code stripeCustomer}: cents, expiry (epoch seconds), voided or not. */
    private List<String> grants(String stripeCustomer) {
        return stripe().creditGrants().stream()
                .filter(grant -> grant.customer().equals(stripeCustomer))
                .map(grant ->
                        grant.valueCents() + " until " + grant.expiresAt() + (grant.voidedAt() == null ? "" : " void"))
                .toList();
    }

    /** The cents of a Stripe customer's grants that are not voided. */
    private long grantedCents(String stripeCustomer) {
        return stripe().creditGrants().stream()
                .filter(grant -> grant.customer().equals(stripeCustomer) && grant.voidedAt() == null)
                .mapToLong(FakeStripe.Grant::valueCents)
                .sum();
    }

    @Test
    void aGrantWhoseAnswerWasLostIsCreatedOnceWhenTheNextRunResendsIt() throws Exception {
        // given a pack whose create call is stored by Stripe but whose answer never arrives, and the
        // process that sent it gone (the row left in flight, without the grant's id)
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = folder("crash");
        Path customers = customers("crash", "customer_id,stripe_customer_id,plan_id", "crash-a,cus_crash_a,prepaid");
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n" + "pack-crash,crash-a,10,USD," + day.withDayOfMonth(1)
                        + "T00:00:00Z\n");
        run(day.toString(), input, customers);
        jdbc.update("UPDATE outbox SET state = 'IN_FLIGHT', stripe_object_id = NULL, outcome = NULL"
                + " WHERE customer_id = 'crash-a' AND kind = 'CREDIT_GRANT'");

        // when the next run resends it with the same idempotency key
        run(day.toString(), input, customers);

        // then Stripe holds one grant, and the outbox knows its id again
        assertThat(stripe().creditGrants()).hasSize(1);
        assertThat(jdbc.queryForObject(
                        "SELECT stripe_object_id FROM outbox WHERE customer_id = 'crash-a'"
                                + " AND kind = 'CREDIT_GRANT'",
                        String.class))
                .isEqualTo(stripe().creditGrants().get(0).id());
    }

    @Test
    void aGrantSentLongerAgoThanStripeDedupsWithNoAnswerIsFoundInStripeByTheIdentifierInItsMetadata() throws Exception {
        // given a pack's grant created in Stripe, its row then left in flight 25 hours ago (its answer lost)
        PackDay pack = packBought("stale-grant", "stale-g", "cus_stale_g", "pack-stale");
        runDay(pack);
        leaveGrantCreatesSentWithNoAnswer("stale-g", "IN_FLIGHT");

        // when the next run comes, past Stripe's dedup
        runDay(pack);

        // then it asks Stripe, finds the grant by the identifier in its metadata and creates none
        String found = grantOf("cus_stale_g").id();
        assertThat(grantRows("stale-g")).containsExactly("CREDIT_GRANT SENT FOUND_IN_STRIPE " + found);
        assertThat(openFindings("UPLOAD_UNCERTAIN", "stale-g")).isEmpty();
    }

    @Test
    void aGrantSentLongerAgoThanStripeDedupsThatNeverArrivedIsCreatedAsNewOnce() throws Exception {
        // given a pack's grant row left in flight 25 hours ago, its create never arrived, and Stripe has forgotten
        // the idempotency key
        PackDay pack = packBought("lost-grant", "lost-g", "cus_lost_g", "pack-never");
        runDay(pack);
        leaveGrantCreatesSentWithNoAnswer("lost-g", "IN_FLIGHT");
        stripe().forgetGrantsOf("cus_lost_g");
        stripe().forgetIdempotencyKeys();

        // when the next run comes
        runDay(pack);
        runDay(pack);

        // then the grant is created, once
        FakeStripe.Grant created = grantOf("cus_lost_g");
        assertThat(created.valueCents()).isEqualTo(1000L);
        assertThat(grantRows("lost-g")).containsExactly("CREDIT_GRANT SENT DELIVERED " + created.id());
    }

    @Test
    void aRefundOfAPackWhoseGrantWasLeftUncertainAsksStripeWhetherThatGrantArrivedBeforeVoidingIt() throws Exception {
        // given two packs whose grants' creates a version before the lookups left uncertain, with their findings:
        // one grant Stripe holds, the other's create never arrived
        PackDay packs = packsBought("uncertain-void", "unc-held", "unc-lost");
        runDay(packs);
        for (String customer : List.of("unc-held", "unc-lost")) {
            leaveGrantCreatesSentWithNoAnswer(customer, "UNCERTAIN");
            String identifier = jdbc.queryForObject(
                    "SELECT identifier FROM outbox WHERE customer_id = ? AND kind = 'CREDIT_GRANT'",
                    String.class,
                    customer);
            findings.record(
                    new Finding(
                            "UPLOAD_UNCERTAIN:" + identifier,
                            "UPLOAD_UNCERTAIN",
                            Finding.Severity.ERROR,
                            "customer " + customer
                                    + ", credit grant: in flight for longer than Stripe keeps identifiers"),
                    0);
        }
        stripe().forgetGrantsOf("cus_unc_lost");
        String held = grantOf("cus_unc_held").id();

        // when both packs are refunded
        refundPacks(packs, "unc-held", "unc-lost");
        runDay(packs);

        // then the grant Stripe holds is voided, and the one that never arrived is not sent: an error says which
        // invoices lacked its credit, and the uncertainties are resolved
        assertThat(grantOf("cus_unc_held").voidedAt()).isNotNull();
        assertThat(stripe().creditGrants()).noneMatch(grant -> grant.customer().equals("cus_unc_lost"));
        assertThat(grantRows("unc-held"))
                .containsExactly(
                        "CREDIT_GRANT SENT FOUND_IN_STRIPE " + held, "CREDIT_GRANT_VOID SENT DELIVERED " + held);
        assertThat(grantRows("unc-lost"))
                .containsExactly("CREDIT_GRANT SENT NEVER_ARRIVED null", "CREDIT_GRANT_VOID SENT NOTHING_TO_END null");
        assertThat(openFindings("UPLOAD_UNCERTAIN", "unc-held")).isEmpty();
        assertThat(openFindings("UPLOAD_UNCERTAIN", "unc-lost")).isEmpty();
        assertThat(openFindings("CREDIT_GRANT_NEVER_ARRIVED", "unc-lost"))
                .singleElement()
                .asString()
                .startsWith("customer unc-lost, credit grant ")
                .contains("never reached Stripe: there is no credit grant of cus_unc_lost with metadata"
                        + " tokentally_identifier=")
                .contains("Its 10 USD of credit was on no invoice of cus_unc_lost finalized since ");
    }

    @Test
    void aRefundOfAPackWhoseGrantCreateWasSentLongAgoWithNoAnswerAndNeverArrivedSendsNothing() throws Exception {
        // given two packs whose grants' creates never reached Stripe: one left in flight 25 hours ago, the other left
        // pending then after an answer that could hide an accepted call (a 5xx)
        PackDay packs = packsBought("stale-refund", "stale-r", "stale-p");
        runDay(packs);
        leaveGrantCreatesSentWithNoAnswer("stale-r", "IN_FLIGHT");
        leaveGrantCreatesSentWithNoAnswer("stale-p", "PENDING");
        stripe().forgetGrantsOf("cus_stale_r");
        stripe().forgetGrantsOf("cus_stale_p");
        stripe().forgetIdempotencyKeys();

        // when both packs are refunded before a run could ask Stripe about the creates
        refundPacks(packs, "stale-r", "stale-p");
        runDay(packs);

        // then each void asks first: nothing is created just to be voided, and an error says which invoices lacked
        // the pack's credit
        for (String customer : List.of("stale-r", "stale-p")) {
            String stripeCustomer = stripeIdOf(customer);
            assertThat(stripe().creditGrants())
                    .noneMatch(grant -> grant.customer().equals(stripeCustomer));
            assertThat(grantRows(customer))
                    .containsExactly(
                            "CREDIT_GRANT SENT NEVER_ARRIVED null", "CREDIT_GRANT_VOID SENT NOTHING_TO_END null");
            assertThat(openFindings("CREDIT_GRANT_NEVER_ARRIVED", customer))
                    .singleElement()
                    .asString()
                    .contains("Its 10 USD of credit was on no invoice of " + stripeCustomer + " finalized since ");
        }
    }

    @Test
    void aGrantWhoseArrivalStripeCannotTellWaitsWithItsVoidUntilStripeCanTell() throws Exception {
        // given a pack's grant created in Stripe, its row then left in flight 25 hours ago, and Stripe not
        // answering a list of the customer's grants
        PackDay pack = packBought("unasked", "unasked-a", "cus_unasked_a", "pack-unasked");
        runDay(pack);
        String grant = grantOf("cus_unasked_a").id();
        leaveGrantCreatesSentWithNoAnswer("unasked-a", "IN_FLIGHT");
        stripe().forgetCustomer("cus_unasked_a");

        // when the next run comes
        JobExecution waiting = runDay(pack);

        // then the row waits for the next run to ask again, counted as pending, with an error that says what to look
        // for
        assertThat(grantRows("unasked-a")).containsExactly("CREDIT_GRANT IN_FLIGHT null null");
        assertThat(JSON.readTree(runFolder(waiting).resolve("report.json").toFile())
                        .at("/stripe/pending")
                        .asLong())
                .isPositive();
        assertThat(openFindings("UPLOAD_UNCERTAIN", "unasked-a"))
                .singleElement()
                .asString()
                .contains("Stripe could not be asked whether it arrived")
                .contains("the next run asks again, or look for credit grant of cus_unasked_a with metadata"
                        + " tokentally_identifier=");

        // and when the pack is refunded while Stripe still cannot tell, the void waits too
        Files.writeString(
                pack.input().resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\n" + "pack-unasked,refund,unasked-a," + pack.day()
                        + "T04:00:00Z\n");
        runDay(pack);
        assertThat(grantRows("unasked-a"))
                .containsExactly("CREDIT_GRANT IN_FLIGHT null null", "CREDIT_GRANT_VOID PENDING null null");
        assertThat(grantOf("cus_unasked_a").voidedAt()).isNull();

        // and a run once Stripe can tell voids the grant and resolves the error
        stripe().customers("cus_unasked_a");
        runDay(pack);
        assertThat(grantOf("cus_unasked_a").voidedAt()).isNotNull();
        assertThat(grantRows("unasked-a"))
                .containsExactly(
                        "CREDIT_GRANT SENT FOUND_IN_STRIPE " + grant, "CREDIT_GRANT_VOID SENT DELIVERED " + grant);
        assertThat(openFindings("UPLOAD_UNCERTAIN", "unasked-a")).isEmpty();
    }

    @Test
    void aVoidSentLongerAgoThanStripeDedupsWithNoAnswerIsFoundDoneInStripe() throws Exception {
        // given a refunded pack whose grant's void Stripe applied, its row then left in flight 25 hours ago
        PackDay pack = packBought("stale-void", "stale-v", "cus_stale_v", "pack-void");
        Files.writeString(
                pack.input().resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\n" + "pack-void,refund,stale-v," + pack.day() + "T04:00:00Z\n");
        runDay(pack);
        String grant = grantOf("cus_stale_v").id();
        jdbc.update(
                "UPDATE outbox SET state = 'IN_FLIGHT', outcome = NULL, in_flight_at = ? WHERE customer_id = ?"
                        + " AND kind = 'CREDIT_GRANT_VOID'",
                SqlTime.utc(Clock.systemUTC().instant().minus(Duration.ofHours(25))),
                "stale-v");

        // when the next run comes
        runDay(pack);

        // then it finds the grant voided in Stripe and sends nothing (a second void would be refused)
        assertThat(grantOf("cus_stale_v").voidedAt()).isNotNull();
        assertThat(grantRows("stale-v"))
                .containsExactly(
                        "CREDIT_GRANT SENT DELIVERED " + grant, "CREDIT_GRANT_VOID SENT FOUND_IN_STRIPE " + grant);
        assertThat(openFindings("UPLOAD_REJECTED", "stale-v")).isEmpty();
    }

    @Test
    void aVoidStripeRefusesIsCountedAsAFailedUploadAndEndsTheRunWithRejectedUploads() throws Exception {
        // given a pack whose grant Stripe no longer holds (deleted there by hand), then refunded
        PackDay pack = packBought("void-refused", "void-r", "cus_void_r", "pack-void-refused");
        runDay(pack);
        String grant = grantOf("cus_void_r").id();
        stripe().forgetGrantsOf("cus_void_r");
        Files.writeString(
                pack.input().resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\n" + "pack-void-refused,refund,void-r," + pack.day()
                        + "T04:00:00Z\n");

        // when the refund's run sends the void and Stripe refuses it
        JobExecution refunded = runDay(pack);

        // then the refusal is counted with the run's failed uploads, and its exit status says rows were rejected
        assertThat(grantRows("void-r"))
                .containsExactly("CREDIT_GRANT SENT DELIVERED " + grant, "CREDIT_GRANT_VOID FAILED REJECTED null");
        JsonNode stripeReport = JSON.readTree(
                        runFolder(refunded).resolve("report.json").toFile())
                .get("stripe");
        assertThat(stripeReport.get("failed").asLong()).isPositive();
        assertThat(stripeReport.get("credit_grant_voids_sent").asLong()).isZero();
        assertThat(refunded.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_REJECTED_UPLOADS);
    }

    @Test
    void grantRowsAnEarlierVersionLeftUncertainAreAskedAboutByTheNextRun() throws Exception {
        // given a pack's grant create, and another refunded pack's void, that Stripe applied and whose rows a version
        // before the lookups left uncertain
        PackDay create = packBought("old-create", "old-c", "cus_old_c", "pack-old-create");
        runDay(create);
        PackDay refunded = packBought("old-void", "old-v", "cus_old_v", "pack-old-void");
        Files.writeString(
                refunded.input().resolve("purchases-refunds.csv"),
                "purchase_id,event,customer_id,time\n" + "pack-old-void,refund,old-v," + refunded.day()
                        + "T04:00:00Z\n");
        runDay(refunded);
        jdbc.update(
                "UPDATE outbox SET state = 'UNCERTAIN', outcome = NULL, in_flight_at = ? WHERE customer_id = ?"
                        + " AND kind = 'CREDIT_GRANT_VOID'",
                SqlTime.utc(Clock.systemUTC().instant().minus(Duration.ofHours(25))),
                "old-v");
        leaveGrantCreatesSentWithNoAnswer("old-c", "UNCERTAIN");

        // when the next run comes
        JobExecution next = runDay(create);

        // then both are found in Stripe, nothing is sent again, and the report counts them
        String created = grantOf("cus_old_c").id();
        String voided = grantOf("cus_old_v").id();
        assertThat(grantRows("old-c")).containsExactly("CREDIT_GRANT SENT FOUND_IN_STRIPE " + created);
        assertThat(grantRows("old-v"))
                .containsExactly(
                        "CREDIT_GRANT SENT DELIVERED " + voided, "CREDIT_GRANT_VOID SENT FOUND_IN_STRIPE " + voided);
        assertThat(grantOf("cus_old_v").voidedAt()).isNotNull();
        assertThat(JSON.readTree(runFolder(next).resolve("report.json").toFile())
                        .at("/stripe/credit_grant_rows_found_in_stripe")
                        .asLong())
                .isEqualTo(2);
    }

    /** A day, yesterday, with its input folder and a customers file. */
    record PackDay(LocalDate day, Path input, Path customers) {}

    /** A prepaid customer who bought a $10 pack at the start of yesterday's month, in a folder of its own. */
    private PackDay packBought(String folder, String customer, String stripeCustomer, String purchase)
            throws IOException {
        LocalDate day = yesterday();
        Path input = folder(folder);
        Path customers = customers(
                folder, "customer_id,stripe_customer_id,plan_id", customer + "," + stripeCustomer + ",prepaid");
        writePack(input, purchase, customer, day);
        return new PackDay(day, input, customers);
    }

    /**
     * Prepaid customers (Stripe ids {@link #stripeIdOf}) who each bought a $10 pack, {@code pack-<customer>}, at the
     * start of yesterday's month, in a folder of their own.
     */
    private PackDay packsBought(String folder, String... customers) throws IOException {
        LocalDate day = yesterday();
        Path input = folder(folder);
        List<String> rows = new ArrayList<>();
        StringBuilder purchases = new StringBuilder("purchase_id,customer_id,amount,currency,time\n");
        for (String customer : customers) {
            rows.add(customer + "," + stripeIdOf(customer) + ",prepaid");
            purchases.append("pack-" + customer + "," + customer + ",10,USD," + day.withDayOfMonth(1) + "T00:00:00Z\n");
        }
        Path customersFile = customers(folder, "customer_id,stripe_customer_id,plan_id", rows.toArray(String[]::new));
        Files.writeString(input.resolve("purchases.csv"), purchases);
        return new PackDay(day, input, customersFile);
    }

    /** Refunds each customer's pack of {@link #packsBought} at 04:00 of the day. */
    private static void refundPacks(PackDay packs, String... customers) throws IOException {
        StringBuilder refunds = new StringBuilder("purchase_id,event,customer_id,time\n");
        for (String customer : customers) {
            refunds.append("pack-" + customer + ",refund," + customer + "," + packs.day() + "T04:00:00Z\n");
        }
        Files.writeString(packs.input().resolve("purchases-refunds.csv"), refunds);
    }

    private static String stripeIdOf(String customer) {
        return "cus_" + customer.replace('-', '_');
    }

    private JobExecution runDay(PackDay pack) throws Exception {
        return run(pack.day().toString(), pack.input(), pack.customers());
    }

    private static LocalDate yesterday() {
        return LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
    }

    /** A $10 pack bought at the start of the month of {@code day}, in a purchases file of its own. */
    private static void writePack(Path input, String purchase, String customer, LocalDate day) throws IOException {
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n" + purchase + "," + customer + ",10,USD,"
                        + day.withDayOfMonth(1) + "T00:00:00Z\n");
    }

    /** Leaves a customer's grant creates as a call whose answer was lost 25 hours ago leaves them: no Stripe id. */
    private void leaveGrantCreatesSentWithNoAnswer(String customer, String state) {
        jdbc.update(
                "UPDATE outbox SET state = ?, stripe_object_id = NULL, outcome = NULL, in_flight_at = ?"
                        + " WHERE customer_id = ? AND kind = 'CREDIT_GRANT'",
                state,
                SqlTime.utc(Clock.systemUTC().instant().minus(Duration.ofHours(25))),
                customer);
    }

    /** The one grant a Stripe customer has in Stripe. */
    private FakeStripe.Grant grantOf(String stripeCustomer) {
        List<FakeStripe.Grant> grants = stripe().creditGrants().stream()
                .filter(grant -> grant.customer().equals(stripeCustomer))
                .toList();
        assertThat(grants).hasSize(1);
        return grants.get(0);
    }

    /** A customer's grant rows as kind, state, outcome and Stripe id, in revision order. */
    private List<String> grantRows(String customer) {
        return jdbc.queryForList(
                "SELECT kind || ' ' || state || ' ' || COALESCE(outcome, 'null') || ' '"
                        + " || COALESCE(stripe_object_id, 'null') FROM outbox WHERE customer_id = ?"
                        + " ORDER BY revision",
                String.class,
                customer);
    }

    /** A customer's open findings of a kind (their messages start with the customer). */
    private List<String> openFindings(String kind, String customer) {
        return jdbc.queryForList(
                "SELECT message FROM finding WHERE kind = ? AND status = 'OPEN' AND message LIKE ?",
                String.class,
                kind,
                "customer " + customer + ",%");
    }

    @Test
    void aGrantStripeRefusedIsCreatedByARunAfterStripeKnowsTheCustomer() throws Exception {
        // given a pack of a customer Stripe does not know yet: its grant's create is refused
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = folder("refused");
        Path customers =
                customers("refused", "customer_id,stripe_customer_id,plan_id", "refused-a,cus_refused_a,prepaid");
        stripe().forgetCustomer("cus_refused_a");
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n" + "pack-refused,refused-a,10,USD,"
                        + day.withDayOfMonth(1) + "T00:00:00Z\n");
        run(day.toString(), input, customers);
        assertThat(stripe().creditGrants()).isEmpty();

        // when Stripe learns the customer and the day is run again
        stripe().customers("cus_refused_a");
        run(day.toString(), input, customers);

        // then the pack is granted, once, under a create of its own (Stripe saw the refused one's key)
        assertThat(stripe().creditGrants())
                .singleElement()
                .satisfies(grant -> assertThat(grant.customer()).isEqualTo("cus_refused_a"));
        assertThat(jdbc.queryForList(
                        "SELECT revision || ' ' || state FROM outbox WHERE customer_id = 'refused-a'"
                                + " AND kind = 'CREDIT_GRANT' ORDER BY revision",
                        String.class))
                .containsExactly("1 FAILED", "2 SENT");
    }

    @Test
    void meterEventsCarryTheSubMicroRemainderWithinTheCustomersBillingPeriodOnly() throws Exception {
        // given a customer whose period starts on day D at midnight UTC, and one input token ($2.50 per
        // million: 2.5 micro-USD) in the last hour before it and one in the first hour of it
        LocalDate day =
                LocalDate.ofInstant(Clock.systemUTC().instant(), ZoneOffset.UTC).minusDays(1);
        Path input = folder("carry");
        Path customers = customers(
                "carry",
                "customer_id,stripe_customer_id,plan_id,billing_interval,billing_anchor_day,billing_time_zone",
                "carry-a,cus_carry_a,flex,month," + day.getDayOfMonth() + ",UTC");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "carry-1," + day.minusDays(1) + "T23:10:00Z,carry-a,openai,gpt-4o,1,0,0,0,0,0,,ok",
                "carry-2," + day + "T00:10:00Z,carry-a,openai,gpt-4o,1,0,0,0,0,0,,ok");

        // when
        run(day.toString(), input, customers);

        // then the open period rounds its own 2.5 micro-USD to 3 (one calendar month would send 2 for that
        // hour, after 3 for the hour before). The period before ended at D 00:00 and is closed for Stripe
        // (ADR 0021): its 2.5 micro-USD is no meter event, and rounds to no invoice item ($0.00)
        assertThat(stripe().events())
                .filteredOn(event -> event.customer().equals("cus_carry_a"))
                .extracting(FakeStripe.Event::value)
                .containsExactly(3L);
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().equals("cus_carry_a"))
                .isEmpty();
    }

    @Test
    void includedUsageThresholdsAreOneFindingPerPeriodAndReachTheWebhookOnce() throws Exception {
        // given a team customer ($10 included a month) with 3,400,000 input tokens: 3.4 x $2.50 = $8.50, 85%
        Path input = folder("thresholds");
        Path customers = customers("thresholds", "customer_id,stripe_customer_id,plan_id", "thr-a,cus_thr_a,team");
        UsageFixtures.write(
                input.resolve("gateway-1.csv"), "thr-1,2026-10-05T10:10:00Z,thr-a,openai,gpt-4o,3400000,0,0,0,0,0,,ok");

        // when the day is run, then run again with 1,000,000 more input tokens ($2.50: $11 of $10), then
        // run a third time with nothing new
        run("2026-10-05", input, customers);
        UsageFixtures.write(
                input.resolve("gateway-2.csv"), "thr-2,2026-10-05T11:10:00Z,thr-a,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run("2026-10-05", input, customers);
        run("2026-10-05", input, customers);

        // then 80% and 100% of October's included usage are one finding each, and one webhook call each
        assertThat(jdbc.queryForList(
                        "SELECT kind FROM finding WHERE finding_key LIKE 'INCLUDED_USAGE_%:thr-a:%' ORDER BY kind",
                        String.class))
                .containsExactly("INCLUDED_USAGE_100", "INCLUDED_USAGE_80");
        assertThat(webhook().callsFor("thr-a"))
                .extracting(call -> JSON.readTree(call.body()).get("kind").asString())
                .containsExactly("INCLUDED_USAGE_80", "INCLUDED_USAGE_100");
        assertThat(webhook().callsFor("thr-a"))
                .allSatisfy(call -> assertThat(call.idempotencyKey())
                        .isEqualTo("tokentally-threshold-"
                                + JSON.readTree(call.body()).get("finding_key").asString()));
        assertThat(JSON.readTree(webhook().callsFor("thr-a").get(0).body())
                        .get("finding_key")
                        .asString())
                .isEqualTo("INCLUDED_USAGE_80:thr-a:2026-10-01T00:00:00Z:monthly");
    }

    @Test
    void aLowBalanceWebhookThatFailsIsRecordedAndDeliveredByALaterRunWithoutFailingBilling() throws Exception {
        // given a prepaid customer with a $6 pack who spends $2.50 (1,000,000 input tokens): $3.50 left,
        // below the $5 low-balance amount; the webhook refuses the customer's calls
        Path input = folder("lowbal");
        Path customers = customers("lowbal", "customer_id,stripe_customer_id,plan_id", "low-a,cus_low_a,prepaid");
        UsageFixtures.write(
                input.resolve("gateway.csv"), "low-1,2026-10-06T10:10:00Z,low-a,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n" + "pack-low,low-a,6.00,USD,2026-10-06T00:00:00Z\n");
        webhook().refuse("low-a");

        // when
        run("2026-10-06", input, customers);

        // then the run completed, the failure is kept and recorded as a warning
        assertThat(balances.balanceOf("low-a"))
                .hasValueSatisfying(
                        balance -> assertThat(balance.availableUsd()).isEqualByComparingTo("3.50"));
        assertThat(webhook().callsFor("low-a"))
                .singleElement()
                .satisfies(call -> assertThat(call.taken()).isFalse());
        assertThat(jdbc.queryForMap(
                        "SELECT state, attempts, last_error FROM threshold_notice WHERE customer_id = 'low-a'"))
                .containsEntry("STATE", "FAILED")
                .containsEntry("ATTEMPTS", 1)
                .containsEntry("LAST_ERROR", "HTTP 503");
        assertThat(jdbc.queryForObject(
                        "SELECT severity FROM finding WHERE kind = 'THRESHOLD_WEBHOOK_FAILED'"
                                + " AND finding_key LIKE '%:LOW_BALANCE:low-a:%'",
                        String.class))
                .isEqualTo("WARNING");

        // when the webhook takes calls again and the day is run twice more
        webhook().accept("low-a");
        run("2026-10-06", input, customers);
        run("2026-10-06", input, customers);

        // then the finding was delivered once more, and never again
        assertThat(webhook().callsFor("low-a"))
                .extracting(WebhookReceiver.Call::taken)
                .containsExactly(false, true);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'LOW_BALANCE' AND finding_key LIKE 'LOW_BALANCE:low-a:%'",
                        Integer.class))
                .isEqualTo(1);
    }

    @Test
    void aCustomerWhosePlanStartsInsideThePeriodPaysTheFeeAndGetsTheIncludedUsageFromThen() throws Exception {
        // given a team customer ($30 fee, $10 included) from 15 November, with $2.50 of usage on the 10th and the 16th
        Path input = folder("joins");
        Path customers = customers(
                "joins",
                "customer_id,stripe_customer_id,plan_id,plan_effective_from",
                "joins-a,cus_joins_a,team,2026-11-15T00:00:00Z");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "jn-1,2026-11-10T10:00:00Z,joins-a,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "jn-2,2026-11-16T10:00:00Z,joins-a,openai,gpt-4o,1000000,0,0,0,0,0,,ok");

        // when
        JobExecution execution = run("2026-11-16", input, customers);

        // then: fee 30 x 16/30 = 16 and included 10 x 16/30 = 5.33 from the 15th; the 10th's $2.50, before the
        // plan, is billed at its rates and paid by nothing; the 16th's is included; due 16 + 2.5 = 18.50
        JsonNode statement = statement(execution, "joins-a", "20261101T0000Z");
        assertThat(statement.get("plans"))
                .extracting(plan -> plan.get("from").asString() + " "
                        + plan.get("fixed_fee_usd").asString())
                .containsExactly("2026-11-15T00:00:00Z 16");
        assertThat(statement.get("included").get(0).get("granted_usd").asString())
                .isEqualTo("5.33");
        assertThat(statement.get("included_applied_usd").asString()).isEqualTo("2.5");
        assertThat(statement.get("overage_usd").asString()).isEqualTo("2.5");
        assertThat(statement.get("total_due_usd").asString()).isEqualTo("18.50");
    }

    @Test
    void aPurchaseLoadedLateRewritesTheStatementsOfThePeriodsItPays() throws Exception {
        // given a prepaid customer's $5 of September usage, billed by September's run
        Path input = folder("late-pack");
        Path customers =
                customers("late-pack", "customer_id,stripe_customer_id,plan_id", "late-pack-a,cus_late_pack,prepaid");
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "lp-1,2026-09-20T10:00:00Z,late-pack-a,openai,gpt-4o,2000000,0,0,0,0,0,,ok");
        run("2026-09-20", input, customers);

        // when a $4 pack bought on 5 September, and a $1 pack bought on 5 November, are first read by a run of an
        // October day
        Files.writeString(
                input.resolve("purchases.csv"),
                "purchase_id,customer_id,amount,currency,time\n"
                        + "late-pack-4,late-pack-a,4.00,USD,2026-09-05T00:00:00Z\n"
                        + "late-pack-1,late-pack-a,1.00,USD,2026-11-05T00:00:00Z\n");
        JobExecution october = run("2026-10-10", input, customers);

        // then that run writes September's statement again (the pack pays $4 of it, $1 is due) and October's, the
        // period of its date; November's is left to the runs of its days
        JsonNode september = statement(october, "late-pack-a", "20260901T0000Z");
        assertThat(september.get("credits_applied_usd").asString()).isEqualTo("4");
        assertThat(september.get("total_due_usd").asString()).isEqualTo("1.00");
        try (Stream<Path> statements = Files.list(runFolder(october).resolve("statements"))) {
            assertThat(statements.map(file -> file.getFileName().toString()))
                    .filteredOn(name -> name.startsWith("late-pack-a-") && name.endsWith(".json"))
                    .containsExactlyInAnyOrder("late-pack-a-20260901T0000Z.json", "late-pack-a-20261001T0000Z.json");
        }
    }

    @Test
    void statementLinesNameTheirServiceAndContextTiers() throws Exception {
        // given a flex customer (its statement is read by the day) and a team customer (read by the hour, $10
        // included), each with gpt-4o input at the standard and the batch tier, and claude-sonnet-4-5 input
        // below and above its 200,000-token long-context threshold
        Path input = folder("tiers");
        Path customers = customers(
                "tiers",
                "customer_id,stripe_customer_id,plan_id",
                "tiers-flex,cus_tiers_flex,flex",
                "tiers-team,cus_tiers_team,team");
        List<String> rows = new ArrayList<>();
        for (String customer : List.of("tiers-flex", "tiers-team")) {
            rows.add(customer + "-1,2026-10-07T10:10:00Z," + customer + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");
            rows.add(customer + "-2,2026-10-07T10:20:00Z," + customer + ",openai,gpt-4o,2000000,0,0,0,0,0,batch,ok");
            rows.add(customer + "-3,2026-10-07T10:30:00Z," + customer
                    + ",anthropic,claude-sonnet-4-5,300000,0,0,0,0,0,,ok");
            rows.add(customer + "-4,2026-10-07T10:40:00Z," + customer
                    + ",anthropic,claude-sonnet-4-5,100000,0,0,0,0,0,,ok");
        }
        UsageFixtures.write(input.resolve("gateway.csv"), rows.toArray(String[]::new));

        // when
        JobExecution execution = run("2026-10-07", input, customers);

        // then one line per tier: gpt-4o 1,000,000 x $2.50 = 2.5 and 2,000,000 x $1.25 = 2.5; sonnet 300,000 x
        // $6 (long) = 1.8 and 100,000 x $3 = 0.3; the team's $10 included pays all 7.1 of it
        for (String customer : List.of("tiers-flex", "tiers-team")) {
            JsonNode statement = statement(execution, customer, "20261001T0000Z");
            assertThat(statement.get("lines"))
                    .extracting(PricingModelsScenarios::lineText)
                    .containsExactly(
                            "anthropic/claude-sonnet-4-5 input standard standard 100000 3 0.3",
                            "anthropic/claude-sonnet-4-5 input standard long 300000 6 1.8",
                            "openai/gpt-4o input standard standard 1000000 2.5 2.5",
                            "openai/gpt-4o input batch standard 2000000 1.25 2.5");
            assertThat(statement.get("usage_usd").asString()).isEqualTo("7.1");
        }
        assertThat(statement(execution, "tiers-team", "20261001T0000Z")
                        .get("included_applied_usd")
                        .asString())
                .isEqualTo("7.1");
        assertThat(Files.readAllLines(
                        runFolder(execution).resolve("statements").resolve("tiers-flex-20261001T0000Z.csv")))
                .startsWith(
                        "section,item,token_type,service_tier,context_tier,tokens,unit_price_usd_per_million,amount_usd",
                        "usage,anthropic/claude-sonnet-4-5,input,standard,standard,100000,3,0.3",
                        "usage,anthropic/claude-sonnet-4-5,input,standard,long,300000,6,1.8")
                .contains("usage,openai/gpt-4o,input,batch,standard,2000000,1.25,2.5", "total_due,,,,,,,7.10");
        assertThat(Files.readAllLines(
                        runFolder(execution).resolve("statements").resolve("tiers-team-20261001T0000Z.csv")))
                .contains(
                        "fixed_fee,team 2026-10-01T00:00:00Z/2026-11-01T00:00:00Z,,,,,,30",
                        "included,team monthly,,,,0,,-7.1",
                        "total_due,,,,,,,30.00");
    }

    @Test
    void customRatesBillTheirTokenTypesAndTiersAndTheMarkupBillsTheRest() throws Exception {
        // given two customers of plans with custom rates for gpt-4o's input ($2 standard, $0.90 batch per million)
        // and a 20% markup for the rest: one read by the day (usage plan), one by the hour ($1 included)
        Path input = folder("rates");
        Path customers = customers(
                "rates",
                "customer_id,stripe_customer_id,plan_id",
                "rates-usage,cus_rates_usage,negotiated",
                "rates-team,cus_rates_team,negotiated-team");
        List<String> rows = new ArrayList<>();
        for (String customer : List.of("rates-usage", "rates-team")) {
            rows.add(customer + "-1,2026-10-08T10:10:00Z," + customer + ",openai,gpt-4o,1000000,0,0,0,0,0,,ok");
            rows.add(customer + "-2,2026-10-08T10:20:00Z," + customer + ",openai,gpt-4o,2000000,0,0,0,0,0,batch,ok");
            rows.add(customer + "-3,2026-10-08T11:30:00Z," + customer + ",openai,gpt-4o,0,0,0,0,100000,0,,ok");
            rows.add(customer + "-4,2026-10-08T11:40:00Z," + customer + ",openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok");
        }
        UsageFixtures.write(input.resolve("gateway.csv"), rows.toArray(String[]::new));

        // when
        JobExecution execution = run("2026-10-08", input, customers);

        // then gpt-4o input 1,000,000 x $2 = 2 and 2,000,000 x $0.90 = 1.8 (list: 2.5 and 2.5); its output
        // 100,000 x $10 x 1.2 = 1.2; gpt-4o-mini input 1,000,000 x $0.30 x 1.2 = 0.36: $5.36 in all
        for (String customer : List.of("rates-usage", "rates-team")) {
            JsonNode statement = statement(execution, customer, "20261001T0000Z");
            assertThat(statement.get("lines"))
                    .extracting(PricingModelsScenarios::lineText)
                    .containsExactly(
                            "openai/gpt-4o input standard standard 1000000 2 2",
                            "openai/gpt-4o input batch standard 2000000 0.9 1.8",
                            "openai/gpt-4o output standard standard 100000 12 1.2",
                            "openai/gpt-4o-mini input standard standard 1000000 0.36 0.36");
            assertThat(statement.get("usage_usd").asString()).isEqualTo("5.36");
        }
        assertThat(statement(execution, "rates-team", "20261001T0000Z")
                        .get("total_due_usd")
                        .asString())
                .isEqualTo("34.36");
        assertThat(jdbc.query(
                        "SELECT service_tier, token_type, markup_percent, rate_usd_per_million FROM rated_aggregate"
                                + " WHERE customer_id = 'rates-usage' AND model = 'openai/gpt-4o'"
                                + " ORDER BY service_tier, token_type",
                        (rs, rowNum) -> rs.getString(1) + " " + rs.getString(2) + " " + plain(rs.getBigDecimal(3)) + " "
                                + plain(rs.getBigDecimal(4))))
                .containsExactly("batch input - 0.9", "standard input - 2", "standard output 20 -");
        // and October is closed for Stripe (ADR 0021): its usage is one invoice item each, after the team's $1
        assertThat(stripe().invoiceItems())
                .filteredOn(item -> item.customer().startsWith("cus_rates_"))
                .extracting(item -> item.customer() + " " + item.unitAmountDecimal())
                .containsExactlyInAnyOrder("cus_rates_usage 536", "cus_rates_team 436");
    }

    /** A statement line as its model, token type, tiers, tokens, unit price and amount. */
    private static String lineText(JsonNode line) {
        return line.get("model").asString() + " " + line.get("token_type").asString() + " "
                + line.get("service_tier").asString() + " "
                + line.get("context_tier").asString() + " "
                + line.get("tokens").asLong() + " "
                + line.get("unit_price_usd_per_million").asString() + " "
                + line.get("amount_usd").asString();
    }

    /** A stored number as plain text without trailing zeros, or {@code -} for none. */
    private static String plain(BigDecimal value) {
        return value == null ? "-" : value.stripTrailingZeros().toPlainString();
    }

    JobExecution run(String date, Path input, Path customers) throws Exception {
        return run(date, input, customers, FIXTURES.resolve("job-prices.csv"));
    }

    JobExecution run(String date, Path input, Path customers, Path prices) throws Exception {
        return run(LocalDate.parse(date), input, customers, FIXTURES.resolve("pricing-models-plans.yaml"), prices);
    }

    JobExecution run(LocalDate date, Path input, Path customers, Path plans, Path prices) throws Exception {
        JobExecution execution = runs.run(new BillingJobParameters(
                date, 0, List.of(input.getFileName() + "=" + input.toAbsolutePath()), customers, plans, prices));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    Path runFolder(JobExecution execution) {
        return RunFolders.of(
                workDir().resolve("runs"),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    JsonNode statement(JobExecution execution, String customer, String period) throws IOException {
        return JSON.readTree(runFolder(execution)
                .resolve("statements")
                .resolve(customer + "-" + period + ".json")
                .toFile());
    }

    Path customers(String name, String header, String... rows) throws IOException {
        for (String row : rows) {
            stripe().customers(row.split(",")[1]);
        }
        Path file = workDir().resolve(name + "-customers.csv");
        Files.writeString(file, header + "\n" + String.join("\n", rows) + "\n");
        return file;
    }

    Path folder(String name) throws IOException {
        return Files.createDirectories(workDir().resolve("input-" + name).resolve(name));
    }

    static FakeStripe start() {
        return start(Clock.systemUTC());
    }

    static FakeStripe start(Clock clock) {
        try {
            return new FakeStripe(clock).meters(new AmountMeterLayout("tokentally").meters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fake Stripe and the runs folder of a subclass's database. */
    static void properties(DynamicPropertyRegistry registry, FakeStripe stripe, Path work) {
        registry.add("tokentally.runs-dir", () -> work.resolve("runs").toString());
        registry.add("tokentally.stripe.api-key", () -> "sk_test_tokentally");
        registry.add("tokentally.stripe.api-base", stripe::baseUrl);
        registry.add("tokentally.stripe.meter-events-base", stripe::baseUrl);
        registry.add("tokentally.stripe.rate-per-second", () -> "200");
        registry.add("tokentally.stripe.backoff-millis", () -> "25");
        registry.add("tokentally.stripe.max-attempts", () -> "30");
    }
}
