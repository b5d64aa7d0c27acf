package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.UsageFixtures;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PriceSync;
import io.tokentally.pricing.PricesFile;
import io.tokentally.shared.NovemberClock;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.FakeStripe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Usage whose model has no price at its time: held back and reported, never billed at zero, never
 * queued for Stripe, and billed by the first run after a price for its time is added (by the prices
 * file or by a manual override); and custom rates: a custom model and non-token units billed on the
 * same plan as tokens, through statements and the amount meters.
 */
abstract class UsagePricingScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String INPUT_METER = "tokentally_input_usd_micros";
    static final String OUTPUT_METER = "tokentally_output_usd_micros";

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PriceRepository prices;

    abstract FakeStripe stripe();

    abstract Path workDir();

    @BeforeEach
    void resetStripe() {
        stripe().reset();
    }

    @Test
    void usageWithoutAPriceIsHeldReportedAndBilledByTheFirstRunAfterItsPriceIsAdded() throws Exception {
        // given three days: A with usage of gpt-4o, of gpt-9 (no price yet) and of a mistral model (no
        // provider prices), B after the prices file gained gpt-9, C after an override priced mistral
        LocalDate today = NovemberClock.today();
        LocalDate dayA = today.minusDays(3);
        LocalDate dayB = today.minusDays(2);
        LocalDate dayC = today.minusDays(1);
        stripe().customers("cus_held_a");
        Path customers = customersFile("held-customers.csv", "held-a", "cus_held_a", "flex");
        Path input = Files.createDirectories(workDir().resolve("input-held").resolve("held"));
        UsageFixtures.write(
                input.resolve("gateway-a.csv"),
                // 1,000,000 gpt-4o input tokens at $2.50: $2.50
                "held-1," + dayA + "T10:10:00Z,held-a,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                // gpt-9: 2,000,000 input and 500,000 output tokens, no price
                "held-2," + dayA + "T10:20:00Z,held-a,openai,gpt-9,2000000,0,0,0,500000,0,,ok",
                // mistral: 1,000,000 input tokens, no price of the provider at all
                "held-3," + dayA + "T11:05:00Z,held-a,mistral,mistral-large-2411,1000000,0,0,0,0,0,,ok");
        Path pricesWithoutGpt9 = FIXTURES.resolve("job-prices.csv");

        // when day A runs
        JobExecution runA = run(dayA, input, customers, pricesWithoutGpt9);

        // then gpt-9 and mistral are held, listed as rejects, reported and found, and only gpt-4o
        // reaches Stripe
        JsonNode reportA = report(runA, dayA);
        assertThat(reportA.get("counts").get("accepted").asLong()).isEqualTo(1);
        assertThat(reportA.get("counts").get("rejected").asLong()).isEqualTo(2);
        assertThat(Files.readAllLines(runFolder(runA, dayA).resolve("rejects.csv")))
                .filteredOn(line -> line.contains(",NO_PRICE,"))
                .extracting(line -> Path.of(line.substring(0, line.indexOf(",NO_PRICE,")))
                        .getFileName()
                        .toString())
                .containsExactly("gateway-a.csv,3", "gateway-a.csv,4");
        assertThat(reportA.get("totals"))
                .extracting(total -> total.get("model").asString() + " "
                        + total.get("billed_usd").asString())
                .containsExactly("openai/gpt-4o 2.5");
        assertThat(reportA.get("held"))
                .extracting(held -> held.get("model").asString() + " "
                        + held.get("token_type").asString() + " "
                        + held.get("tokens").asLong() + " "
                        + held.get("hour_start").asString())
                .containsExactly( // by hour
                        "openai/gpt-9 input 2000000 " + dayA + "T10:00:00Z",
                        "openai/gpt-9 output 500000 " + dayA + "T10:00:00Z",
                        "mistral/mistral-large-2411 input 1000000 " + dayA + "T11:00:00Z");
        assertThat(reportA.get("findings"))
                .extracting(finding -> finding.get("key").asString())
                .contains("usage-held:openai/gpt-9", "usage-held:mistral/mistral-large-2411");
        // each with the file and lines of its rows
        assertThat(reportA.get("findings"))
                .filteredOn(finding -> finding.get("key").asString().startsWith("usage-held:"))
                .extracting(finding -> finding.get("key").asString() + " "
                        + finding.get("evidence")
                                .get("sources")
                                .get(0)
                                .get("side")
                                .asString() + " "
                        + Path.of(finding.get("evidence")
                                        .get("sources")
                                        .get(0)
                                        .get("file")
                                        .asString())
                                .getFileName()
                        + " "
                        + finding.get("evidence")
                                .get("sources")
                                .get(0)
                                .get("lines")
                                .asString())
                .containsExactlyInAnyOrder(
                        "usage-held:openai/gpt-9 held gateway-a.csv 3",
                        "usage-held:mistral/mistral-large-2411 held gateway-a.csv 4");
        assertThat(RunSummary.read(runFolder(runA, dayA)))
                .contains("held back, no price at their time")
                .contains("3,500,000 tokens of mistral/mistral-large-2411, openai/gpt-9");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM rated_aggregate WHERE customer_id = 'held-a' AND model <> 'openai/gpt-4o'",
                        Long.class))
                .isZero();
        assertThat(outboxMicros(OUTPUT_METER)).isZero();
        assertThat(stripe().totals())
                .containsEntry("cus_held_a|" + INPUT_METER, 2_500_000L)
                .doesNotContainKey("cus_held_a|" + OUTPUT_METER);

        // when the prices file gains gpt-9 ($4 input, $20 output since 2026-01-01) and day B runs with
        // 1,000,000 gpt-4o output tokens ($10) of its own
        Path pricesWithGpt9 = pricesFile(
                "prices-with-gpt-9.csv",
                pricesWithoutGpt9,
                "openai/gpt-9,input,standard,standard,4,2026-01-01,\n"
                        + "openai/gpt-9,output,standard,standard,20,2026-01-01,\n");
        UsageFixtures.write(
                input.resolve("gateway-b.csv"),
                "held-4," + dayB + "T09:00:00Z,held-a,openai,gpt-4o,0,0,0,0,1000000,0,,ok");
        JobExecution runB = run(dayB, input, customers, pricesWithGpt9);

        // then day A's gpt-9 usage is billed by run B: 2,000,000 x 4 / 1e6 = $8 input, 500,000 x 20 / 1e6
        // = $10 output; mistral is still held
        JsonNode reportB = report(runB, dayB);
        assertThat(reportB.get("held"))
                .extracting(held -> held.get("model").asString())
                .containsExactly("mistral/mistral-large-2411");
        assertThat(reportB.get("totals"))
                .extracting(total -> total.get("model").asString() + " "
                        + total.get("token_type").asString() + " "
                        + total.get("billed_usd").asString())
                .containsExactly( // the held hour is one of run B's hours, so its gpt-4o usage is in the totals too
                        "openai/gpt-4o input 2.5",
                        "openai/gpt-4o output 10",
                        "openai/gpt-9 input 8",
                        "openai/gpt-9 output 10");
        // input: 2,500,000 + 8,000,000 micro-USD; output: 10,000,000 (gpt-4o) + 10,000,000 (gpt-9)
        assertThat(stripe().totals())
                .containsEntry("cus_held_a|" + INPUT_METER, 10_500_000L)
                .containsEntry("cus_held_a|" + OUTPUT_METER, 20_000_000L);
        // and gpt-9's finding is resolved by run B, mistral's stays open
        assertThat(heldFinding("openai/gpt-9"))
                .isEqualTo("RESOLVED by " + runB.getJobInstance().getInstanceId());
        assertThat(heldFinding("mistral/mistral-large-2411")).isEqualTo("OPEN by null");

        // when an override prices mistral ($2 input since 2026-01-01) and day C runs without new usage
        Path override = workDir().resolve("mistral-override.csv");
        Files.writeString(
                override,
                "model,token_type,service_tier,context_tier,usd_per_million,effective_from\n"
                        + "mistral/mistral-large-2411,input,standard,standard,2,2026-01-01\n");
        prices.load(PricesFile.read(override).stream()
                .map(price -> price.withOrigin(PriceSync.OVERRIDE_ORIGIN + ": mistral-override.csv"))
                .toList());
        JobExecution runC = run(dayC, input, customers, pricesWithGpt9);

        // then mistral's 1,000,000 input tokens are billed at $2: input meter 10,500,000 + 2,000,000
        assertThat(report(runC, dayC).get("held")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM held_usage", Long.class))
                .isZero();
        assertThat(stripe().totals()).containsEntry("cus_held_a|" + INPUT_METER, 12_500_000L);
        // Stripe received exactly what the outbox holds, and gpt-9 was never sent at zero
        assertThat(outboxMicros(INPUT_METER)).isEqualTo(12_500_000L);
        assertThat(outboxMicros(OUTPUT_METER)).isEqualTo(20_000_000L);
        assertThat(heldFinding("mistral/mistral-large-2411"))
                .isEqualTo("RESOLVED by " + runC.getJobInstance().getInstanceId());
    }

    @Test
    void theRunThatSettlesHeldUsageReconcilesItsDay() throws Exception {
        // given: day A's gpt-21 usage, which has no price, of a known customer and of one in no customers file; when:
        // the prices file gains gpt-21 ($4 input) and day B runs, with no usage of its own
        LocalDate dayA = NovemberClock.today().minusDays(12); // days no other scenario of the class bills
        JobExecution runB = heldThenPricedTheNextDay(
                "settled", dayA, "gpt-21", "", "openai/gpt-21,input,standard,standard,4,2026-01-01,\n");

        // then: run B, which bills day A's usage now, reconciles day A: the known customer's margin line (2,000,000 x
        // 4 / 1e6 = $8 of cost) and the unknown customer's finding
        assertThat(Files.readAllLines(runFolder(runB, dayA.plusDays(1)).resolve("margin.csv")))
                .anyMatch(line -> line.startsWith("settled-a,openai/gpt-21," + dayA + ",8,"));
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM finding WHERE finding_key = ?",
                        String.class,
                        "unattributed-usage:settled-nobody:" + dayA))
                .isEqualTo("OPEN");
    }

    @Test
    void theRunThatBillsUsageHeldForItsTierReconcilesItsDay() throws Exception {
        // given: day A's gpt-4o flex usage, which has no flex price, of a known customer and of one in no customers
        // file; when: the prices file gains gpt-4o's flex input ($1.25) and day B runs, with no usage of its own
        LocalDate dayA = NovemberClock.today().minusDays(14); // days no other scenario of the class bills
        JobExecution runB = heldThenPricedTheNextDay(
                "tier-held", dayA, "gpt-4o", "flex", "openai/gpt-4o,input,flex,standard,1.25,2025-01-01,\n");

        // then: run B, which bills day A's usage now, reconciles day A: the known customer's margin line (2,000,000 x
        // 1.25 / 1e6 = $2.50 of cost) and the unknown customer's finding
        assertThat(Files.readAllLines(runFolder(runB, dayA.plusDays(1)).resolve("margin.csv")))
                .anyMatch(line -> line.startsWith("tier-held-a,openai/gpt-4o," + dayA + ",2.5"));
        assertThat(jdbc.queryForObject(
                        "SELECT status FROM finding WHERE finding_key = ?",
                        String.class,
                        "unattributed-usage:tier-held-nobody:" + dayA))
                .isEqualTo("OPEN");
    }

    /**
     * Day A's input of {@code model} in service tier {@code tier} (empty: the default), held: 2,000,000 tokens of
     * {@code name}-a, a known customer, and 1,000,000 of {@code name}-nobody, in no customers file; then the run of
     * the next day, with no usage of its own, under the test prices file and {@code priceLine}.
     */
    private JobExecution heldThenPricedTheNextDay(
            String name, LocalDate dayA, String model, String tier, String priceLine) throws Exception {
        String stripeId = "cus_" + name.replace('-', '_') + "_a";
        stripe().customers(stripeId);
        Path customers = customersFile(name + "-customers.csv", name + "-a", stripeId, "flex");
        Path input = Files.createDirectories(workDir().resolve("input-" + name).resolve(name));
        String usage = ",openai," + model + ",%d,0,0,0,0,0," + tier + ",ok";
        UsageFixtures.write(
                input.resolve("gateway-a.csv"),
                name + "-1," + dayA + "T10:20:00Z," + name + "-a" + usage.formatted(2_000_000),
                name + "-2," + dayA + "T10:30:00Z," + name + "-nobody" + usage.formatted(1_000_000));
        run(dayA, input, customers, FIXTURES.resolve("job-prices.csv"));
        Path prices = pricesFile("prices-" + name + ".csv", FIXTURES.resolve("job-prices.csv"), priceLine);
        return run(dayA.plusDays(1), input, customers, prices);
    }

    /** The status of the finding of a model's held usage, and the run that resolved it. */
    private String heldFinding(String model) {
        return jdbc.queryForObject(
                "SELECT status, resolved_by_run FROM finding WHERE finding_key = ?",
                (rs, n) -> rs.getString(1) + " by " + rs.getObject(2),
                "usage-held:" + model);
    }

    @Test
    void heldUsageIsBilledAsUsageReadAfterItsPriceUnderTheBaseIdAndAtItsLongContextTier() throws Exception {
        // given a day A with two requests of a dated gpt-10 snapshot that no price knows yet: one of
        // 300,000 input tokens (long context once gpt-10's 200,000 threshold is known), one of 1,000
        LocalDate today = NovemberClock.today();
        LocalDate dayA = today.minusDays(5);
        LocalDate dayB = today.minusDays(4);
        stripe().customers("cus_settle_a");
        Path customers = customersFile("settle-customers.csv", "settle-a", "cus_settle_a", "flex");
        Path input = Files.createDirectories(workDir().resolve("input-settle").resolve("settle"));
        String longRequest = "s-1," + dayA + "T10:10:00Z,settle-a,openai,gpt-10-2026-01-01,300000,0,0,0,1000,0,,ok";
        UsageFixtures.write(
                input.resolve("gateway-a.csv"),
                longRequest,
                "s-2," + dayA + "T10:20:00Z,settle-a,openai,gpt-10-2026-01-01,1000,0,0,0,0,0,,ok",
                // and a customer in no customers file, with one priced and one held request
                "z-1," + dayA + "T10:30:00Z,settle-z,openai,gpt-4o,100,0,0,0,10,0,,ok",
                "z-2," + dayA + "T10:40:00Z,settle-z,openai,gpt-10-2026-01-01,1000,0,0,0,0,0,,ok");
        JobExecution runA = run(dayA, input, customers, FIXTURES.resolve("job-prices.csv"));
        JsonNode reportA = report(runA, dayA);
        assertThat(reportA.get("held"))
                .extracting(held -> held.get("model").asString())
                .containsOnly("openai/gpt-10-2026-01-01");
        // the held request is a reject (NO_PRICE), so the unattributed usage is the priced one alone
        assertThat(reportA.get("counts").get("unattributed").asLong()).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "unattributed-usage:settle-z:" + dayA))
                .startsWith("customer id 'settle-z' on " + dayA + " is in no customers file: 110 tokens in 1 request,");

        // when the prices file gains the base gpt-10 ($1 / $2, and $4 / $8 above 200,000 input tokens) and
        // day B runs with a retried copy of the long request and a new long request of the same snapshot
        Path pricesWithGpt10 = pricesFile(
                "prices-with-gpt-10.csv",
                FIXTURES.resolve("job-prices.csv"),
                "openai/gpt-10,input,standard,standard,1,2026-01-01,200000\n"
                        + "openai/gpt-10,output,standard,standard,2,2026-01-01,200000\n"
                        + "openai/gpt-10,input,standard,long,4,2026-01-01,200000\n"
                        + "openai/gpt-10,output,standard,long,8,2026-01-01,200000\n");
        UsageFixtures.write(
                input.resolve("gateway-b.csv"),
                longRequest,
                "s-3," + dayB + "T09:00:00Z,settle-a,openai,gpt-10-2026-01-01,300000,0,0,0,1000,0,,ok");
        JobExecution runB = run(dayB, input, customers, pricesWithGpt10);

        // then everything is billed under gpt-10, as if read after the price: the long requests at the
        // long tier (600,000 x $4 / 1e6 = $2.40 input, 2,000 x $8 / 1e6 = $0.016 output), the short one at
        // the standard tier (1,000 x $1 / 1e6 = $0.001); the retried copy is a plain duplicate
        JsonNode reportB = report(runB, dayB);
        assertThat(reportB.get("held")).isEmpty();
        assertThat(reportB.get("counts").get("duplicates").asLong()).isEqualTo(1);
        assertThat(totalLines(reportB))
                .containsExactly("openai/gpt-10 input 601000 2.401", "openai/gpt-10 output 2000 0.016");
        assertThat(jdbc.queryForList(
                        "SELECT DISTINCT model || ' ' || context_tier FROM rated_aggregate WHERE customer_id = 'settle-a'",
                        String.class))
                .containsExactlyInAnyOrder("openai/gpt-10 long", "openai/gpt-10 standard");
        assertThat(jdbc.queryForList("SELECT kind FROM finding", String.class)).doesNotContain("CONFLICTING_DUPLICATE");
    }

    @Test
    void aSnapshotHeldWhileOnlyItsBaseHadALaterPriceIsBilledAtItsOwnPriceOnceItHasOne() throws Exception {
        // given a day with a request of a dated gpt-14 snapshot, whose base has a price only from two days later
        LocalDate day = NovemberClock.today().minusDays(6);
        stripe().customers("cus_settle_d");
        Path customers = customersFile("own-price-customers.csv", "settle-d", "cus_settle_d", "flex");
        Path input =
                Files.createDirectories(workDir().resolve("input-own-price").resolve("own-price"));
        String request = "d-1," + day + "T10:10:00Z,settle-d,openai,gpt-14-2026-01-01,1000000,0,0,0,0,0,,ok";
        UsageFixtures.write(input.resolve("gateway-a.csv"), request);
        Path baseLater = pricesFile(
                "prices-gpt-14-later.csv",
                FIXTURES.resolve("job-prices.csv"),
                "openai/gpt-14,input,standard,standard,2," + day.plusDays(2) + ",\n");
        JobExecution held = run(day, input, customers, baseLater);
        assertThat(report(held, day).get("held"))
                .extracting(usage -> usage.get("model").asString())
                .containsOnly("openai/gpt-14-2026-01-01");

        // when the snapshot gains a price of its own in force that day ($4), and the day runs again with a
        // retried copy of the request and a new request of the snapshot
        Path ownPrice = pricesFile(
                "prices-gpt-14-own.csv", baseLater, "openai/gpt-14-2026-01-01,input,standard,standard,4,2026-01-01,\n");
        UsageFixtures.write(
                input.resolve("gateway-b.csv"),
                request,
                "d-2," + day + "T10:20:00Z,settle-d,openai,gpt-14-2026-01-01,1000000,0,0,0,0,0,,ok");
        JobExecution settled = run(day, input, customers, ownPrice);

        // then both requests are billed at the snapshot's own price, 2,000,000 x $4 / 1e6 = $8, under its own id;
        // the retry is a plain duplicate
        JsonNode report = report(settled, day);
        assertThat(report.get("held")).isEmpty();
        assertThat(report.get("counts").get("duplicates").asLong()).isEqualTo(1);
        assertThat(totalLines(report)).containsExactly("openai/gpt-14-2026-01-01 input 2000000 8");
        assertThat(conflictsOf("d-1")).isZero();
    }

    @Test
    void aRetryOfARequestBilledAtItsBaseIsNoConflictWhenItsSnapshotsOwnLaterPriceHoldsTheRetry() throws Exception {
        // given a day with a long request of a dated gpt-15 snapshot, billed at its base's long-context price
        LocalDate day = NovemberClock.today().minusDays(8);
        stripe().customers("cus_settle_e");
        Path customers = customersFile("base-billed-customers.csv", "settle-e", "cus_settle_e", "flex");
        Path input =
                Files.createDirectories(workDir().resolve("input-base-billed").resolve("base-billed"));
        String request = "e-1," + day + "T10:10:00Z,settle-e,openai,gpt-15-2026-01-01,300000,0,0,0,0,0,,ok";
        UsageFixtures.write(input.resolve("gateway-a.csv"), request);
        Path base = pricesFile(
                "prices-gpt-15-base.csv",
                FIXTURES.resolve("job-prices.csv"),
                "openai/gpt-15,input,standard,standard,1,2026-01-01,200000\n"
                        + "openai/gpt-15,input,standard,long,2,2026-01-01,200000\n");
        run(day, input, customers, base);

        // when the snapshot gains a price of its own from noon that day (so a copy read now is held, at the
        // standard tier for want of a threshold), and the day runs again with a retried copy and a gpt-4o request
        Path ownLater = pricesFile(
                "prices-gpt-15-own-later.csv",
                base,
                "openai/gpt-15-2026-01-01,input,standard,standard,4," + day + "T12:00:00Z,\n");
        UsageFixtures.write(
                input.resolve("gateway-b.csv"),
                request,
                "e-2," + day + "T10:20:00Z,settle-e,openai,gpt-4o,1000,0,0,0,0,0,,ok");
        JobExecution rerun = run(day, input, customers, ownLater);

        // then the retry is a plain duplicate, and the request stays billed once, at the base's long price
        // (300,000 x $2 / 1e6 = $0.60); gpt-4o's 1,000 x $2.50 / 1e6 = $0.0025
        JsonNode report = report(rerun, day);
        assertThat(report.get("counts").get("duplicates").asLong()).isEqualTo(1);
        assertThat(report.get("held")).isEmpty();
        assertThat(totalLines(report))
                .containsExactlyInAnyOrder("openai/gpt-15 input 300000 0.6", "openai/gpt-4o input 1000 0.0025");
        assertThat(conflictsOf("e-1")).isZero();
    }

    private long conflictsOf(String requestId) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM duplicate_conflict WHERE request_id = ?", Long.class, requestId);
    }

    @Test
    void twoModelsHeldInOneHourAreBothBilledByTheRunThatFindsTheirPrices() throws Exception {
        // given a day with two unpriced models in one hour: a dated snapshot of gpt-12 and gpt-13
        LocalDate day = NovemberClock.today().minusDays(9);
        stripe().customers("cus_settle_c");
        Path customers = customersFile("two-held-customers.csv", "settle-c", "cus_settle_c", "flex");
        Path input = Files.createDirectories(workDir().resolve("input-two-held").resolve("two-held"));
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "c-1," + day + "T10:10:00Z,settle-c,openai,gpt-12-2026-01-01,1000,0,0,0,0,0,,ok",
                "c-2," + day + "T10:20:00Z,settle-c,openai,gpt-13,0,0,0,0,2000,0,,ok");
        JobExecution held = run(day, input, customers, FIXTURES.resolve("job-prices.csv"));
        assertThat(report(held, day).get("held"))
                .extracting(usage -> usage.get("model").asString())
                .containsExactlyInAnyOrder("openai/gpt-12-2026-01-01", "openai/gpt-13");

        // when both get prices and the day runs again (run() asserts it completes)
        Path prices = pricesFile(
                "prices-with-gpt-12-and-13.csv",
                FIXTURES.resolve("job-prices.csv"),
                "openai/gpt-12,input,standard,standard,3,2026-01-01,\n"
                        + "openai/gpt-13,output,standard,standard,5,2026-01-01,\n");
        JobExecution settled = run(day, input, customers, prices);

        // then the hour is billed for both: 1,000 x $3 / 1e6 = $0.003 input, 2,000 x $5 / 1e6 = $0.01 output
        JsonNode report = report(settled, day);
        assertThat(report.get("held")).isEmpty();
        assertThat(totalLines(report))
                .containsExactlyInAnyOrder("openai/gpt-12 input 1000 0.003", "openai/gpt-13 output 2000 0.01");
    }

    @Test
    void usageHeldForItsTierIsBilledAtTheVersionInForceAtItsOwnTimeOnceOneIs() throws Exception {
        // given gpt-15, priced at the standard tier only, and three priority requests in one hour (held for their tier)
        LocalDate day = NovemberClock.today().minusDays(10);
        stripe().customers("cus_tier_a");
        Path customers = customersFile("tier-customers.csv", "tier-a", "cus_tier_a", "flex");
        Path input =
                Files.createDirectories(workDir().resolve("input-tier-held").resolve("tier-held"));
        UsageFixtures.write(
                input.resolve("gateway.csv"),
                "t-1," + day + "T02:10:00Z,tier-a,openai,gpt-15,1000,0,0,0,0,0,priority,ok",
                "t-2," + day + "T02:20:00Z,tier-a,openai,gpt-15,2000,0,0,0,0,0,priority,ok",
                "t-3," + day + "T02:40:00.123456789Z,tier-a,openai,gpt-15,4000,0,0,0,0,0,priority,ok");
        Path standard = pricesFile(
                "prices-gpt-15.csv",
                FIXTURES.resolve("job-prices.csv"),
                "openai/gpt-15,input,standard,standard,1,2026-01-01,\n");
        JobExecution held = run(day, input, customers, standard);
        // the report sums the hour's held usage, though each request is held at its own second
        assertThat(report(held, day).get("held")).singleElement().satisfies(usage -> {
            assertThat(usage.get("model").asString()).isEqualTo("openai/gpt-15");
            assertThat(usage.get("tokens").asLong()).isEqualTo(7000);
            assertThat(usage.get("requests").asLong()).isEqualTo(3);
        });

        // when a priority price ($6) takes effect at 02:15 and the day runs again
        Path from0215 = pricesFile(
                "prices-gpt-15-priority.csv",
                standard,
                "openai/gpt-15,input,priority,standard,6," + day + "T02:15:00Z,\n");
        run(day, input, customers, from0215);

        // then the two requests after 02:15 are billed at it, and the one before stays held
        assertThat(tierRated()).containsExactlyInAnyOrder("2000 6", "4000 6");
        assertThat(jdbc.queryForObject("SELECT SUM(tokens) FROM held_usage WHERE customer_id = 'tier-a'", Long.class))
                .isEqualTo(1000L);

        // and when an earlier priority price ($5, from 02:00) is added, the first is billed at it, the others keep $6
        Path from0200 = pricesFile(
                "prices-gpt-15-priority-earlier.csv",
                from0215,
                "openai/gpt-15,input,priority,standard,5," + day + "T02:00:00Z,\n");
        run(day, input, customers, from0200);
        assertThat(tierRated()).containsExactlyInAnyOrder("1000 5", "2000 6", "4000 6");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM held_usage WHERE customer_id = 'tier-a'", Long.class))
                .isZero();

        // and when a priority price ($7) from 02:30 is added after both were billed, its warning counts the 02:40
        // request as one a rerate of the day moves, and the 02:10 and 02:20 ones as billed before it
        Path from0230 = pricesFile(
                "prices-gpt-15-priority-later.csv",
                from0200,
                "openai/gpt-15,input,priority,standard,7," + day + "T02:30:00Z,\n");
        run(day, input, customers, from0230);
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "price-added-after-billing:openai/gpt-15:input:priority:standard:" + day + "T02:30:00Z"))
                .contains("tokentally prices rerate --from " + day + " --to " + day)
                .contains(". 2 of them lie in the hour " + day + "T02:00:00Z");
    }

    /** Customer tier-a's rated aggregates as "tokens usd-per-million". */
    private List<String> tierRated() {
        return jdbc.query(
                "SELECT tokens, usd_per_million FROM rated_aggregate WHERE customer_id = 'tier-a' AND tokens > 0",
                (rs, rowNum) -> rs.getLong(1) + " "
                        + rs.getBigDecimal(2).stripTrailingZeros().toPlainString());
    }

    @Test
    void usageHeldBeforeHeldRowsWereMarkedAndUsageHeldSinceShareOneHeldRow() throws Exception {
        // given usage of an unpriced model stored before held rows were marked (as migration V119 found it:
        // held = FALSE, price epoch at the hour's start), and a file with usage of the same customer, model
        // and hour
        LocalDate day = NovemberClock.today().minusDays(7);
        OffsetDateTime hour = day.atTime(10, 0).atOffset(ZoneOffset.UTC);
        Path customers = customersFile("marked-customers.csv", "settle-b", "cus_settle_b", "flex");
        jdbc.update(
                "INSERT INTO usage_hourly (file_id, ingest_run, hour_start, customer_id, attributed, provider, model,"
                        + " service_tier, context_tier, price_epoch, billable, requests, input_tokens,"
                        + " cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, output_tokens,"
                        + " reasoning_tokens) VALUES (0, 0, ?, 'settle-b', TRUE, 'openai', 'openai/gpt-11', 'standard',"
                        + " 'standard', ?, TRUE, 1, 1000, 0, 0, 0, 0, 0)",
                hour,
                hour);
        Path input = Files.createDirectories(workDir().resolve("input-marked").resolve("marked"));
        UsageFixtures.write(
                input.resolve("gateway.csv"), "m-1," + day + "T10:10:00Z,settle-b,openai,gpt-11,2000,0,0,0,0,0,,ok");

        try {
            // when the day runs (run() asserts it completes)
            JobExecution execution = run(day, input, customers, FIXTURES.resolve("job-prices.csv"));

            // then both are held in one row of the hour: 3,000 input tokens in 2 requests
            assertThat(report(execution, day).get("held"))
                    .extracting(held -> held.get("model").asString() + " "
                            + held.get("token_type").asString() + " "
                            + held.get("tokens").asLong() + " "
                            + held.get("requests").asLong())
                    .containsExactly("openai/gpt-11 input 3000 2");
        } finally {
            // every later run of the class's database would rate the held hour again and report it
            jdbc.update("DELETE FROM usage_hourly WHERE customer_id = 'settle-b'");
            jdbc.update("DELETE FROM held_usage WHERE customer_id = 'settle-b'");
            jdbc.update("DELETE FROM held_model_hour WHERE model = 'openai/gpt-11'");
        }
    }

    @Test
    void customModelsAndNonTokenUnitsAreBilledOnTheCustomersPlanThroughStatementsAndTheAmountMeters() throws Exception {
        // given a customer on a plan with 20% markup and 50% on custom/acme-ft, and usage with web
        // searches and images of claude-sonnet-4-5 and tokens of the custom model
        LocalDate day = NovemberClock.today().minusDays(1);
        stripe().customers("cus_units_a");
        Path customers = customersFile("units-customers.csv", "units-a", "cus_units_a", "units");
        Path input = Files.createDirectories(workDir().resolve("input-units").resolve("units"));
        Files.writeString(
                input.resolve("gateway.csv"),
                "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens,web_search_requests,"
                        + "images\n"
                        + "u-1," + day + "T10:10:00Z,units-a,anthropic,claude-sonnet-4-5,100000,0,300,10\n"
                        + "u-2," + day + "T10:20:00Z,units-a,custom,acme-ft,2000000,500000,,\n");

        // when
        JobExecution execution = runOnCustomRates(day, input, customers);

        // then, per line: sonnet input 100,000 (under its 200,000 long-context threshold) x $3 / 1e6 = 0.3,
        // x 1.2 = 0.36; web searches 300 x
        // $10,000 / 1e6 = 3, x 1.2 = 3.6; images 10 x $40,000 / 1e6 = 0.4, x 1.2 = 0.48; acme-ft input
        // 2,000,000 x $1 / 1e6 = 2, x 1.5 = 3; acme-ft output 500,000 x $4 / 1e6 = 2, x 1.5 = 3
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        JsonNode report = report(execution, day);
        assertThat(report.get("held")).isEmpty();
        assertThat(totalLines(report))
                .containsExactly(
                        "anthropic/claude-sonnet-4-5 image 10 0.48",
                        "anthropic/claude-sonnet-4-5 input 100000 0.36",
                        "anthropic/claude-sonnet-4-5 web_search_request 300 3.6",
                        "custom/acme-ft input 2000000 3",
                        "custom/acme-ft output 500000 3");
        // the statement bills 0.36 + 3.6 + 0.48 + 3 + 3 = 10.44
        String period = day.withDayOfMonth(1).toString().replace("-", "") + "T0000Z";
        JsonNode statement = JSON.readTree(runFolder(execution, day)
                .resolve("statements")
                .resolve("units-a-" + period + ".json")
                .toFile());
        assertThat(statement.get("usage_usd").asString()).isEqualTo("10.44");
        // meters: input 0.36 + 3 = $3.36, output $3, units 3.6 + 0.48 = $4.08, in micro-USD
        assertThat(stripe().totals())
                .containsEntry("cus_units_a|" + INPUT_METER, 3_360_000L)
                .containsEntry("cus_units_a|" + OUTPUT_METER, 3_000_000L)
                .containsEntry("cus_units_a|tokentally_units_usd_micros", 4_080_000L);
    }

    @Test
    void aMeterAmountNoMeterEventCanCarryIsAnErrorForItsCustomerAndTheOthersStillGoToStripe() throws Exception {
        // given 10^15 web searches (the most a row may hold) at $10,000 per million, x 1.2: $1.2 x 10^13, more
        // micro-USD than a long holds; and another customer's 100,000 sonnet input tokens: $0.36
        LocalDate day = NovemberClock.today().minusDays(3);
        stripe().customers("cus_units_big", "cus_units_ok");
        Path customers = workDir().resolve("units-big-customers.csv");
        Files.writeString(
                customers,
                "customer_id,stripe_customer_id,plan_id\nunits-big,cus_units_big,units\nunits-ok,cus_units_ok,units\n");
        Path input =
                Files.createDirectories(workDir().resolve("input-units-big").resolve("units"));
        Files.writeString(
                input.resolve("gateway.csv"),
                "request_id,timestamp,customer_id,provider,model,input_tokens,output_tokens,web_search_requests\n"
                        + "ub-1," + day + "T10:10:00Z,units-big,anthropic,claude-sonnet-4-5,0,0,1000000000000000\n"
                        + "ub-2," + day + "T10:20:00Z,units-ok,anthropic,claude-sonnet-4-5,100000,0,0\n");

        // when
        JobExecution execution = runOnCustomRates(day, input, customers);

        // then the run completes, the big meter is an error for a person, and the other customer is billed
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForList(
                        "SELECT CONCAT(kind, ' ', severity) FROM finding WHERE finding_key LIKE ?",
                        String.class,
                        "meter-amount-too-large:units-big:tokentally_units_usd_micros:%"))
                .containsExactly("METER_AMOUNT_TOO_LARGE ERROR");
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key LIKE ?",
                        String.class,
                        "meter-amount-too-large:units-big:tokentally_units_usd_micros:%"))
                .contains(" reaches 12000000000000 USD by the hour from " + day + "T10:00:00Z, more micro-USD than"
                        + " a Stripe meter event or invoice item can carry");
        assertThat(stripe().totals())
                .containsEntry("cus_units_ok|" + INPUT_METER, 360_000L)
                .doesNotContainKey("cus_units_big|tokentally_units_usd_micros");
    }

    /** Runs the day on the custom-rates plans and prices (the units plan: 20% markup, 50% on custom/acme-ft). */
    JobExecution runOnCustomRates(LocalDate date, Path input, Path customers) throws Exception {
        return runs.run(new BillingJobParameters(
                date,
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                FIXTURES.resolve("custom-rates-plans.yaml"),
                FIXTURES.resolve("custom-rates-prices.csv")));
    }

    JobExecution run(LocalDate date, Path input, Path customers, Path pricesFile) throws Exception {
        JobExecution execution = runs.run(new BillingJobParameters(
                date,
                0,
                List.of(input.getFileName() + "=" + input.toAbsolutePath()),
                customers,
                FIXTURES.resolve("pricing-models-plans.yaml"),
                pricesFile));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    Path runFolder(JobExecution execution, LocalDate date) {
        return RunFolders.of(workDir().resolve("runs"), RunReportListener.JOB_NAME, date.toString(), execution.getId());
    }

    /** A prices file: the lines of {@code base}, then {@code lines}. */
    Path pricesFile(String name, Path base, String lines) throws IOException {
        Path prices = workDir().resolve(name);
        Files.writeString(prices, Files.readString(base, StandardCharsets.UTF_8) + lines);
        return prices;
    }

    /** A customers file of one customer. */
    Path customersFile(String name, String customerId, String stripeCustomerId, String plan) throws IOException {
        Path customers = workDir().resolve(name);
        Files.writeString(
                customers,
                "customer_id,stripe_customer_id,plan_id\n" + customerId + "," + stripeCustomerId + "," + plan + "\n");
        return customers;
    }

    /** The report's totals as "model token-type tokens billed-usd". */
    static List<String> totalLines(JsonNode report) {
        return report.get("totals")
                .valueStream()
                .map(total -> total.get("model").asString() + " "
                        + total.get("token_type").asString() + " "
                        + total.get("tokens").asLong() + " "
                        + total.get("billed_usd").asString())
                .toList();
    }

    JsonNode report(JobExecution execution, LocalDate date) {
        return JSON.readTree(runFolder(execution, date).resolve("report.json").toFile());
    }

    long outboxMicros(String meter) {
        Long micros = jdbc.queryForObject(
                "SELECT COALESCE(SUM(value_micros), 0) FROM outbox WHERE customer_id = 'held-a' AND meter = ?",
                Long.class,
                meter);
        return micros == null ? 0 : micros;
    }
}
