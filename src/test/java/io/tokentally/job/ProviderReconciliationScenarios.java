package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.UsageFixtures;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.SqlTime;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A cost-role folder (the providers' own usage and cost exports) next to a billable folder (a gateway
 * log): the provider's usage is stored and reconciled but never billed, and the mismatches are findings
 * and rows of reconciliation.csv. Prices: gpt-4o input $2.50 and output $10, claude-sonnet-4-5 input $3
 * per million tokens; alice's plan has a 30% markup.
 */
abstract class ProviderReconciliationScenarios {

    static final Path FIXTURES = Path.of("src/test/resources/io/tokentally/job");
    static final String DATE = "2026-11-27";

    @Autowired
    BillingRuns runs;

    @Autowired
    JdbcTemplate jdbc;

    abstract FakeStripe stripe();

    abstract Path workDir();

    @BeforeEach
    void resetStripe() {
        stripe().reset();
        stripe().customers("cus_TestAlice0001", "cus_TestBob000001");
    }

    @Test
    void providerUsageOfACostFolderIsReconciledAgainstTheGatewayAndNeverBilled() throws Exception {
        // given the gateway's 20,000 input and 5,000 output tokens of gpt-4o for alice
        Path gateway = Files.createDirectories(workDir().resolve("gateway"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"),
                "gw-1,2026-11-27T10:00:00Z,alice,openai,gpt-4o,12000,0,0,0,3000,0,,ok",
                "gw-2,2026-11-27T14:00:00Z,alice,openai,gpt-4o,8000,0,0,0,2000,0,,ok");
        // and the providers' own reports: OpenAI's 25,000 input and 5,000 output tokens of project "alice",
        // Anthropic's 1,000 input tokens of workspace "bob", and OpenAI's costs, $0.0625 + $0.03, their page
        // written three times (a pull that fetched it again): the repeat counts once, the copy with another output
        // amount is rejected (records 5 and 6 of the file; 6 has $0.04)
        Path provider = Files.createDirectories(workDir().resolve("provider"));
        Files.writeString(provider.resolve("openai-usage.json"), OPENAI_USAGE);
        Files.writeString(provider.resolve("anthropic-usage.json"), ANTHROPIC_USAGE);
        Files.writeString(
                provider.resolve("openai-costs.json"),
                OPENAI_COSTS + "\n" + OPENAI_COSTS + "\n" + OPENAI_COSTS.replace("\"value\": 0.03", "\"value\": 0.04"));
        List<String> inputs =
                List.of("gateway=" + gateway.toAbsolutePath(), "provider:cost=" + provider.toAbsolutePath());

        // when
        JobExecution execution = run(inputs);

        // then only the gateway is billed, hour by hour at 30% markup: 10:00 input 12,000 x $2.50/M x 1.3 =
        // $0.039 and output 3,000 x $10/M x 1.3 = $0.039; 14:00 input 8,000 -> $0.026, output 2,000 -> $0.026
        // (130,000 micro-USD in all; the provider's 25,000 + 5,000 tokens of project "alice" would add more);
        // bob, whose workspace the Anthropic report names, gets nothing
        assertThat(stripe().events())
                .filteredOn(event -> event.customer().equals("cus_TestAlice0001"))
                .extracting(FakeStripe.Event::value)
                .containsExactlyInAnyOrder(39_000L, 39_000L, 26_000L, 26_000L);
        assertThat(stripe().events()).noneMatch(event -> event.customer().equals("cus_TestBob000001"));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM rated_aggregate WHERE customer_id = 'bob'", Long.class))
                .isZero();
        // the provider's usage is kept for reconciliation, with its files
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(u.input_tokens) FROM usage_hourly u JOIN ingested_file f ON f.file_id = u.file_id"
                                + " WHERE f.source_role = 'cost' AND u.hour_start >= ?",
                        Long.class,
                        SqlTime.utc(Instant.parse(DATE + "T00:00:00Z"))))
                .isEqualTo(26_000L);

