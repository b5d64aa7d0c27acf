package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.UsageFixtures;
import io.tokentally.shared.NovemberClock;
import io.tokentally.shared.RunFolders;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The acceptance path of issue 7: provider usage and cost exports, gateway logs and the fake Stripe, with one
 * planted mismatch of every kind. Every planted mismatch must be found with the numbers computed here by hand,
 * and nothing else. Prices (job-prices.csv, USD per million): gpt-4o input 2.50, output 10; gpt-4o-mini input
 * 0.30 (since 2026-10-05), output 0.60; claude-sonnet-4-5 input 3, cache read 0.30, output 15. alice pays a
 * 30% markup, bob 20% (25% on Anthropic); zed is in no customers file. Tolerances: 100 tokens (1 USD, so tokens
 * decide) for provider vs usage, 0.01 USD for charges.
 */
abstract class ReconciliationAcceptanceScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The run's day, and an older day whose cost export arrives late; recent enough for meter events. */
    static final LocalDate DAY = NovemberClock.today().minusDays(3);

    static final LocalDate LATE = DAY.minusDays(2);

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    abstract FakeStripe stripe();

    abstract Path workDir();

    static void properties(DynamicPropertyRegistry registry, FakeStripe stripe, Path work) {
        PricingModelsScenarios.properties(registry, stripe, work);
        registry.add("tokentally.reconcile.providers.usage-tokens", () -> "100");
        registry.add("tokentally.reconcile.providers.usage-usd", () -> "1");
        registry.add("tokentally.stripe.read-back-max-wait-seconds", () -> "4");
        registry.add("tokentally.stripe.read-back-poll-seconds", () -> "1");
    }

    @Test
    void everyPlantedMismatchIsFoundWithItsNumbersAndNothingElse() throws Exception {
        stripe().reset();
        stripe().customers("cus_TestAlice0001", "cus_TestBob000001");
        // given the late day: alice's 40,000 gpt-4o input tokens ($0.10 at list, billed $0.13), no provider data;
        // Stripe's summaries lag two seconds behind, then agree
        Path gateway = Files.createDirectories(workDir().resolve("gateway"));
        Path provider = Files.createDirectories(workDir().resolve("provider"));
        UsageFixtures.write(
                gateway.resolve("gateway-late.csv"),
                "l-1," + LATE + "T10:00:00Z,alice,openai,gpt-4o,40000,0,0,0,0,0,,ok");
        stripe().summaryLag(Duration.ofSeconds(2));
        JobExecution late = run(LATE, 0);
        assertThat(late.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(findingKeys()).isEmpty();

        // and the day: the gateway (lines 2 to 6) and the providers' exports, plus OpenAI's costs of the late day;
        // Stripe loses bob's events from its summaries
        UsageFixtures.write(
                gateway.resolve("gateway-day.csv"),
                "d-1," + DAY + "T10:00:00Z,alice,openai,gpt-4o,60000,0,0,0,10000,0,,ok",
                "d-2," + DAY + "T14:00:00Z,bob,openai,gpt-4o,40000,0,0,0,10000,0,,ok",
                "d-3," + DAY + "T10:00:00Z,bob,anthropic,claude-sonnet-4-5,50000,0,0,0,2000,0,,ok",
                "d-4," + DAY + "T11:00:00Z,alice,openai,gpt-4o-mini,0,0,0,0,100000,0,,ok",
                "d-5," + DAY + "T12:00:00Z,zed,openai,gpt-4o-mini,30000,0,0,0,0,0,,ok");
        Files.writeString(provider.resolve("openai-usage.json"), openAiUsage(20_101));
        Files.writeString(provider.resolve("anthropic-usage.json"), anthropicUsage());
        Files.writeString(
                provider.resolve("openai-costs.json"),
                openAiCosts(
                        DAY,
                        Map.of(
                                "gpt-4o-2024-08-06, input", "0.2002",
                                "gpt-4o-2024-08-06, output", "0.20101",
                                "gpt-4o-mini, input", "0.009",
                                "gpt-4o-mini, output", "0.09")));
        Files.writeString(
                provider.resolve("openai-costs-late.json"),
                openAiCosts(LATE, Map.of("gpt-4o-2024-08-06, input", "0.08")));
        stripe().loseFromSummaries("cus_TestBob000001");

        // when
        JobExecution day = run(DAY, 0);

        // then the run completes with findings, and these are all of them
        assertThat(day.getExitStatus().getExitCode()).isEqualTo(RunReportListener.COMPLETED_WITH_FINDINGS);
        long dayRun = day.getJobInstance().getInstanceId();
        assertThat(findingKeys())
                .containsExactlyInAnyOrder(
                        "margin-negative:alice:openai/gpt-4o-mini:" + DAY + " NEGATIVE_MARGIN ERROR",
                        "provider-charge:openai|openai/gpt-4o-mini|" + DAY + " PROVIDER_CHARGE_VS_LIST WARNING",
                        "provider-charge:openai|openai/gpt-4o|" + DAY + " PROVIDER_CHARGE_VS_LIST WARNING",
                        "provider-charge:openai|openai/gpt-4o|" + LATE + " PROVIDER_CHARGE_VS_LIST WARNING",
                        "provider-usage-mismatch:openai|openai/gpt-4o|output|" + DAY + " PROVIDER_USAGE_MISMATCH ERROR",
                        "provider-usage-not-billed:anthropic|anthropic/claude-sonnet-4-5|cache_read|" + DAY
                                + " PROVIDER_USAGE_NOT_BILLED ERROR",
                        "stripe-readback:bob:cus_TestBob000001:tokentally_input_usd_micros:" + DAY
                                + " STRIPE_READBACK_MISMATCH ERROR",
                        "stripe-readback:bob:cus_TestBob000001:tokentally_output_usd_micros:" + DAY
                                + " STRIPE_READBACK_MISMATCH ERROR",
                        "unattributed-usage:zed:" + DAY + " UNATTRIBUTED_USAGE WARNING");

        // gpt-4o output: the provider's 20,101 tokens against the gateway's 10,000 + 10,000, 101 over the
        // tolerance of 100 ($0.20101 against $0.20); input, 100,100 against 100,000, is exactly at it: within
        JsonNode mismatch = evidence("provider-usage-mismatch:openai|openai/gpt-4o|output|" + DAY);
        assertThat(number(mismatch, "provider_tokens")).isEqualTo("20101");
        assertThat(number(mismatch, "billable_tokens")).isEqualTo("20000");
        assertThat(number(mismatch, "difference_tokens")).isEqualTo("101");
        assertThat(number(mismatch, "allowed_difference_tokens")).isEqualTo("100");
        assertThat(number(mismatch, "difference_usd")).isEqualTo("0.00101");
        assertThat(sources(mismatch))
                .contains("billable gateway-day.csv 2-3")
                .anyMatch(source -> source.startsWith("provider openai-usage.json"));
        assertThat(message("provider-usage-mismatch:openai|openai/gpt-4o|output|" + DAY))
                .contains("the provider's usage is higher by 101 tokens");
        // sonnet cache reads: 10,000 tokens the provider reports and no gateway has, $0.003 at $0.30/M
        JsonNode notBilled =
                evidence("provider-usage-not-billed:anthropic|anthropic/claude-sonnet-4-5|cache_read|" + DAY);
        assertThat(number(notBilled, "provider_tokens")).isEqualTo("10000");
        assertThat(number(notBilled, "billable_tokens")).isEqualTo("0");
        assertThat(new java.math.BigDecimal(number(notBilled, "provider_list_usd")))
                .isEqualByComparingTo("0.003");
        // gpt-4o charge: $0.2002 + $0.20101 = $0.40121 against the list price of the provider's usage,
        // 100,100 x $2.50/M + 20,101 x $10/M = $0.25025 + $0.20101 = $0.45126: $0.05005 (11.09%) below
        JsonNode discount = evidence("provider-charge:openai|openai/gpt-4o|" + DAY);
        assertAmount(discount, "charged_usd", "0.40121");
        assertAmount(discount, "list_usd", "0.45126");
        assertAmount(discount, "difference_usd", "-0.05005");
        // the two gpt-4o lines of the cost export (each with its line and bucket) and the provider's usage export
        assertThat(sources(discount))
                .hasSize(3)
                .contains("provider openai-usage.json 1")
                .filteredOn(source -> source.startsWith("charge openai-costs.json "))
                .hasSize(2);
        assertThat(discount.get("sources").get(0).get("bucket").asString()).contains("openai");
        assertThat(message("provider-charge:openai|openai/gpt-4o|" + DAY))
                .contains("openai charged $0.40121, $0.05005 (11.09%) below the list price $0.45126");
        // gpt-4o-mini charge: $0.009 + $0.09 = $0.099 against 30,000 x $0.30/M + 100,000 x $0.60/M = $0.069:
        // $0.03 (43.48%) above
        assertThat(message("provider-charge:openai|openai/gpt-4o-mini|" + DAY))
                .contains("openai charged $0.099, $0.03 (43.48%) above the list price $0.069");
        // the late export: $0.08 for the late day's 40,000 input tokens, $0.10 at list (no cost-role usage that
        // day, so the billable usage's list price): $0.02 (20%) below, reconciled by the run that ingested it
        assertThat(message("provider-charge:openai|openai/gpt-4o|" + LATE))
                .contains("openai charged $0.08, $0.02 (20%) below the list price $0.1 of the billable usage");
        // zed: 30,000 gpt-4o-mini input tokens in one request (line 6), $0.009 at list, billed to nobody
        JsonNode zed = evidence("unattributed-usage:zed:" + DAY);
        assertThat(number(zed, "tokens")).isEqualTo("30000");
        assertThat(number(zed, "requests")).isEqualTo("1");
        assertAmount(zed, "list_cost_usd", "0.009");
        assertThat(sources(zed)).containsExactly("billable gateway-day.csv 6");
        // bob's events: input 40,000 x $2.50/M x 1.2 + 50,000 x $3/M x 1.25 = $0.3075; output
        // 10,000 x $10/M x 1.2 + 2,000 x $15/M x 1.25 = $0.1575; Stripe's summaries show none of them
        JsonNode bobInput = evidence("stripe-readback:bob:cus_TestBob000001:tokentally_input_usd_micros:" + DAY);
        assertThat(number(bobInput, "sent_value")).isEqualTo("307500");
        assertThat(number(bobInput, "stripe_value")).isEqualTo("0");
        assertThat(number(bobInput, "waited_seconds")).isEqualTo("4");
        assertThat(number(
                        evidence("stripe-readback:bob:cus_TestBob000001:tokentally_output_usd_micros:" + DAY),
                        "sent_value"))
                .isEqualTo("157500");
        // alice's gpt-4o-mini output: the provider charged $0.09 for what lists at $0.06 and is billed
        // at $0.078: a loss of $0.012 at the actual cost (list price would show a margin)
        JsonNode loss = evidence("margin-negative:alice:openai/gpt-4o-mini:" + DAY);
        assertAmount(loss, "cost_usd", "0.09");
        assertThat(number(loss, "cost_basis")).isEqualTo("actual");
        assertAmount(loss, "list_cost_usd", "0.06");
        assertAmount(loss, "billed_usd", "0.078");
        assertAmount(loss, "margin_usd", "-0.012");

        // margin.csv: the late day and the day, each line at actual cost where an export charged for it:
        // gpt-4o input at 80% of list ($0.2002 of $0.25025), output at list, gpt-4o-mini output at 150%
        Path folder = runFolder(day);
        assertThat(Files.readAllLines(folder.resolve("margin.csv")))
                .containsExactly(
                        "customer_id,model,day,cost_usd,billed_usd,margin_usd,margin_percent,cost_basis,list_cost_usd",
                        "alice,openai/gpt-4o," + LATE + ",0.08,0.13,0.05,38.46,actual,0.1",
                        "alice,openai/gpt-4o," + DAY + ",0.22,0.325,0.105,32.31,actual,0.25",
                        "alice,openai/gpt-4o-mini," + DAY + ",0.09,0.078,-0.012,-15.38,actual,0.06",
                        "bob,anthropic/claude-sonnet-4-5," + DAY + ",0.18,0.225,0.045,20.00,list,0.18",
                        "bob,openai/gpt-4o," + DAY + ",0.18,0.24,0.06,25.00,actual,0.2");
        assertThat(Files.readAllLines(folder.resolve("margin-period.csv")))
                .anyMatch(line ->
                        line.startsWith("bob,openai/gpt-4o,") && line.endsWith(",0.18,0.24,0.06,25.00,actual,0.2"));
        // reconciliation.csv: 3 charge keys and 7 usage keys, 5 of them outside tolerance
        List<String> csv = Files.readAllLines(folder.resolve("reconciliation.csv"));
        assertThat(csv.get(0)).endsWith(",finding_key,files,evidence");
        assertThat(csv.subList(1, csv.size()))
                .map(ReconciliationAcceptanceScenarios::upToVerdict)
                .containsExactlyInAnyOrder(
                        "provider-charge," + LATE + ",openai,openai/gpt-4o,*,,,,0.08,0.1,-0.02,charged-below-list",
                        "provider-charge," + DAY + ",openai,openai/gpt-4o,*,,,,0.40121,0.45126,-0.05005,"
                                + "charged-below-list",
                        "provider-charge," + DAY
                                + ",openai,openai/gpt-4o-mini,*,,,,0.099,0.069,0.03,charged-above-list",
                        "provider-usage," + DAY + ",anthropic,anthropic/claude-sonnet-4-5,cache_read,10000,0,10000,"
                                + "0.003,0,0.003,no-billable-usage",
                        "provider-usage," + DAY + ",anthropic,anthropic/claude-sonnet-4-5,input,50000,50000,0,0.15,"
                                + "0.15,0,within-tolerance",
                        "provider-usage," + DAY + ",anthropic,anthropic/claude-sonnet-4-5,output,2000,2000,0,0.03,"
                                + "0.03,0,within-tolerance",
                        "provider-usage," + DAY + ",openai,openai/gpt-4o,input,100100,100000,100,0.25025,0.25,"
                                + "0.00025,within-tolerance",
                        "provider-usage," + DAY + ",openai,openai/gpt-4o,output,20101,20000,101,0.20101,0.2,"
                                + "0.00101,provider-higher",
                        "provider-usage," + DAY + ",openai,openai/gpt-4o-mini,input,30000,30000,0,0.009,0.009,0,"
                                + "within-tolerance",
                        "provider-usage," + DAY + ",openai,openai/gpt-4o-mini,output,100000,100000,0,0.06,0.06,0,"
                                + "within-tolerance");
        assertThat(csv)
                .filteredOn(row -> row.contains(",provider-higher,"))
                .singleElement()
                .asString()
                .contains("\"\"difference_tokens\"\":101", "gateway-day.csv");
        String html = Files.readString(folder.resolve("report.html"));
        assertThat(html)
                .contains(
                        "<th>cost basis</th>",
                        "<td>actual</td>",
                        "10 keys compared, 5 outside tolerance",
                        "&quot;sent_value&quot;:&quot;307500&quot;");
        assertThat(html).doesNotContain("http://", "https://");

        // when the day is run again with a newer OpenAI usage export (gpt-4o output now 20,150)
        Files.writeString(provider.resolve("openai-usage-newer.json"), openAiUsage(20_150));
        JobExecution rerun = run(DAY, 1);

        // then the mismatch is the same one finding, with the newer numbers as its evidence
        assertThat(findingKeys()).hasSize(9);
        String key = "provider-usage-mismatch:openai|openai/gpt-4o|output|" + DAY;
        assertThat(jdbc.queryForList(
                        "SELECT first_run || ' ' || last_run FROM finding WHERE finding_key = ?", String.class, key))
                .containsExactly(dayRun + " " + rerun.getJobInstance().getInstanceId());
        assertThat(number(evidence(key), "provider_tokens")).isEqualTo("20150");
        assertThat(number(evidence(key), "difference_tokens")).isEqualTo("150");
    }

    private List<String> findingKeys() {
        return jdbc.queryForList(
                "SELECT finding_key || ' ' || kind || ' ' || severity FROM finding ORDER BY finding_key", String.class);
    }

    private JsonNode evidence(String key) {
        String json = jdbc.queryForObject("SELECT evidence FROM finding WHERE finding_key = ?", String.class, key);
        assertThat(json).as("evidence of " + key).isNotNull();
        return JSON.readTree(json);
    }

    private String message(String key) {
        return jdbc.queryForObject("SELECT message FROM finding WHERE finding_key = ?", String.class, key);
    }

    private static String number(JsonNode evidence, String name) {
        return evidence.get("numbers").get(name).asString();
    }

    private static void assertAmount(JsonNode evidence, String name, String expected) {
        assertThat(new java.math.BigDecimal(number(evidence, name))).isEqualByComparingTo(expected);
    }

    /** Each source as {@code side file-name lines}, e.g. {@code billable gateway-day.csv 2-3}. */
    private static List<String> sources(JsonNode evidence) {
        return evidence.get("sources")
                .valueStream()
                .map(source -> source.get("side").asString() + " "
                        + Path.of(source.get("file").asString()).getFileName()
                        + (source.has("lines") ? " " + source.get("lines").asString() : ""))
                .toList();
    }

    /** A reconciliation.csv row up to its verdict, without the tolerance (no field before it is quoted). */
    private static String upToVerdict(String row) {
        String[] fields = row.split(",", 15);
        List<String> kept = new java.util.ArrayList<>(Arrays.asList(fields).subList(0, 11));
        kept.add(fields[12]);
        return String.join(",", kept);
    }

    private JobExecution run(LocalDate date, long rerun) throws Exception {
        JobExecution execution = runs.run(new BillingJobParameters(
                date,
                rerun,
                List.of(
                        "gateway=" + workDir().resolve("gateway").toAbsolutePath(),
                        "provider:cost=" + workDir().resolve("provider").toAbsolutePath()),
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                FIXTURES.resolve("job-prices.csv")));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        return execution;
    }

    private Path runFolder(JobExecution execution) {
        return RunFolders.of(
                workDir().resolve("runs"),
                RunReportListener.JOB_NAME,
                execution.getJobParameters().getString(BillingJobParameters.DATE),
                execution.getId());
    }

    private static long epoch(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /**
     * OpenAI's usage of the day: gpt-4o 100,100 input and the given output tokens, gpt-4o-mini 30,000 and 100,000;
     * and 5,000 gpt-4o input tokens of the next day, whose gateway log has not arrived: that day is not this run's.
     */
    private static String openAiUsage(long gpt4oOutput) {
        return """
                {"object": "page", "data": [{"object": "bucket", "start_time": %d, "end_time": %d,
                  "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": 100100,
                     "input_cached_tokens": 0, "output_tokens": %d, "num_model_requests": 2, "project_id": "p1",
                     "user_id": null, "api_key_id": null, "model": "gpt-4o-2024-08-06", "batch": false},
                    {"object": "organization.usage.completions.result", "input_tokens": 30000,
                     "input_cached_tokens": 0, "output_tokens": 100000, "num_model_requests": 2, "project_id": "p1",
                     "user_id": null, "api_key_id": null, "model": "gpt-4o-mini", "batch": false}]},
                  {"object": "bucket", "start_time": %d, "end_time": %d,
                  "results": [
                    {"object": "organization.usage.completions.result", "input_tokens": 5000,
                     "input_cached_tokens": 0, "output_tokens": 0, "num_model_requests": 1, "project_id": "p1",
                     "user_id": null, "api_key_id": null, "model": "gpt-4o-2024-08-06", "batch": false}]}],
                 "has_more": false, "next_page": null}
                """.formatted(
                epoch(DAY), epoch(DAY.plusDays(1)), gpt4oOutput, epoch(DAY.plusDays(1)), epoch(DAY.plusDays(2)));
    }

    /** Anthropic's usage of the day: sonnet 50,000 input, 10,000 cache reads (no gateway has them), 2,000 output. */
    private static String anthropicUsage() {
        return """
                {"data": [{"starting_at": "%sT00:00:00Z", "ending_at": "%sT00:00:00Z",
                  "results": [{"uncached_input_tokens": 50000, "cache_creation": {"ephemeral_5m_input_tokens": 0,
                    "ephemeral_1h_input_tokens": 0}, "cache_read_input_tokens": 10000, "output_tokens": 2000,
                    "server_tool_use": {"web_search_requests": 0}, "api_key_id": null, "workspace_id": "w1",
                    "model": "claude-sonnet-4-5-20250929", "service_tier": "standard", "context_window": null}]}],
                 "has_more": false, "next_page": null}
                """.formatted(DAY, DAY.plusDays(1));
    }

    private static String openAiCosts(LocalDate day, Map<String, String> amounts) {
        StringBuilder results = new StringBuilder();
        amounts.forEach((lineItem, amount) -> results.append(results.isEmpty() ? "" : ",")
                .append("{\"object\": \"organization.costs.result\", \"amount\": {\"value\": \"")
                .append(amount)
                .append("\", \"currency\": \"usd\"}, \"line_item\": \"")
                .append(lineItem)
                .append("\", \"project_id\": \"p1\"}"));
        return "{\"object\": \"page\", \"data\": [{\"object\": \"bucket\", \"start_time\": " + epoch(day)
                + ", \"end_time\": " + epoch(day.plusDays(1)) + ", \"results\": [" + results
                + "]}], \"has_more\": false, \"next_page\": null}";
    }
}
