package io.tokentally.job;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.cli.TokentallyCommand;
import io.tokentally.pricing.PriceApprovals;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StepLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import picocli.CommandLine;

/** Price syncs between usage days, on the embedded database, with a webhook listening. */
@SpringBootTest
class PriceSyncJobTests {

    static final Path WORK = TempFolders.create("tokentally-price-sync-");
    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final List<String> WEBHOOK_BODIES = new CopyOnWriteArrayList<>();
    static final HttpServer WEBHOOK = webhook();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
        registry.add(
                "tokentally.price-sync.webhook-url",
                () -> "http://127.0.0.1:" + WEBHOOK.getAddress().getPort() + "/prices");
    }

    @Autowired
    BillingRuns runs;

    @Autowired
    JobOperator jobOperator;

    @Autowired
    @Qualifier(PriceSyncJobConfiguration.PRICE_SYNC_JOB)
    Job priceSyncJob;

    @Autowired
    @Qualifier(RerateJobConfiguration.RERATE_JOB)
    Job rerateJob;

    /** Tells this class's rerates apart: each is a run of its own, as each {@code prices rerate} is. */
    private static int reratesStarted;

    @Autowired
    @Qualifier(LoadPricesStepConfiguration.PRICE_CATALOG_LOCK)
    StepLock priceCatalogLock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobRepository jobRepository;

    @Autowired
    RunStops runStops;

    @Autowired
    PriceApprovals approvals;

    @AfterAll
    static void stop() {
        WEBHOOK.stop(0);
    }

    @Test
    void usageIsRatedAtTheSyncedPriceFromItsEffectiveInstantOnWithoutTouchingTheDayBefore() throws Exception {
        // given: gpt-4o-mini input is 0.30 per 1M (job-prices.csv); a day of usage is billed
        run("2026-10-09", "before", "b1,2026-10-09T12:00:00Z,alice,openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok");

        // when: a feed cuts it to 0.20 from 2026-10-10, and the next day is billed, and the first rerun
        Path feed = feed(
                "cut.json",
                "{\"gpt-4o-mini\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\","
                        + " \"input_cost_per_token\": 2e-07, \"output_cost_per_token\": 6e-07}}");
        JobExecution sync = sync(feed, "litellm", "2026-10-10T00:00:00Z");
        run("2026-10-10", "after", "a1,2026-10-10T12:00:00Z,alice,openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok");
        run("2026-10-09", "before", "b1,2026-10-09T12:00:00Z,alice,openai,gpt-4o-mini,1000000,0,0,0,0,0,,ok");

        // then: 0.30 x 1.3 = 0.39 before; 0.20 x 1.3 = 0.26 after
        assertThat(sync.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(billed("2026-10-09T12:00:00Z")).isEqualByComparingTo("0.39");
        assertThat(billed("2026-10-10T12:00:00Z")).isEqualByComparingTo("0.26");
    }

    @Test
    void aFeedThatStopsListingAModelsLongContextPricesBillsALongPromptAtTheStandardPriceFromThenOn() throws Exception {
        // given: a feed prices claude-x at 3 per 1M input, 6 above 200k tokens; a 300k-token prompt is billed
        String longPrices = ", \"input_cost_per_token_above_200k_tokens\": 6e-06,"
                + " \"output_cost_per_token_above_200k_tokens\": 2.25e-05";
        sync(feed("long.json", claudeX(longPrices)), "litellm", "2026-10-14T00:00:00Z");
        String prompt = ",alice,anthropic,claude-x,300000,0,0,0,1000,0,,ok";
        run("2026-10-14", "long-before", "l1,2026-10-14T12:00:00Z" + prompt);

        // when: the feed lists claude-x without long-context prices, and the next day is billed
        WEBHOOK_BODIES.clear();
        JobExecution sync = sync(feed("no-long.json", claudeX("")), "litellm", "2026-10-15T00:00:00Z");
        run("2026-10-15", "long-after", "l2,2026-10-15T12:00:00Z" + prompt);

        // then: 0.3M x 6 x 1.3 = 2.34 before; 0.3M x 3 x 1.3 = 1.17 after, still on the long-context lines
        assertThat(sync.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(billed("2026-10-14T12:00:00Z")).isEqualByComparingTo("2.34");
        assertThat(billed("2026-10-15T12:00:00Z")).isEqualByComparingTo("1.17");
        assertThat(jdbc.queryForObject(
                        "SELECT context_tier FROM rated_aggregate WHERE customer_id = 'alice'"
                                + " AND token_type = 'input' AND hour_start = ?",
                        String.class,
                        SqlTime.utc(Instant.parse("2026-10-15T12:00:00Z"))))
                .isEqualTo("long");
        // and the report gives the long lines the threshold that stays in force, as their findings say
        assertThat(WEBHOOK_BODIES)
                .singleElement(as(InstanceOfAssertFactories.STRING))
                .contains("\"new_long_context_threshold\" : 200000")
                .doesNotContain("\"new_long_context_threshold\" : null");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'PRICE_CHANGED'"
                                + " AND message LIKE 'anthropic/claude-x output (standard, long)%'",
                        Long.class))
                .isEqualTo(1);
    }

    private static String claudeX(String longPrices) {
        return "\"claude-x\": {\"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
                + " \"input_cost_per_token\": 3e-06, \"output_cost_per_token\": 1.5e-05" + longPrices + "}";
    }

    @Test
    void aSyncEffectiveBeforeHoursAlreadyBilledFindsThemAsTheyKeepTheirPrice() throws Exception {
        // given: a feed prices gpt-x at 1 per 1M input from 16 October; noon's million tokens are billed
        sync(feed("gpt-x.json", model("gpt-x", "1e-06")), "backdated", "2026-10-16T00:00:00Z");
        run("2026-10-16", "backdated", "bd1,2026-10-16T12:00:00Z,alice,openai,gpt-x,1000000,0,0,0,0,0,,ok");

        // when: the next sync raises it to 2 from 06:00 that day, after the hour was billed
        sync(feed("gpt-x-raised.json", model("gpt-x", "2e-06")), "backdated", "2026-10-16T06:00:00Z");

        // then: the hour keeps the price that billed it (1 x 1.3), and a warning says so, naming the rerate
        assertThat(billed("2026-10-16T12:00:00Z")).isEqualByComparingTo("1.3");
        assertThat(backdatedFindings("openai/gpt-x:input:standard:standard:2026-10-16T06:00:00Z"))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "price-added-after-billing:openai/gpt-x:input:standard:standard:2026-10-16T06:00:00Z"))
                .contains("prices rerate --from 2026-10-16 --to 2026-10-16")
                .endsWith("Plans that hold price changes take a feed's change only from its approval, never"
                        + " back-dated: their customers' hours stay as billed, also in a rerate, and are not counted"
                        + " here");
    }

    @Test
    void aBackdatedSyncCountsOnlyTheHoursOfPlansThatTakeItsChangeBack() throws Exception {
        // given: carol's plan holds price changes, alice's takes them; a feed prices gpt-y at 1 per 1M input from
        // 20 October; noon's million tokens of each are billed
        Path plans = holdingPlans("backdated-hold");
        Path customers = withCarol("backdated-hold");
        sync(feed("gpt-y.json", model("gpt-y", "1e-06")), "backdated-hold", "2026-10-20T00:00:00Z");
        run(
                "2026-10-20",
                "backdated-hold",
                plans,
                customers,
                "bh1,2026-10-20T12:00:00Z,alice,openai,gpt-y,1000000,0,0,0,0,0,,ok",
                "bh2,2026-10-20T12:00:00Z,carol,openai,gpt-y,1000000,0,0,0,0,0,,ok");
        assertThat(billed("carol", "2026-10-20T12:00:00Z")).isEqualByComparingTo("1.1");

        // when: the next sync raises it to 2 from 06:00 that day, after the hour was billed
        sync(feed("gpt-y-raised.json", model("gpt-y", "2e-06")), "backdated-hold", "2026-10-20T06:00:00Z");

        // then: the warning counts alice's hour alone; carol's plan never takes the change back
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "price-added-after-billing:openai/gpt-y:input:standard:standard:2026-10-20T06:00:00Z"))
                .contains("was added after 1 aggregate(s) of 1 customer(s) in the hours 2026-10-20T12:00:00Z to"
                        + " 2026-10-20T12:00:00Z were billed at another version");
    }

    @Test
    void aBackdatedPriceAFeedAddsCountsTheHoursOfPlansThatHoldChangesAsTheyTakeItBack() throws Exception {
        // given: carol's plan holds price changes; a feed prices gpt-w input at 1 per 1M from 23 October, and carol's
        // cached tokens at noon are billed at that input price (gpt-w has no cache price)
        Path plans = holdingPlans("added-hold");
        Path customers = withCarol("added-hold");
        sync(feed("gpt-w.json", model("gpt-w", "1e-06")), "added-hold", "2026-10-23T00:00:00Z");
        run(
                "2026-10-23",
                "added-hold",
                plans,
                customers,
                "aw1,2026-10-23T12:00:00Z,carol,openai,gpt-w,1000000,500000,0,0,0,0,,ok");

        // when: the next sync adds a cache-read price from 06:00 that day, after the hour was billed
        sync(
                feed(
                        "gpt-w-cached.json",
                        "\"gpt-w\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\":"
                                + " 1e-06, \"cache_read_input_token_cost\": 1e-07}"),
                "added-hold",
                "2026-10-23T06:00:00Z");

        // then: a price a feed adds is every plan's at once, back-dated too, so carol's hour is counted, and the
        // message does not say hold plans are left out
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "price-added-after-billing:openai/gpt-w:cache_read:standard:standard:2026-10-23T06:00:00Z"))
                .contains("was added after 1 aggregate(s) of 1 customer(s)")
                .doesNotContain("Plans that hold price changes");
    }

    private long backdatedFindings(String keySuffix) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM finding WHERE kind = 'PRICE_ADDED_AFTER_BILLING' AND finding_key = ?",
                Long.class,
                "price-added-after-billing:" + keySuffix);
    }

    @Test
    void aSyncRecordsChangesNewAndVanishedModelsAsFindingsAndPostsItsReport() throws Exception {
        // given: a feed that names two models
        sync(
                feed("first.json", model("gpt-4.1", "2e-06") + "," + model("gpt-4.1-mini", "4e-07")),
                "openai-feed",
                "2026-10-11T00:00:00Z");
        WEBHOOK_BODIES.clear();

        // when: the next feed raises one and drops the other
        JobExecution second =
                sync(feed("second.json", model("gpt-4.1", "2.2e-06")), "openai-feed", "2026-10-12T00:00:00Z");

        // then
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Map<String, Object> raised = jdbc.queryForMap(
                "SELECT severity, message FROM finding WHERE kind = 'PRICE_CHANGED' AND message LIKE 'openai/gpt-4.1 input%'");
        assertThat(raised.get("SEVERITY")).isEqualTo("WARNING");
        assertThat((String) raised.get("MESSAGE")).contains("2 -> 2.2 USD per 1M (10.00%)");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind = 'PRICE_MODEL_VANISHED' AND message LIKE"
                                + " 'openai/gpt-4.1-mini is no longer%'",
                        Long.class))
                .isEqualTo(1);
        assertThat(WEBHOOK_BODIES).hasSize(1);
        assertThat(WEBHOOK_BODIES.get(0))
                .contains("\"new_usd_per_million\" : \"2.2\"")
                .contains("\"vanished_models\" : [ \"openai/gpt-4.1-mini\" ]");
    }

    @Test
    void aModelBackInTheFeedThatDroppedItHasItsVanishedFindingResolved() throws Exception {
        // given gpt-back-mini dropped by the feed that priced it
        sync(
                feed("back-first.json", model("gpt-back", "2e-06") + "," + model("gpt-back-mini", "4e-07")),
                "back-feed",
                "2026-10-28T00:00:00Z");
        sync(feed("back-second.json", model("gpt-back", "2e-06")), "back-feed", "2026-10-29T00:00:00Z");
        String key = "price-model-vanished:back-feed:openai/gpt-back-mini";
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, key))
                .isEqualTo("OPEN");

        // when the feed lists it again
        JobExecution third = sync(
                feed("back-third.json", model("gpt-back", "2e-06") + "," + model("gpt-back-mini", "4e-07")),
                "back-feed",
                "2026-10-30T00:00:00Z");

        // then its finding no longer says it is gone (hunt EH: it stayed open)
        assertThat(third.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, key))
                .isEqualTo("RESOLVED");
    }

    @Test
    void aPlanThatHoldsPriceChangesKeepsTheOldPriceUntilTheChangeIsApprovedAndThenFromTheApprovalOn() throws Exception {
        // given: carol's plan holds price changes; alice's takes them; gpt-4o input is 0.30 per 1M
        Path plans = holdingPlans("hold");
        Path customers = withCarol("hold");
        String[] day21 = {
            "h1,2026-10-21T12:00:00Z,carol,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
            "h2,2026-10-21T12:00:00Z,alice,openai,gpt-4o,1000000,0,0,0,0,0,,ok"
        };

        // when: a sync cuts it to 2.00 from 10-21; the day is billed; the cut is approved on 10-22 at 09:30
        sync(feed("hold.json", model("gpt-4o", "2e-06")), "held-feed", "2026-10-21T00:00:00Z");
        run("2026-10-21", "hold", plans, customers, day21);
        approvals.approve(
                new PriceApprovals.Sync("held-feed", Instant.parse("2026-10-21T00:00:00Z")),
                Instant.parse("2026-10-22T09:30:00Z"),
                "finance@example.com",
                "reviewed");
        run(
                "2026-10-22",
                "hold",
                plans,
                customers,
                "h3,2026-10-22T09:10:00Z,carol,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "h4,2026-10-22T10:10:00Z,carol,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        run("2026-10-21", "hold", plans, customers, day21);

        // then: carol 2.50 x 1.1 until the approval's hour is over, then 2.00 x 1.1; alice 2.00 x 1.3 at once
        assertThat(billed("carol", "2026-10-21T12:00:00Z")).isEqualByComparingTo("2.75");
        assertThat(billed("alice", "2026-10-21T12:00:00Z")).isEqualByComparingTo("2.6");
        assertThat(billed("carol", "2026-10-22T09:00:00Z")).isEqualByComparingTo("2.75");
        assertThat(billed("carol", "2026-10-22T10:00:00Z")).isEqualByComparingTo("2.2");
    }

    @Test
    void aPlanThatHoldsPriceChangesKeepsTheLongContextThresholdUntilItsChangeIsApproved() throws Exception {
        // given: carol's plan holds price changes; alice's takes them; a feed prices claude-t at 3 per 1M input, 6
        // above 200k tokens
        Path plans = holdingPlans("hold-threshold");
        Path customers = withCarol("hold-threshold");
        sync(feed("threshold-200k.json", claudeT("200k")), "threshold-feed", "2026-10-24T00:00:00Z");

        // when: a sync raises the threshold to 300k from 10-25 (the same prices), not approved; each bills a
        // 250k-token prompt on 10-25
        sync(feed("threshold-300k.json", claudeT("300k")), "threshold-feed", "2026-10-25T00:00:00Z");
        String prompt = ",anthropic,claude-t,250000,0,0,0,0,0,,ok";
        run(
                "2026-10-25",
                "hold-threshold",
                plans,
                customers,
                "t1,2026-10-25T12:00:00Z,carol" + prompt,
                "t2,2026-10-25T12:00:00Z,alice" + prompt);

        // then: carol's prompt is long by the 200k threshold her plan still sees: 0.25M x 6 x 1.1 = 1.65; alice's is
        // standard by the new one: 0.25M x 3 x 1.3 = 0.975
        assertThat(billed("carol", "2026-10-25T12:00:00Z")).isEqualByComparingTo("1.65");
        assertThat(billed("alice", "2026-10-25T12:00:00Z")).isEqualByComparingTo("0.975");
    }

    /** The job's plans and {@code steady}, a plan that holds price changes. */
    private static Path holdingPlans(String name) throws IOException {
        return Files.writeString(
                WORK.resolve("plans-" + name + ".yaml"),
                Files.readString(FIXTURES.resolve("job-plans.yaml"))
                        + "  - id: steady\n    markup_percent: 10\n    price_changes: hold\n");
    }

    /** The job's customers and carol, on {@code steady}. */
    private static Path withCarol(String name) throws IOException {
        return Files.writeString(
                WORK.resolve("customers-" + name + ".csv"),
                Files.readString(FIXTURES.resolve("job-customers.csv")) + "carol,cus_TestCarol0001,steady,Carol Co\n");
    }

    private static String claudeT(String above) {
        return "\"claude-t\": {\"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
                + " \"input_cost_per_token\": 3e-06, \"input_cost_per_token_above_" + above + "_tokens\": 6e-06}";
    }

    @Test
    void rerateShowsTheDifferenceFirstAndAppliesItOnlyWhenAskedRecordingWhoAndWhy() throws Exception {
        // given: 100,000 tokens billed at 3 per 1M (sonnet 4.5 input), as many of an unknown customer's (not
        // billed), then a negotiated 2.4 from that day on
        run(
                "2026-10-27",
                "rerate",
                "r1,2026-10-27T08:00:00Z,alice,anthropic,claude-sonnet-4-5,100000,0,0,0,0,0,,ok",
                "r2,2026-10-27T08:00:00Z,zed,anthropic,claude-sonnet-4-5,100000,0,0,0,0,0,,ok");
        Path negotiated = WORK.resolve("negotiated.csv");
        Files.writeString(
                negotiated,
                "model,token_type,usd_per_million,effective_from,long_context_threshold\n"
                        + "anthropic/claude-sonnet-4-5,input,2.4,2026-10-27,200000\n");
        StringWriter preview = new StringWriter();
        StringWriter applied = new StringWriter();
        StringWriter previewAgain = new StringWriter();
        StringWriter override = new StringWriter();
        BigDecimal afterPreview;
        System.setProperty("tokentally.data-dir", WORK.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", WORK.resolve("runs").toString());
        try {
            // when
            new CommandLine(new TokentallyCommand())
                    .setOut(new PrintWriter(override))
                    .execute("prices", "override", negotiated.toString());
            rerate(preview);
            afterPreview = billed("2026-10-27T08:00:00Z");
            rerate(applied, "--apply");
            rerate(previewAgain);
        } finally {
            System.clearProperty("tokentally.data-dir");
            System.clearProperty("tokentally.runs-dir");
        }

        // then: each cost is 0.3 before, 0.24 after; alice's payg markup is 30%: 0.39 before, 0.312 after; zed's
        // usage is not billed, and only its cost changes
        assertThat(override.toString())
                .contains("PRICE_ADDED_AFTER_BILLING (WARNING): the input price of anthropic/claude-sonnet-4-5"
                        + " (standard, standard) 2.4 per 1M from 2026-10-27T00:00:00Z (override: negotiated.csv) was"
                        + " added after 1 aggregate(s) of 1 customer(s)");
        assertThat(backdatedFindings("anthropic/claude-sonnet-4-5:input:standard:standard:2026-10-27T00:00:00Z"))
                .isEqualTo(1);
        assertThat(afterPreview).isEqualByComparingTo("0.39");
        assertThat(preview.toString())
                .containsPattern("alice .* cost 0.3 -> 0.24  billed 0.39 -> 0.312")
                .containsPattern("zed .* cost 0.3 -> 0.24  billed 0 -> 0")
                .contains("2 line(s) change; cost 0.6 -> 0.48; billed 0.39 -> 0.312 (difference -0.078)")
                .contains("Nothing changed");
        assertThat(applied.toString())
                .contains("COMPLETED")
                .containsPattern("Stripe requests \\(dry run\\): .*/runs/nightly-billing/2026-10-27/execution-[0-9]+/"
                        + "stripe-requests.jsonl");
        assertThat(billed("2026-10-27T08:00:00Z")).isEqualByComparingTo("0.312");
        // and a preview after it has nothing left to change
        assertThat(previewAgain.toString())
                .isEqualTo("No line would change: today's catalog bills these days as they were billed."
                        + System.lineSeparator());
        assertThat(jdbc.queryForMap(
                        "SELECT requested_by, reason, billed_delta_usd FROM rerate_request WHERE reason = ?",
                        "negotiated price"))
                .containsEntry("REQUESTED_BY", "ops")
                .containsEntry("REASON", "negotiated price")
                .hasEntrySatisfying(
                        "BILLED_DELTA_USD",
                        delta -> assertThat((BigDecimal) delta).isEqualByComparingTo("-0.078"));
    }

    @Test
    void aSyncReadsItsFeedWithoutHoldingThePriceCatalog() throws Exception {
        // given: a feed served slowly, until released
        ExecutorService syncs = Executors.newSingleThreadExecutor();
        ExecutorService loads = Executors.newSingleThreadExecutor();
        try (HeldFeed slowFeed = new HeldFeed(model("catalog-turn-slow", "1e-06"))) {
            // when: a sync waits for it
            Future<JobExecution> sync =
                    syncs.submit(() -> sync(slowFeed.location(), "slow-feed", "2026-11-10T00:00:00Z"));
            assertThat(slowFeed.requested.await(60, TimeUnit.SECONDS)).isTrue();

            // then: a run's price load gets the catalog meanwhile
            Future<?> load = loads.submit(() -> priceCatalogLock
                    .hold(LoadPricesStepConfiguration.LOAD_PRICES_STEP)
                    .close());
            load.get(10, TimeUnit.SECONDS);

            // and: the sync adds the feed's model once it has read it
            slowFeed.release.countDown();
            assertThat(sync.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(jdbc.queryForObject(
                            "SELECT COUNT(*) FROM price WHERE model = 'openai/catalog-turn-slow'", Long.class))
                    .isPositive();
        } finally {
            syncs.shutdownNow();
            loads.shutdownNow();
        }
    }

    @Test
    void aSyncAddsItsVersionsInTurnWithTheRunsPriceLoads() throws Exception {
        // given: a run's price load holding the catalog
        Path feed = feed("catalog-turn.json", model("catalog-turn-held", "2e-06"));
        ExecutorService syncs = Executors.newSingleThreadExecutor();
        Future<JobExecution> sync;
        try (StepLock.Held load = priceCatalogLock.hold(LoadPricesStepConfiguration.LOAD_PRICES_STEP)) {
            // when: a sync of a feed with a new model
            sync = syncs.submit(() -> sync(feed, "turn-feed", "2026-11-11T00:00:00Z"));

            // then: it waits for its turn, having added nothing
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (priceCatalogLock.waiting() == 0 && !sync.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sync).as("the sync waits for the catalog").isNotDone();
            assertThat(catalogTurnHeldVersions()).isZero();
        } finally {
            syncs.shutdown();
        }

        // and: adds the model once the load gives the catalog back
        assertThat(sync.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(catalogTurnHeldVersions()).isPositive();
    }

    @Test
    void aSyncThatFailsInItsTurnGivesTheCatalogBack() throws Exception {
        // given: a feed with a new model, whose finding cannot be stored
        Path feed = feed("catalog-turn-failing.json", model("catalog-turn-failing", "3e-06"));
        JobExecution sync;
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "finding")) {
            // when
            sync = sync(feed, "failing-feed", "2026-11-12T00:00:00Z");
        }

        // then: it failed having added nothing, and a run's price load gets the catalog
        assertThat(sync.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM price WHERE model = 'openai/catalog-turn-failing'", Long.class))
                .isZero();
        ExecutorService loads = Executors.newSingleThreadExecutor();
        try {
            loads.submit(() -> priceCatalogLock
                            .hold(LoadPricesStepConfiguration.LOAD_PRICES_STEP)
                            .close())
                    .get(10, TimeUnit.SECONDS);
        } finally {
            loads.shutdownNow();
        }
    }

    @Test
    void aSyncWaitingForItsTurnStopsWhenAskedAndItsRestartAddsItsVersions() throws Exception {
        // given: a sync waiting for the catalog, which a run's price load holds
        Path feed = feed("catalog-turn-stopped.json", model("catalog-turn-stopped", "4e-06"));
        ExecutorService syncs = Executors.newSingleThreadExecutor();
        JobExecution stopped;
        try (StepLock.Held load = priceCatalogLock.hold(LoadPricesStepConfiguration.LOAD_PRICES_STEP)) {
            Future<JobExecution> sync = syncs.submit(() -> sync(feed, "stopped-feed", "2026-11-13T00:00:00Z"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (priceCatalogLock.waiting() == 0 && !sync.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sync).as("the sync waits for the catalog").isNotDone();
            JobExecution waiting =
                    jobRepository.findRunningJobExecutions(PriceSyncJobConfiguration.PRICE_SYNC_JOB).stream()
                            .findFirst()
                            .orElseThrow();
            // its process's stop finds it by its owner
            assertThat(RunOwnerListener.ownedByThisProcess(waiting)).isTrue();

            // when: its run is asked to stop, the load still holding the catalog
            runStops.ask(waiting);

            // then: it stops without its turn, having added nothing
            stopped = sync.get(10, TimeUnit.SECONDS);
        } finally {
            syncs.shutdown();
        }
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(stoppedVersions()).isZero();

        // and: restarted, it adds the model
        JobExecution restarted = jobOperator.restart(stopped);
        assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(stoppedVersions()).isPositive();
    }

    @Test
    void aSyncAskedToStopWhileItReadsItsFeedStopsWithoutWaitingForTheFeedHavingAddedNothing() throws Exception {
        // given: a sync reading a feed that answers once released
        ExecutorService syncs = Executors.newSingleThreadExecutor();
        try (HeldFeed slowFeed = new HeldFeed(model("catalog-turn-read-stopped", "5e-06"))) {
            Future<JobExecution> sync =
                    syncs.submit(() -> sync(slowFeed.location(), "read-stopped", "2026-11-14T00:00:00Z"));
            assertThat(slowFeed.requested.await(60, TimeUnit.SECONDS)).isTrue();

            // when: its run is asked to stop (the process closing), the feed still not answering
            runStops.ask(jobRepository.findRunningJobExecutions(PriceSyncJobConfiguration.PRICE_SYNC_JOB).stream()
                    .findFirst()
                    .orElseThrow());

            // then: it stops while the feed is still held (for a minute), having added nothing
            JobExecution stopped = sync.get(20, TimeUnit.SECONDS);
            assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
            assertThat(jdbc.queryForObject(
                            "SELECT COUNT(*) FROM price WHERE model = 'openai/catalog-turn-read-stopped'", Long.class))
                    .isZero();
        } finally {
            syncs.shutdownNow();
        }
    }

    /** A LiteLLM feed of one model that answers once released (or after a minute), saying when it was asked. */
    private static final class HeldFeed implements AutoCloseable {

        final CountDownLatch requested = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final HttpServer server;

        HeldFeed(String model) throws IOException {
            byte[] body = ("{" + model + "}").getBytes(StandardCharsets.UTF_8);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/feed.json", exchange -> {
                requested.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        String location() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed.json";
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    private long stoppedVersions() {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM price WHERE model = 'openai/catalog-turn-stopped'", Long.class);
    }

    private long catalogTurnHeldVersions() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM price WHERE model = 'openai/catalog-turn-held'", Long.class);
    }

    @Test
    void aRerateLeftUnfinishedIsAnErrorOfTheNightlyRunsUntilItIsRestartedOrItsDaysRerated() throws Exception {
        // given: a rerate of 3 November that failed in its first step
        JobExecution rerate = rerateThatFails("2026-11-03", "2026-11-03");
        long rerateRun = rerate.getJobInstance().getInstanceId();

        // when: a nightly run
        run("2026-11-04", "after-rerate", "ar1,2026-11-04T08:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");

        // then: it names the rerate, an error, with its restart
        assertThat(unfinishedRunFinding(rerateRun))
                .startsWith("OPEN ERROR The rerate of 2026-11-03 to 2026-11-03 (run " + rerateRun + ", execution "
                        + rerate.getId() + ") ended FAILED at ")
                .endsWith("Run 'tokentally restart " + rerate.getId() + "': it resumes where it stopped, and this"
                        + " finding is resolved. A later rerate of all these days that completes resolves it too. If"
                        + " the days are to stay as they are, acknowledge this finding.");

        // when: 'tokentally restart' of it fails again
        StringWriter failedAgain = new StringWriter();
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "rerate_request")) {
            assertThat(command(failedAgain, "restart", String.valueOf(rerate.getId())))
                    .isEqualTo(TokentallyCommand.EXIT_FAILED);
        }

        // then: it says so as a rerate, with the restart that resumes it, and no run report is looked for
        long again = jdbc.queryForObject(
                "SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION WHERE JOB_INSTANCE_ID = ?",
                Long.class,
                rerateRun);
        assertThat(failedAgain.toString())
                .startsWith("Re-rate 2026-11-03..2026-11-03: FAILED (execution " + again + ")")
                .contains("Exit code 1 (FAILED): ")
                .contains("; tokentally restart " + again + " resumes it where it stopped")
                .doesNotContain("No report was written", "rerunning its day");

        // when: it is restarted again, then a nightly run
        StringWriter restarted = new StringWriter();
        assertThat(command(restarted, "restart", String.valueOf(again))).isZero();
        assertThat(restarted.toString()).startsWith("Re-rate 2026-11-03..2026-11-03: COMPLETED (execution ");
        run("2026-11-05", "after-rerate", "ar2,2026-11-05T08:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");

        // then: the finding is resolved
        assertThat(unfinishedRunFinding(rerateRun)).startsWith("RESOLVED ");

        // when: a rerate of 6 November fails, a nightly run names it, and then a rerate of 5 to 7 November completes
        long failedRun =
                rerateThatFails("2026-11-06", "2026-11-06").getJobInstance().getInstanceId();
        run("2026-11-06", "after-rerate", "ar3,2026-11-06T08:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");
        assertThat(unfinishedRunFinding(failedRun)).startsWith("OPEN ERROR The rerate of 2026-11-06 to 2026-11-06");
        assertThat(rerate("2026-11-05", "2026-11-07").getStatus()).isEqualTo(BatchStatus.COMPLETED);
        run("2026-11-07", "after-rerate", "ar4,2026-11-07T08:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");

        // then: the next nightly run resolves the failed rerate's finding, its days rated again by the later one
        assertThat(unfinishedRunFinding(failedRun)).startsWith("RESOLVED ");
    }

    /** The command line, on this class's database and folders; its exit code. */
    private static int command(StringWriter out, String... args) {
        System.setProperty("tokentally.data-dir", WORK.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", WORK.resolve("runs").toString());
        try {
            return new CommandLine(new TokentallyCommand())
                    .setOut(new PrintWriter(out))
                    .execute(args);
        } finally {
            System.clearProperty("tokentally.data-dir");
            System.clearProperty("tokentally.runs-dir");
        }
    }

    private JobExecution rerateThatFails(String from, String to) throws Exception {
        try (InjectedInsertFailure failure = InjectedInsertFailure.on(jdbc, "rerate_request")) {
            JobExecution rerate = rerate(from, to);
            assertThat(rerate.getStatus()).isEqualTo(BatchStatus.FAILED);
            return rerate;
        }
    }

    /** The rerate job of the days, started as {@code prices rerate --apply} starts it, after its preview. */
    private JobExecution rerate(String from, String to) throws Exception {
        return jobOperator.start(
                rerateJob,
                new JobParametersBuilder()
                        .addString("date", from)
                        .addString(RerateJobConfiguration.FROM, from)
                        .addString(RerateJobConfiguration.TO, to)
                        .addString(RerateJobConfiguration.BY, "ops", false)
                        .addString(RerateJobConfiguration.REASON, "left unfinished", false)
                        .addString(
                                RerateJobConfiguration.REQUESTED_AT,
                                Instant.parse("2026-11-08T09:00:00Z")
                                        .plusSeconds(reratesStarted++)
                                        .toString())
                        .toJobParameters());
    }

    private String unfinishedRunFinding(long run) {
        return jdbc.queryForObject(
                "SELECT status || ' ' || severity || ' ' || message FROM finding WHERE finding_key = ?",
                String.class,
                UnfinishedRunsListener.key(run));
    }

    @Test
    void aRerateLeavesUsageHeldForWantOfAPriceToTheNextNightlyRun() throws Exception {
        // given 1,000 tokens of a model without a price, held, then a price for it from that day on
        run("2026-10-29", "rerate-held", "h1,2026-10-29T08:00:00Z,alice,openai,gpt-held-1,1000,0,0,0,0,0,,ok");
        Path priced = WORK.resolve("gpt-held-1.csv");
        Files.writeString(
                priced,
                "model,token_type,usd_per_million,effective_from,long_context_threshold\n"
                        + "openai/gpt-held-1,input,1,2026-10-29,\n");

        // when the day is rerated, its preview showing nothing of the held usage
        String out = overrideThenRerate(priced, "2026-10-29", "held check", "--apply");

        // then the held usage is still held, for the next nightly run to bill: the rerate billed what it showed
        assertThat(out).contains("No line would change");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM held_usage WHERE model = 'openai/gpt-held-1'", Integer.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM rated_aggregate WHERE model = 'openai/gpt-held-1'", Integer.class))
                .isZero();
    }

    @Test
    void aReratesPreviewShowsTheTokensOfUsageHeldForItsTierThatItWouldBill() throws Exception {
        // given alice's million gpt-4o standard input tokens and a million flex ones, held: flex has no price yet
        run(
                "2026-10-30",
                "rerate-tier",
                "t1,2026-10-30T08:00:00Z,alice,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "t2,2026-10-30T08:10:00Z,alice,openai,gpt-4o,1000000,0,0,0,0,0,flex,ok");
        Path flex = WORK.resolve("gpt-4o-flex.csv");
        Files.writeString(
                flex,
                "model,token_type,service_tier,context_tier,usd_per_million,effective_from,long_context_threshold\n"
                        + "openai/gpt-4o,input,flex,standard,1.25,2026-10-30,\n");

        // when flex gets a price and the day's rerate is previewed
        String out = overrideThenRerate(flex, "2026-10-30", "flex priced");

        // then alice's input line shows both counts: the standard tokens billed, and the flex ones with them
        assertThat(out).containsPattern("alice +openai/gpt-4o +input +1,000,000 -> 2,000,000 tokens  cost 2.5 -> 3.75");
    }

    /** {@code prices override} of {@code prices}, then {@code prices rerate} of {@code day} by ops: what they print. */
    private static String overrideThenRerate(Path prices, String day, String reason, String... options) {
        StringWriter out = new StringWriter();
        List<String> rerate = new ArrayList<>(
                List.of("prices", "rerate", "--from", day, "--to", day, "--by", "ops", "--reason", reason));
        rerate.addAll(List.of(options));
        System.setProperty("tokentally.data-dir", WORK.resolve("data").toString());
        System.setProperty("tokentally.runs-dir", WORK.resolve("runs").toString());
        try {
            new CommandLine(new TokentallyCommand())
                    .setOut(new PrintWriter(out))
                    .execute("prices", "override", prices.toString());
            new CommandLine(new TokentallyCommand())
                    .setOut(new PrintWriter(out))
                    .execute(rerate.toArray(String[]::new));
        } finally {
            System.clearProperty("tokentally.data-dir");
            System.clearProperty("tokentally.runs-dir");
        }
        return out.toString();
    }

    /** {@code prices rerate} of 2026-10-27 by ops for a negotiated price, printing to {@code out}. */
    private static void rerate(StringWriter out, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "prices",
                "rerate",
                "--from",
                "2026-10-27",
                "--to",
                "2026-10-27",
                "--by",
                "ops",
                "--reason",
                "negotiated price"));
        args.addAll(List.of(options));
        new CommandLine(new TokentallyCommand()).setOut(new PrintWriter(out)).execute(args.toArray(String[]::new));
    }

    @Test
    void aDryRunChangesNothingAndPostsNothing() throws Exception {
        // given
        WEBHOOK_BODIES.clear();
        long versionsBefore = jdbc.queryForObject("SELECT COUNT(*) FROM price", Long.class);

        // when
        JobExecution dryRun = jobOperator.start(
                priceSyncJob,
                new PriceSyncParameters(
                                feed("dry.json", model("gpt-9", "1e-06")).toString(),
                                "litellm",
                                "litellm",
                                Instant.parse("2026-10-13T00:00:00Z"),
                                true)
                        .toJobParameters());

        // then
        assertThat(dryRun.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(dryRun.getExecutionContext().getString(PriceSyncJobConfiguration.SUMMARY))
                .contains("1 new models")
                .contains("dry run, nothing applied");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM price", Long.class))
                .isEqualTo(versionsBefore);
        assertThat(WEBHOOK_BODIES).isEmpty();
    }

    @Test
    void aSyncWhoseFeedHasAPriceLeftOutSaysSoInItsSummary() throws Exception {
        // when: a dry run of a feed whose one model's input price is negative
        JobExecution dryRun = start(new PriceSyncParameters(
                feed("negative.json", model("gpt-negative", "-2e-06")).toString(),
                "negative",
                "litellm",
                Instant.parse("2026-10-13T00:00:00Z"),
                true));

        // then: the summary counts the note that left it out (hunt DL: it read as a clean sync)
        assertThat(dryRun.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(dryRun.getExecutionContext().getString(PriceSyncJobConfiguration.SUMMARY))
                .contains("; 1 price(s) left out (report.json notes)");
    }

    @Test
    void theSameSyncGivenAgainOnceItCompletedRunsAgainAsTheCommandGivesIt() throws Exception {
        // given: a feed's dry run given twice, then the sync itself, at one instant
        Path feed = feed("again.json", model("gpt-again-1", "1e-06"));
        Instant effective = Instant.parse("2026-10-14T00:00:00Z");
        PriceSyncParameters dryRun = new PriceSyncParameters(feed.toString(), "again", "litellm", effective, true);
        PriceSyncParameters sync = new PriceSyncParameters(feed.toString(), "again", "litellm", effective, false);
        JobExecution firstDryRun = start(dryRun);
        JobExecution secondDryRun = start(dryRun);
        JobExecution first = start(sync);

        // when: the feed, corrected, lists a second model, and the same sync is given again
        feed("again.json", model("gpt-again-1", "1e-06") + ", " + model("gpt-again-2", "2e-06"));
        JobExecution corrected = start(sync);

        // then: each ran as a run of its own; the corrected feed's new model is added
        assertThat(List.of(firstDryRun, secondDryRun, first, corrected))
                .extracting(JobExecution::getStatus)
                .containsOnly(BatchStatus.COMPLETED);
        assertThat(List.of(firstDryRun, secondDryRun, first, corrected))
                .extracting(execution -> execution.getJobInstance().getInstanceId())
                .doesNotHaveDuplicates();
        assertThat(secondDryRun.getExecutionContext().getString(PriceSyncJobConfiguration.SUMMARY))
                .contains("1 new models")
                .contains("dry run, nothing applied");
        assertThat(corrected.getExecutionContext().getString(PriceSyncJobConfiguration.SUMMARY))
                .contains("1 new models");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM price WHERE model = 'openai/gpt-again-2' AND service_tier = 'standard'",
                        Long.class))
                .isOne();
    }

    @Test
    void aFailedSyncGivenAgainResumesItsOwnRun() throws Exception {
        // given: a sync whose CSV feed has a bad row
        PriceSyncParameters sync = csvSync("resumed", "ten");
        JobExecution failed = start(sync);

        // when: the feed is mended and the same sync given again
        csvSync("resumed", "10");
        JobExecution resumed = start(sync);

        // then
        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstance().getInstanceId())
                .isEqualTo(failed.getJobInstance().getInstanceId());
    }

    @Test
    void aSyncWhoseRunEndedUnknownGivenAgainRunsAsANewRun() throws Exception {
        // given: a failed sync whose run is left UNKNOWN (as a process that died mid-update leaves one), which Spring
        // Batch does not restart
        PriceSyncParameters sync = csvSync("unknown", "ten");
        JobExecution failed = start(sync);
        failed.setStatus(BatchStatus.UNKNOWN);
        jobRepository.update(failed);

        // when: the feed is mended and the same sync given again
        csvSync("unknown", "10");
        JobExecution again = start(sync);

        // then
        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(again.getJobInstance().getInstanceId())
                .isNotEqualTo(failed.getJobInstance().getInstanceId());
    }

    @Test
    void aSyncGivenWhileAnotherProcessIsStartingTheSameOneIsRefusedAsRunningNotRunTwice() throws Exception {
        // given: the same sync's run stored by another process, whose first execution it stores 300 ms later
        PriceSyncParameters sync = csvSync("starting", "10");
        JobParameters first = sync.toJobParameters(jobRepository, priceSyncJob.getName());
        JobInstance instance = jobRepository.createJobInstance(priceSyncJob.getName(), first);
        CompletableFuture<JobExecution> starting = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            JobExecution execution = jobRepository.createJobExecution(instance, first, new ExecutionContext());
            execution.setStatus(BatchStatus.STARTED);
            jobRepository.update(execution);
            return execution;
        });

        // when: the sync is given again meanwhile
        JobParameters again = sync.toJobParameters(jobRepository, priceSyncJob.getName());
        starting.get();

        // then: it names the run being started, which Spring Batch refuses to start twice
        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> jobOperator.start(priceSyncJob, again))
                .isInstanceOf(JobExecutionAlreadyRunningException.class);
    }

    @Test
    void aPlanOverrideOfAModelWithoutAPriceIsResolvedByTheFirstRunAfterASyncPricesIt() throws Exception {
        // given: a plan overriding the markup of a model the catalog has no price for, and a day billed
        Path plans = Files.writeString(
                WORK.resolve("plans-unpriced-override.yaml"),
                Files.readString(FIXTURES.resolve("job-plans.yaml"))
                        + "  - id: early\n    markup_percent: 10\n    overrides:\n      - model: openai/gpt-early\n"
                        + "        markup_percent: 40\n");
        Path customers = FIXTURES.resolve("job-customers.csv");
        String key = "plan-override-unpriced:early:openai/gpt-early";
        run(
                "2026-10-18",
                "early",
                plans,
                customers,
                "e1,2026-10-18T12:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");
        String before = findingStatus(key);

        // when: a sync prices the model, and the next day is billed
        sync(feed("early.json", model("gpt-early", "1e-06")), "early-feed", "2026-10-19T00:00:00Z");
        run(
                "2026-10-19",
                "early",
                plans,
                customers,
                "e2,2026-10-19T12:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,0,0,,ok");

        // then
        assertThat(before).isEqualTo("OPEN");
        assertThat(findingStatus(key)).isEqualTo("RESOLVED");
    }

    private String findingStatus(String key) {
        return jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, key);
    }

    @Test
    void aCsvFeedWithABadRowFailsNamingTheFeedAndTheLineNotItsDownloadedCopy() throws Exception {
        // given
        Path feed = WORK.resolve("own-prices-feed.csv");
        Files.writeString(
                feed,
                "model,token_type,usd_per_million\n" + "openai/gpt-4o,input,2.5\n" + "openai/gpt-4o,output,ten\n");
        long versionsBefore = jdbc.queryForObject("SELECT COUNT(*) FROM price", Long.class);

        // when
        JobExecution sync = jobOperator.start(
                priceSyncJob,
                new PriceSyncParameters(feed.toString(), "own", "csv", Instant.parse("2026-10-13T00:00:00Z"), false)
                        .toJobParameters());

        // then
        assertThat(sync.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(sync.getAllFailureExceptions())
                .extracting(Throwable::getMessage)
                .anySatisfy(message -> assertThat(message).startsWith(feed + " line 3: "));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM price", Long.class))
                .isEqualTo(versionsBefore);
    }

    // --- helpers

    private JobExecution sync(Path feed, String name, String effective) throws Exception {
        return sync(feed.toString(), name, effective);
    }

    private JobExecution sync(String location, String name, String effective) throws Exception {
        return jobOperator.start(
                priceSyncJob,
                new PriceSyncParameters(location, name, "litellm", Instant.parse(effective), false).toJobParameters());
    }

    /**
     * A sync of the CSV feed {@code <name>-prices-feed.csv}, written with one price of model {@code openai/gpt-<name>}:
     * {@code usdPerMillion} as given, so {@code ten} makes it fail at that row.
     */
    private static PriceSyncParameters csvSync(String name, String usdPerMillion) throws IOException {
        Path feed = WORK.resolve(name + "-prices-feed.csv");
        Files.writeString(
                feed, "model,token_type,usd_per_million\nopenai/gpt-" + name + ",input," + usdPerMillion + "\n");
        return new PriceSyncParameters(feed.toString(), name, "csv", Instant.parse("2026-10-14T00:00:00Z"), false);
    }

    /** Starts a sync as {@code prices sync} does: a run of its own unless the same sync's last one did not complete. */
    private JobExecution start(PriceSyncParameters parameters) throws Exception {
        return jobOperator.start(priceSyncJob, parameters.toJobParameters(jobRepository, priceSyncJob.getName()));
    }

    private void run(String date, String source, String... rows) throws Exception {
        run(date, source, FIXTURES.resolve("job-plans.yaml"), FIXTURES.resolve("job-customers.csv"), rows);
    }

    private void run(String date, String source, Path plans, Path customers, String... rows) throws Exception {
        Path input = WORK.resolve("input-" + source);
        Files.createDirectories(input);
        UsageFixtures.write(input.resolve("gateway-" + date + ".csv"), rows);
        JobExecution execution = runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                List.of(source + "=" + input.toAbsolutePath()),
                customers,
                plans,
                FIXTURES.resolve("job-prices.csv")));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    private BigDecimal billed(String hour) {
        return billed("alice", hour);
    }

    private BigDecimal billed(String customer, String hour) {
        return jdbc.queryForObject(
                "SELECT SUM(billed_usd) FROM rated_aggregate WHERE customer_id = ? AND token_type = 'input'"
                        + " AND hour_start = ?",
                BigDecimal.class,
                customer,
                SqlTime.utc(Instant.parse(hour)));
    }

    private static Path feed(String name, String body) throws IOException {
        Path file = WORK.resolve("feeds").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, body.startsWith("{") ? body : "{" + body + "}");
        return file;
    }

    private static String model(String key, String inputPerToken) {
        return "\"" + key + "\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", \"input_cost_per_token\": "
                + inputPerToken + "}";
    }

    private static HttpServer webhook() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/prices", exchange -> {
                WEBHOOK_BODIES.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
