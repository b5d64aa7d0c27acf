package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.UsageFixtures;
import io.tokentally.shared.NovemberClock;
import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A provider's charge is of a whole UTC day; a billing period that starts during the day (a customer billed in
 * New York time) splits the day's usage between two periods, and each takes its share of the charge in
 * {@code margin-period.csv}, not all of it (independent check 9). On the embedded H2 database, Stripe in dry run.
 */
@SpringBootTest
@Import(NovemberClock.Beans.class)
class SplitDayMarginIntegrationTests {

    static final Path WORK = TempFolders.create("tokentally-split-day-margin-");
    /** New York's periods of anchor day 15 start at 05:00 UTC (EST): 03:00 is the old period's, 10:00 the new. */
    static final LocalDate DAY = LocalDate.of(2026, 11, 15);

    @Autowired
    BillingRuns runs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Test
    void eachPartOfADaySplitByABillingPeriodTakesItsShareOfTheDaysCharge() throws Exception {
        // given a million gpt-4o input tokens at 03:00 and a million at 10:00 ($2.50 each at list, billed $3.00
        // at 20%), and OpenAI's charge of $4.00 for the day's gpt-4o input: 80% of list
        Path gateway = Files.createDirectories(WORK.resolve("gateway"));
        Path provider = Files.createDirectories(WORK.resolve("provider"));
        UsageFixtures.write(
                gateway.resolve("gateway.csv"),
                "n1," + DAY + "T03:00:00Z,nyc,openai,gpt-4o,1000000,0,0,0,0,0,,ok",
                "n2," + DAY + "T10:00:00Z,nyc,openai,gpt-4o,1000000,0,0,0,0,0,,ok");
        long start = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        Files.writeString(
                provider.resolve("openai-costs.json"),
                "{\"object\": \"page\", \"data\": [{\"object\": \"bucket\", \"start_time\": " + start
                        + ", \"end_time\": " + (start + 86_400) + ", \"results\": [{\"object\":"
                        + " \"organization.costs.result\", \"amount\": {\"value\": \"4.0\", \"currency\": \"usd\"},"
                        + " \"line_item\": \"gpt-4o, input\", \"project_id\": \"p1\"}]}], \"has_more\": false}");
        Path customers = Files.writeString(
                WORK.resolve("customers.csv"),
                "customer_id,stripe_customer_id,plan_id,billing_anchor_day,billing_time_zone\n"
                        + "nyc,cus_TestNyc000001,growth,15,America/New_York\n");

        // when
        JobExecution execution = runs.run(new BillingJobParameters(
                DAY,
                0,
                List.of("gateway=" + gateway.toAbsolutePath(), "provider:cost=" + provider.toAbsolutePath()),
                customers,
                ReconciliationAcceptanceScenarios.FIXTURES.resolve("job-plans.yaml"),
                ReconciliationAcceptanceScenarios.FIXTURES.resolve("job-prices.csv")));

        // then the day's line costs the whole charge, and each period's line (start, end, through) half of it:
        // $2.00 for $3.00 billed
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path folder =
                RunFolders.of(WORK.resolve("runs"), RunReportListener.JOB_NAME, DAY.toString(), execution.getId());
        assertThat(Files.readAllLines(folder.resolve("margin.csv")))
                .contains("nyc,openai/gpt-4o," + DAY + ",4,6,2,33.33,actual,5");
        assertThat(Files.readAllLines(folder.resolve("margin-period.csv")))
                .filteredOn(line -> line.startsWith("nyc,"))
                .containsExactly(
                        "nyc,openai/gpt-4o,2026-10-15T04:00:00Z,2026-11-15T05:00:00Z,2026-11-15T05:00:00Z,2,3,1,33.33,actual,2.5",
                        "nyc,openai/gpt-4o,2026-11-15T05:00:00Z,2026-12-15T05:00:00Z,2026-11-16T00:00:00Z,2,3,1,33.33,actual,2.5");
    }
}
