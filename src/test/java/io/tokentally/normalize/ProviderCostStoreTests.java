package io.tokentally.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.ingest.ProviderCost;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Provider cost buckets on the embedded database: a newer export's bucket replaces the older one's row. */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class ProviderCostStoreTests {

    static final Path WORK = TempFolders.create("tokentally-provider-costs-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aNewerExportReplacesTheBucketAndLogsAChangedAmountWithBothNumbers(CapturedOutput output) {
        // given: file 1 exported the bucket at 12.50 USD
        ProviderCostStore store = new ProviderCostStore(jdbc);
        String bucket = "openai/costs/" + UUID.randomUUID();
        store.replace(1, "costs-1.json", 1, List.of(cost(1, 4, bucket, "12.50")));

        // when: file 2 exports it again at 12.5 (the same amount), then file 3 at 13.75
        int sameAmount = store.replace(2, "costs-2.json", 2, List.of(cost(2, 7, bucket, "12.5")));
        String afterSameAmount = output.getAll();
        int changedAmount = store.replace(3, "costs-3.json", 3, List.of(cost(3, 9, bucket, "13.75")));

        // then: each replaced one bucket; only the changed amount is logged; the newest row stands alone
        assertThat(sameAmount).isEqualTo(1);
        assertThat(changedAmount).isEqualTo(1);
        assertThat(afterSameAmount).doesNotContain("replaces the cost of bucket " + bucket);
        assertThat(output.getAll())
                .contains("costs-3.json line 9 replaces the cost of bucket " + bucket
                        + ": 12.5 USD before, 13.75 USD now");
        assertThat(jdbc.queryForList("SELECT file_id FROM provider_cost WHERE bucket_key = ?", Long.class, bucket))
                .containsExactly(3L);
    }

    @Test
    void aBucketExportedAgainInAnotherCurrencyLogsEachAmountInItsOwn(CapturedOutput output) {
        // given: file 1 exported the bucket at 0.6 USD
        ProviderCostStore store = new ProviderCostStore(jdbc);
        String bucket = "openai/costs/" + UUID.randomUUID();
        store.replace(1, "costs-1.json", 1, List.of(cost(1, 4, bucket, "0.6")));

        // when: file 2 exports it at 0.6 EUR (hunt DC: logged as "0.6 EUR before, 0.55 now" for a change to 0.55 EUR)
        ProviderCost euros = cost(2, 5, bucket, new BigDecimal("0.6"), "major", new BigDecimal("0.6"), "EUR");
        store.replace(2, "costs-2.json", 2, List.of(euros));

        // then
        assertThat(output.getAll())
                .contains(
                        "costs-2.json line 5 replaces the cost of bucket " + bucket + ": 0.6 USD before, 0.6 EUR now");
    }

    @Test
    void aBucketSeenForTheFirstTimeReplacesNothing(CapturedOutput output) {
        // when
        ProviderCostStore store = new ProviderCostStore(jdbc);
        String bucket = "anthropic/costs/" + UUID.randomUUID();
        int replaced = store.replace(5, "costs-5.json", 5, List.of(cost(5, 2, bucket, "3")));

        // then
        assertThat(replaced).isZero();
        assertThat(output.getAll()).doesNotContain("replaces the cost of bucket " + bucket);
        assertThat(jdbc.queryForObject(
                        "SELECT amount_major FROM provider_cost WHERE bucket_key = ?", BigDecimal.class, bucket))
                .isEqualByComparingTo("3");
    }

    @Test
    void keepsAChargeToTheEighteenthDecimalAsWrittenAndTheTwentiethInDollars() {
        // given Anthropic's 12.345678901234567891 cents: 0.12345678901234567891 dollars
        ProviderCostStore store = new ProviderCostStore(jdbc);
        String bucket = "anthropic/costs/" + UUID.randomUUID();
        BigDecimal cents = new BigDecimal("12.345678901234567891");

        // when
        store.replace(6, "costs-6.json", 6, List.of(cost(6, 2, bucket, cents, "cents", cents.movePointLeft(2))));

        // then
        assertThat(jdbc.queryForMap("SELECT amount, amount_major FROM provider_cost WHERE bucket_key = ?", bucket))
                .containsEntry("AMOUNT", new BigDecimal("12.345678901234567891"))
                .containsEntry("AMOUNT_MAJOR", new BigDecimal("0.12345678901234567891"));
    }

    private static ProviderCost cost(long fileId, long lineNo, String bucket, String usd) {
        BigDecimal amount = new BigDecimal(usd);
        return cost(fileId, lineNo, bucket, amount, "major", amount);
    }

    private static ProviderCost cost(
            long fileId, long lineNo, String bucket, BigDecimal amount, String unit, BigDecimal major) {
        return cost(fileId, lineNo, bucket, amount, unit, major, "USD");
    }

    private static ProviderCost cost(
            long fileId,
            long lineNo,
            String bucket,
            BigDecimal amount,
            String unit,
            BigDecimal major,
            String currency) {
        return new ProviderCost(
                fileId,
                lineNo,
                bucket,
                LocalDate.parse("2026-11-20"),
                "openai",
                "gpt-4o",
                "openai/gpt-4o",
                "input",
                "standard",
                "standard",
                "tokens",
                "gpt-4o, input",
                null,
                null,
                amount,
                unit,
                currency,
                major,
                new BigDecimal("1000000"),
                "tokens");
    }
}