        // and reconciliation.csv has one row per compared key:
        // gpt-4o input 25,000 vs 20,000 (+5,000; $0.0625 vs $0.05); output 5,000 vs 5,000;
        // sonnet input 1,000 vs none ($0.003); OpenAI charged $0.0925 vs $0.1125 at list (-$0.02)
        List<String> csv = Files.readAllLines(runFolder(execution).resolve("reconciliation.csv"));
        assertThat(csv.get(0)).startsWith("check,day,provider,model,token_type,provider_tokens,billable_tokens");
        assertThat(csv.subList(1, csv.size()))
                .map(ProviderReconciliationScenarios::withoutFiles)
                .containsExactly(
                        "provider-charge,2026-11-27,openai,openai/gpt-4o,*,,,,0.0925,0.1125,-0.02,0.01 USD or 0%,"
                                + "charged-below-list,provider-charge:openai|openai/gpt-4o|2026-11-27",
                        "provider-usage,2026-11-27,anthropic,anthropic/claude-sonnet-4-5,input,1000,0,1000,0.003,0,0.003,"
                                + "0 tokens or 0%; 0.01 USD or 0%,no-billable-usage,"
                                + "provider-usage-not-billed:anthropic|anthropic/claude-sonnet-4-5|input|2026-11-27",
                        "provider-usage,2026-11-27,openai,openai/gpt-4o,input,25000,20000,5000,0.0625,0.05,0.0125,"
                                + "0 tokens or 0%; 0.01 USD or 0%,provider-higher,"
                                + "provider-usage-mismatch:openai|openai/gpt-4o|input|2026-11-27",
                        "provider-usage,2026-11-27,openai,openai/gpt-4o,output,5000,5000,0,0.05,0.05,0,"
                                + "0 tokens or 0%; 0.01 USD or 0%,within-tolerance,");
        assertThat(csv.get(3)).contains("gateway.csv", "openai-usage.json");
        assertThat(findings(DATE))
                .containsExactly(
                        "provider-charge:openai|openai/gpt-4o|2026-11-27 PROVIDER_CHARGE_VS_LIST WARNING",
                        "provider-usage-mismatch:openai|openai/gpt-4o|input|2026-11-27 PROVIDER_USAGE_MISMATCH ERROR",
                        "provider-usage-not-billed:anthropic|anthropic/claude-sonnet-4-5|input|2026-11-27"
                                + " PROVIDER_USAGE_NOT_BILLED ERROR");
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE kind = 'PROVIDER_USAGE_MISMATCH' AND finding_key LIKE ?",
                        String.class,
                        "%|" + DATE))
                .contains("the provider's usage is higher by 5000 tokens (20%)", "openai-usage.json", "gateway.csv");
        // 0.02 / 0.1125 = 17.777...% -> 17.78%
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE kind = 'PROVIDER_CHARGE_VS_LIST' AND finding_key LIKE ?",
                        String.class,
                        "%|" + DATE))
                .contains("openai charged $0.0925, $0.02 (17.78%) below the list price $0.1125", "openai-costs.json");
        String html = Files.readString(runFolder(execution).resolve("report.html"));
        assertThat(html).contains("<h2>Provider reconciliation</h2>", "4 keys compared, 3 outside tolerance");
        assertThat(html).doesNotContain("http://", "https://");
        assertThat(jdbc.queryForObject(
                        "SELECT SUM(amount_major) FROM provider_cost WHERE cost_day = ?",
                        java.math.BigDecimal.class,
                        LocalDate.parse(DATE)))
                .isEqualByComparingTo("0.0925");
        assertThat(jdbc.queryForList(
                        "SELECT CONCAT(r.line_no, ' ', r.reason_code) FROM reject r"
                                + " JOIN ingested_file f ON f.file_id = r.file_id WHERE f.path LIKE '%openai-costs.json'",
                        String.class))
                .containsExactly("6 CONFLICTING_BUCKET");

        // when the day is run again
        JobExecution rerun = run(inputs);

        // then the same mismatches are the same three findings, seen again
        assertThat(findings(DATE)).hasSize(3);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM finding WHERE kind LIKE 'PROVIDER_%' AND last_run = ?",
                        Long.class, rerun.getJobInstance().getInstanceId()))
                .isEqualTo(3L);
        assertThat(Files.readAllLines(runFolder(rerun).resolve("reconciliation.csv")))
                .hasSize(5);

        // when OpenAI's export of the day is corrected to the gateway's 20,000 input tokens (its bucket replaced)
        Files.writeString(
                provider.resolve("openai-usage-corrected.json"),
                OPENAI_USAGE.replace("\"input_tokens\": 25000", "\"input_tokens\": 20000"));
        JobExecution corrected = run(inputs);

        // then the run that found them within tolerance resolves the mismatch and the charge's (OpenAI's list is
        // now $0.10, $0.0075 above the charge); the usage Anthropic reports and nobody is billed for is found again
        long correctedRun = corrected.getJobInstance().getInstanceId();
        assertThat(jdbc.queryForList(
                        "SELECT kind || ' ' || status || ' ' || COALESCE(resolved_by_run, 0) FROM finding"
                                + " WHERE kind LIKE 'PROVIDER_%' AND finding_key LIKE ? ORDER BY kind",
                        String.class, "%|" + DATE))
                .containsExactly(
                        "PROVIDER_CHARGE_VS_LIST RESOLVED " + correctedRun,
                        "PROVIDER_USAGE_MISMATCH RESOLVED " + correctedRun,
                        "PROVIDER_USAGE_NOT_BILLED OPEN 0");
    }

    @Test
    void providerUsageOfTheGatewaysTokensIsPricedByTheGatewaysHoursAndContextTiers() throws Exception {
        // given, on the day before the other scenario's, alice's gateway log: one long-context request of
        // claude-sonnet-4-5 (250,000 input tokens, past the 200,000 threshold: $6 and $22.50 per million), and
        // gpt-4o-mini output at 06:00 and 18:00 around a price change at noon from $0.60 to $0.90 per million
        Path gateway = Files.createDirectories(workDir().resolve("tiers-gateway"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"),
                "lc-1,2026-11-26T10:00:00Z,alice,anthropic,claude-sonnet-4-5,250000,0,0,0,1000,0,,ok",
                "lc-2,2026-11-26T06:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,100000,0,,ok",
                "lc-3,2026-11-26T18:00:00Z,alice,openai,gpt-4o-mini,1000,0,0,0,100000,0,,ok");
        Path prices = Files.writeString(
                workDir().resolve("prices.csv"),
                Files.readString(FIXTURES.resolve("job-prices.csv"))
                        + "openai/gpt-4o-mini,output,standard,standard,0.9,2026-11-26T12:00:00Z,\n");
        // and the providers' daily buckets of the same tokens, which tell neither the hours nor (Anthropic's
        // without its context window, OpenAI's ever) the context tier, and OpenAI's charge of the gateway's list
        // price: 2,000 input x $0.30/M = $0.0006 and 100,000 x $0.60/M + 100,000 x $0.90/M = $0.15
        Path provider = Files.createDirectories(workDir().resolve("tiers-provider"));
        Files.writeString(
                provider.resolve("openai-usage.json"),
                dayBefore(OPENAI_USAGE)
                        .replace("\"input_tokens\": 25000", "\"input_tokens\": 2000")
                        .replace("\"output_tokens\": 5000", "\"output_tokens\": 200000")
                        .replace("gpt-4o-2024-08-06", "gpt-4o-mini"));
        Files.writeString(
                provider.resolve("anthropic-usage.json"),
                dayBefore(ANTHROPIC_USAGE)
                        .replace("\"uncached_input_tokens\": 1000", "\"uncached_input_tokens\": 250000")
                        .replace("\"output_tokens\": 0", "\"output_tokens\": 1000"));
        Files.writeString(
                provider.resolve("openai-costs.json"),
                dayBefore(OPENAI_COSTS)
                        .replace("\"value\": 0.0625", "\"value\": 0.0006")
                        .replace("\"value\": 0.03", "\"value\": 0.15")
                        .replace("gpt-4o-2024-08-06", "gpt-4o-mini"));
        List<String> inputs =
                List.of("gateway=" + gateway.toAbsolutePath(), "provider:cost=" + provider.toAbsolutePath());

        // when
        JobExecution execution = run(inputs, prices, "2026-11-26");

        // then the provider's tokens, equal to the gateway's, are priced as the gateway's are: not at the buckets'
        // start ($0.12 of output) nor at the standard context tier ($0.75 of input and $0.015 of output), which
        // made false mismatches, a false charge above list and an actual cost above the charge
        List<String> csv = Files.readAllLines(runFolder(execution).resolve("reconciliation.csv"));
        assertThat(csv.subList(1, csv.size()))
                .map(ProviderReconciliationScenarios::withoutFiles)
                .containsExactly(
                        "provider-charge,2026-11-26,openai,openai/gpt-4o-mini,*,,,,0.1506,0.1506,0,0.01 USD or 0%,"
                                + "within-tolerance,",
                        "provider-usage,2026-11-26,anthropic,anthropic/claude-sonnet-4-5,input,250000,250000,0,1.5,1.5,"
                                + "0,0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-26,anthropic,anthropic/claude-sonnet-4-5,output,1000,1000,0,0.0225,"
                                + "0.0225,0,0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-26,openai,openai/gpt-4o-mini,input,2000,2000,0,0.0006,0.0006,0,"
                                + "0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-26,openai,openai/gpt-4o-mini,output,200000,200000,0,0.15,0.15,0,"
                                + "0 tokens or 0%; 0.01 USD or 0%,within-tolerance,");
        assertThat(csv.get(5)).contains("\"\"provider_list_repriced_usd\"\":\"\"0.03\"\"");
        assertThat(findings("2026-11-26")).isEmpty();
        // and alice's gpt-4o-mini costs what OpenAI charged, $0.1506, its list price (it cost $0.1883 against the
        // charge's $0.1206 list): cost, billed at 30% markup, margin, percent, basis, list
        assertThat(Files.readAllLines(runFolder(execution).resolve("margin.csv")))
                .contains("alice,openai/gpt-4o-mini,2026-11-26,0.1506,0.19578,0.04518,23.08,actual,0.1506");
    }

    @Test
    void providerUsageATokenOffTheGatewaysIsPricedByTheGatewaysHoursAndContextTiersToo() throws Exception {
        // given, four days before the other scenario's, alice's gateway log: gpt-4.1 output at 06:00 and 18:00 around
        // a price change at noon from $8 to $10 per million, and a long-context claude-sonnet-4-5 request
        Path gateway = Files.createDirectories(workDir().resolve("near-gateway"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"),
                "nt-1,2026-11-23T06:00:00Z,alice,openai,gpt-4.1,1000,0,0,0,100000,0,,ok",
                "nt-2,2026-11-23T18:00:00Z,alice,openai,gpt-4.1,1000,0,0,0,100000,0,,ok",
                "nt-3,2026-11-23T10:00:00Z,alice,anthropic,claude-sonnet-4-5,250000,0,0,0,1000,0,,ok");
        Path prices = Files.writeString(
                workDir().resolve("near-prices.csv"),
                Files.readString(FIXTURES.resolve("job-prices.csv"))
                        + "openai/gpt-4.1,input,standard,standard,2,2025-01-01,\n"
                        + "openai/gpt-4.1,output,standard,standard,8,2025-01-01,\n"
                        + "openai/gpt-4.1,output,standard,standard,10,2026-11-23T12:00:00Z,\n");
        // and the providers' daily buckets with one output token more of gpt-4.1 than the gateway's and one input
        // token fewer of claude-sonnet-4-5, and OpenAI's charge of the gateway's list price, to a shared project:
        // 2,000 input x $2/M = $0.004 and 100,000 x $8/M + 100,000 x $10/M = $1.80
        Path provider = Files.createDirectories(workDir().resolve("near-provider"));
        Files.writeString(
                provider.resolve("openai-usage.json"),
                daysBefore(OPENAI_USAGE, 4)
                        .replace("\"input_tokens\": 25000", "\"input_tokens\": 2000")
                        .replace("\"output_tokens\": 5000", "\"output_tokens\": 200001")
                        .replace("gpt-4o-2024-08-06", "gpt-4.1"));
        Files.writeString(
                provider.resolve("anthropic-usage.json"),
                daysBefore(ANTHROPIC_USAGE, 4)
                        .replace("\"uncached_input_tokens\": 1000", "\"uncached_input_tokens\": 249999")
                        .replace("\"output_tokens\": 0", "\"output_tokens\": 1000"));
        Files.writeString(
                provider.resolve("openai-costs.json"),
                daysBefore(OPENAI_COSTS, 4)
                        .replace("\"value\": 0.0625", "\"value\": 0.004")
                        .replace("\"value\": 0.03", "\"value\": 1.8")
                        .replace("gpt-4o-2024-08-06", "gpt-4.1")
                        .replace(ALICES_PROJECT, SHARED_PROJECT));
        List<String> inputs =
                List.of("gateway=" + gateway.toAbsolutePath(), "provider:cost=" + provider.toAbsolutePath());

        // when
        JobExecution execution = run(inputs, prices, "2026-11-23");

        // then the tokens both sides have are priced as the gateway's, and the token that differs is the only
        // mismatch, worth about a token: gpt-4.1's extra token at the bucket's own $8/M, $0.000008 (the whole bucket
        // at midnight's price was $1.600008, $0.20 below the gateway's, and the charge a false $0.20 above list);
        // claude-sonnet-4-5's 249,999 tokens priced towards the gateway's $6/M long-context price by the 249,999 of
        // 250,000 they cover: $0.749997 at the standard tier, plus 0.999996 x ($1.499994 - $0.749997), $1.499991000012
        List<String> csv = Files.readAllLines(runFolder(execution).resolve("reconciliation.csv"));
        assertThat(csv.subList(1, csv.size()))
                .map(ProviderReconciliationScenarios::withoutFiles)
                .containsExactly(
                        "provider-charge,2026-11-23,openai,openai/gpt-4.1,*,,,,1.804,1.804008,-0.000008,"
                                + "0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-23,anthropic,anthropic/claude-sonnet-4-5,input,249999,250000,-1,"
                                + "1.499991000012,1.5,-0.000008999988,0 tokens or 0%; 0.01 USD or 0%,billable-higher,"
                                + "provider-usage-mismatch:anthropic|anthropic/claude-sonnet-4-5|input|2026-11-23",
                        "provider-usage,2026-11-23,anthropic,anthropic/claude-sonnet-4-5,output,1000,1000,0,0.0225,"
                                + "0.0225,0,0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-23,openai,openai/gpt-4.1,input,2000,2000,0,0.004,0.004,0,"
                                + "0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-23,openai,openai/gpt-4.1,output,200001,200000,1,1.800008,1.8,"
                                + "0.000008,0 tokens or 0%; 0.01 USD or 0%,provider-higher,"
                                + "provider-usage-mismatch:openai|openai/gpt-4.1|output|2026-11-23");
        assertThat(findings("2026-11-23"))
                .containsExactly(
                        "provider-usage-mismatch:anthropic|anthropic/claude-sonnet-4-5|input|2026-11-23"
                                + " PROVIDER_USAGE_MISMATCH ERROR",
                        "provider-usage-mismatch:openai|openai/gpt-4.1|output|2026-11-23"
                                + " PROVIDER_USAGE_MISMATCH ERROR");
        // and alice's gpt-4.1 costs her share of OpenAI's charge by list, $1.804 x $1.804 / $1.804008: not above the
        // charge (by the midnight price it was $1.804 x $1.804 / $1.604008, $2.03)
        assertThat(Files.readAllLines(runFolder(execution).resolve("margin.csv")))
                .filteredOn(row -> row.startsWith("alice,openai/gpt-4.1,"))
                .containsExactly("alice,openai/gpt-4.1,2026-11-23,1.803992000035555398,2.3452,0.541207999964444602,"
                        + "23.08,actual,1.804");
    }

    @Test
    void onlyTheUsageTheProviderBillsItselfIsRepricedAndHeldTokensLendItNoPrice() throws Exception {
        // given, six days before the other scenario's, claude-opus-4-1 input from $15 to $20 per million at noon and
        // gpt-4.1-mini priced only from noon ($0.40); alice's gateway log: two Opus requests after noon (one served
        // on Vertex AI, which the log does not tell), and gpt-4.1-mini at 18:00; bob's gpt-4.1-mini at 06:00, held
        Path gateway = Files.createDirectories(workDir().resolve("own-gateway"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"),
                "vx-1,2026-11-21T15:00:00Z,alice,anthropic,claude-opus-4-1,40000,0,0,0,0,0,,ok",
                "vx-2,2026-11-21T15:10:00Z,alice,anthropic,claude-opus-4-1,40000,0,0,0,0,0,,ok",
                "vx-3,2026-11-21T06:00:00Z,bob,openai,gpt-4.1-mini,50000,0,0,0,0,0,,ok",
                "vx-4,2026-11-21T18:00:00Z,alice,openai,gpt-4.1-mini,50000,0,0,0,0,0,,ok");
        Path prices = Files.writeString(
                workDir().resolve("own-prices.csv"),
                Files.readString(FIXTURES.resolve("job-prices.csv"))
                        + "anthropic/claude-opus-4-1,input,standard,standard,15,2025-01-01,200000\n"
                        + "anthropic/claude-opus-4-1,input,standard,standard,20,2026-11-21T12:00:00Z,200000\n"
                        + "openai/gpt-4.1-mini,input,standard,standard,0.4,2026-11-21T12:00:00Z,\n");
        // and the providers' side: Anthropic's daily bucket of the direct request, Google's hourly row of the Vertex
        // one at $20 ($0.80), OpenAI's daily bucket of both gpt-4.1-mini requests (no price at its midnight start),
        // and the charges of list: Anthropic $0.80, OpenAI $0.04 (to a project both customers use)
        Path provider = Files.createDirectories(workDir().resolve("own-provider"));
        Files.writeString(
                provider.resolve("anthropic-usage.json"),
                daysBefore(ANTHROPIC_USAGE, 6)
                        .replace("\"uncached_input_tokens\": 1000", "\"uncached_input_tokens\": 40000")
                        .replace("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"));
        Files.writeString(
                provider.resolve("gcp-billing.csv"),
                GCP_BILLING_HEADER + "\n"
                        + "01A2B3-C4D5E6-F7A8B9,Vertex AI,C3F0-7E2B-44A1,"
                        + "Claude Opus 4.1 — Input Tokens — global — Context Window Size from 0 to 200000 Tokens,"
                        + "2026-11-21 15:00:00 UTC,2026-11-21 16:00:00 UTC,alice-claude,Alice Claude,[],global,0.8,"
                        + "USD,40000,count,regular,2026-11-21 20:00:00.000000 UTC\n");
        Files.writeString(
                provider.resolve("anthropic-costs.json"),
                ANTHROPIC_COSTS.replace("2026-11-27", "2026-11-21").replace("2026-11-28", "2026-11-22"));
        Files.writeString(
                provider.resolve("openai-usage.json"),
                daysBefore(OPENAI_USAGE, 6)
                        .replace("\"input_tokens\": 25000", "\"input_tokens\": 100000")
                        .replace("\"output_tokens\": 5000", "\"output_tokens\": 0")
                        .replace("gpt-4o-2024-08-06", "gpt-4.1-mini"));
        Files.writeString(
                provider.resolve("openai-costs.json"),
                daysBefore(OPENAI_COSTS, 6)
                        .replace("\"value\": 0.0625", "\"value\": 0.04")
                        .replace("\"value\": 0.03", "\"value\": 0")
                        .replace("gpt-4o-2024-08-06", "gpt-4.1-mini")
                        .replace(ALICES_PROJECT, SHARED_PROJECT));
        List<String> inputs =
                List.of("gateway=" + gateway.toAbsolutePath(), "provider:cost=" + provider.toAbsolutePath());

        // when
        JobExecution execution = run(inputs, prices, "2026-11-21");

        // then Anthropic's own bucket is priced as the gateway's requests less the Vertex row, $1.60 - $0.80, and the
        // Vertex row keeps its hour's price (both were priced in proportion: Anthropic's $0.6857 against its $0.80
        // charge); OpenAI's bucket, without a price at its start, takes the gateway's price per priced token for all
        // of its 100,000 (it was priced as the gateway's 50,000 priced ones, $0.02, half its charge), and the usage
        // check says that the gateway holds 50,000 of its tokens at $0
        List<String> csv = Files.readAllLines(runFolder(execution).resolve("reconciliation.csv"));
        assertThat(csv.subList(1, csv.size()))
                .map(ProviderReconciliationScenarios::withoutFiles)
                .containsExactly(
                        "provider-charge,2026-11-21,anthropic,anthropic/claude-opus-4-1,*,,,,0.8,0.8,0,0.01 USD or 0%,"
                                + "within-tolerance,",
                        "provider-charge,2026-11-21,openai,openai/gpt-4.1-mini,*,,,,0.04,0.04,0,0.01 USD or 0%,"
                                + "within-tolerance,",
                        "provider-usage,2026-11-21,anthropic,anthropic/claude-opus-4-1,input,80000,80000,0,1.6,1.6,0,"
                                + "0 tokens or 0%; 0.01 USD or 0%,within-tolerance,",
                        "provider-usage,2026-11-21,openai,openai/gpt-4.1-mini,input,100000,100000,0,0.04,0.02,0.02,"
                                + "0 tokens or 0%; 0.01 USD or 0%,provider-higher,"
                                + "provider-usage-mismatch:openai|openai/gpt-4.1-mini|input|2026-11-21");
        assertThat(jdbc.queryForObject(
                        "SELECT message FROM finding WHERE finding_key = ?",
                        String.class,
                        "provider-usage-mismatch:openai|openai/gpt-4.1-mini|input|2026-11-21"))
                .contains("both sides have 100000 tokens, priced differently: the provider's usage is higher by $0.02")
                .contains("billable 100000 tokens, $0.02, 50000 of them without a list price, at $0");
        // and alice's costs: Anthropic's charge and the Vertex row at list, $1.60; half of OpenAI's charge by list
        assertThat(Files.readAllLines(runFolder(execution).resolve("margin.csv")))
                .filteredOn(row -> row.startsWith("alice,"))
                .containsExactly(
                        "alice,anthropic/claude-opus-4-1,2026-11-21,1.6,2.08,0.48,23.08,actual,1.6",
                        "alice,openai/gpt-4.1-mini,2026-11-21,0.02,0.026,0.006,23.08,actual,0.02");
    }

    @Test
    void aCorrectedCostExportOfALaterDayReadByARunOfAnEarlierDayIsReconciledForItsDay() throws Exception {
        // given 2026-11-25's run: alice's gpt-4o, 20,000 input and 5,000 output tokens ($0.05 and $0.05 at list),
        // which OpenAI's costs charge at twice the list price
        Path gateway = Files.createDirectories(workDir().resolve("late-gateway"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"), "ld-1,2026-11-25T10:00:00Z,alice,openai,gpt-4o,20000,0,0,0,5000,0,,ok");
        Path provider = Files.createDirectories(workDir().resolve("late-provider"));
        Files.writeString(
                provider.resolve("openai-costs.json"),
                daysBefore(OPENAI_COSTS, 2)
                        .replace("\"value\": 0.0625", "\"value\": 0.1")
                        .replace("\"value\": 0.03", "\"value\": 0.1"));
        List<String> inputs =
                List.of("late-gateway=" + gateway.toAbsolutePath(), "late-provider:cost=" + provider.toAbsolutePath());
        Path prices = FIXTURES.resolve("job-prices.csv");
        run(inputs, prices, "2026-11-25");
        String key = "provider-charge:openai|openai/gpt-4o|2026-11-25";
        assertThat(jdbc.queryForObject("SELECT status FROM finding WHERE finding_key = ?", String.class, key))
                .isEqualTo("OPEN");

        // when OpenAI's corrected export of that day arrives and a run of the day before reads it (a rerun, or a
        // window that is run late)
        Files.writeString(
                provider.resolve("openai-costs-corrected.json"),
                daysBefore(OPENAI_COSTS, 2)
                        .replace("\"value\": 0.0625", "\"value\": 0.05")
                        .replace("\"value\": 0.03", "\"value\": 0.05"));
        JobExecution earlier = run(inputs, prices, "2026-11-24");

        // then that run reconciles 2026-11-25 too, whose own run is done and would not look again: resolved
        assertThat(jdbc.queryForObject(
                        "SELECT status || ' ' || resolved_by_run FROM finding WHERE finding_key = ?",
                        String.class,
                        key))
                .isEqualTo("RESOLVED " + earlier.getJobInstance().getInstanceId());
    }

    /** The provider findings of a day (the scenarios share a database, each its own days). */
    private List<String> findings(String day) {
        return jdbc.queryForList(
                "SELECT finding_key || ' ' || kind || ' ' || severity FROM finding WHERE kind LIKE 'PROVIDER_%'"
                        + " AND finding_key LIKE ? ORDER BY finding_key",
                String.class, "%|" + day);
    }

    /** A reconciliation.csv row without its last two columns (the files' absolute paths and the evidence). */
    private static String withoutFiles(String row) {
        return String.join(",", java.util.Arrays.asList(row.split(",", 16)).subList(0, 14));
    }

    JobExecution run(List<String> inputs) throws Exception {
        return run(inputs, FIXTURES.resolve("job-prices.csv"), DATE);
    }

    JobExecution run(List<String> inputs, Path prices, String date) throws Exception {
        JobExecution execution = runs.run(new BillingJobParameters(
                LocalDate.parse(date),
                0,
                inputs,
                FIXTURES.resolve("job-customers.csv"),
                FIXTURES.resolve("job-plans.yaml"),
                prices));
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

    /** A page of {@link #DATE} moved to the day before. */
    private static String dayBefore(String page) {
        return daysBefore(page, 1);
    }

    /** A page of {@link #DATE} moved this many days back. */
    private static String daysBefore(String page, int days) {
        LocalDate day = LocalDate.parse(DATE).minusDays(days);
        long start = day.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        return page.replace(
                        "\"start_time\": 1795737600, \"end_time\": 1795824000",
                        "\"start_time\": " + start + ", \"end_time\": " + (start + 86_400))
                .replace(
                        "\"starting_at\": \"2026-11-27T00:00:00Z\", \"ending_at\": \"2026-11-28T00:00:00Z\"",
                        "\"starting_at\": \"" + day + "T00:00:00Z\", \"ending_at\": \"" + day.plusDays(1)
                                + "T00:00:00Z\"");
    }

    static final String OPENAI_USAGE = """
            {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795824000,
              "results": [{"object": "organization.usage.completions.result", "input_tokens": 25000,
                "input_cached_tokens": 0, "output_tokens": 5000, "num_model_requests": 7, "project_id": "alice",
                "user_id": null, "api_key_id": null, "model": "gpt-4o-2024-08-06", "batch": false}]}],
             "has_more": false, "next_page": null}
            """;

    static final String ANTHROPIC_USAGE = """
            {"data": [{"starting_at": "2026-11-27T00:00:00Z", "ending_at": "2026-11-28T00:00:00Z",
              "results": [{"uncached_input_tokens": 1000, "cache_creation": {"ephemeral_5m_input_tokens": 0,
                "ephemeral_1h_input_tokens": 0}, "cache_read_input_tokens": 0, "output_tokens": 0,
                "server_tool_use": {"web_search_requests": 0}, "api_key_id": null, "workspace_id": "bob",
                "model": "claude-sonnet-4-5-20250929", "service_tier": "standard", "context_window": null}]}],
             "has_more": false, "next_page": null}
            """;

    static final String GCP_BILLING_HEADER = "billing_account_id,service.description,sku.id,sku.description,"
            + "usage_start_time,usage_end_time,project.id,project.name,labels,location.region,cost,currency,"
            + "usage.amount,usage.unit,cost_type,export_time";

    static final String ANTHROPIC_COSTS = """
            {"data": [{"starting_at": "2026-11-27T00:00:00Z", "ending_at": "2026-11-28T00:00:00Z",
              "results": [{"currency": "USD", "amount": "80.00", "workspace_id": "alice",
                "description": "Claude Opus 4.1 Usage - Input Tokens", "cost_type": "tokens",
                "context_window": "0-200k", "model": "claude-opus-4-1-20250805", "service_tier": "standard",
                "token_type": "uncached_input_tokens", "inference_geo": null}]}],
             "has_more": false, "next_page": null}
            """;

    /** The project of {@link #OPENAI_COSTS}' lines: alice's, so its charges are her costs alone. */
    static final String ALICES_PROJECT = "\"project_id\": \"alice\"";
    /** A project of no one customer: its charges are shared over every customer's usage of the day. */
    static final String SHARED_PROJECT = "\"project_id\": \"shared\"";

    static final String OPENAI_COSTS = """
            {"object": "page", "data": [{"object": "bucket", "start_time": 1795737600, "end_time": 1795824000,
              "results": [
                {"object": "organization.costs.result", "amount": {"value": 0.0625, "currency": "usd"},
                 "line_item": "gpt-4o-2024-08-06, input", "project_id": "alice"},
                {"object": "organization.costs.result", "amount": {"value": 0.03, "currency": "usd"},
                 "line_item": "gpt-4o-2024-08-06, output", "project_id": "alice"}]}],
             "has_more": false, "next_page": null}
            """;
}
