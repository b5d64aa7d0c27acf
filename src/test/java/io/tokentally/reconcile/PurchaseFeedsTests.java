package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.TestH2;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.plans.PurchasesFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

class PurchaseFeedsTests {

    @TempDir
    Path dir;

    @Test
    void aRowContradictingOneLoadedBeforeIsFoundWithItsLineAndTheValuesThatDiffer() throws Exception {
        // given a pack loaded by an earlier run, and a later feed giving it again with another amount and expiry
        // (hunt CE: the finding named neither the line nor what differed)
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        FindingRepository findings =
                new FindingRepository(jdbc, Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC));
        Path first = Files.writeString(dir.resolve("purchases-1.csv"), """
                purchase_id,customer_id,amount,currency,time,expires_at
                cp-1,acme,20.00,USD,2026-11-02T10:00:00Z,
                """);
        Path later = Files.writeString(dir.resolve("purchases-2.csv"), """
                purchase_id,customer_id,amount,currency,time,expires_at
                cp-2,acme,5,USD,2026-11-03T10:00:00Z,
                cp-1,acme,21,USD,2026-11-02T10:00:00Z,2027-01-01T00:00:00Z
                """);

        // when
        feeds(jdbc, findings, 1).load(PurchasesFile.read(first), "purchases-1.csv");
        feeds(jdbc, findings, 2).load(PurchasesFile.read(later), "purchases-2.csv");

        // then
        assertThat(findings.openOfRun(2))
                .extracting(Finding::kind, Finding::message)
                .containsExactly(tuple(
                        "PURCHASE_REJECTED",
                        "purchases-2.csv line 3: purchase cp-1 (purchase) was loaded before with other values"
                                + " (amount 20.00 then, 21.00 now; expires_at never then, 2027-01-01T00:00:00Z now);"
                                + " the first one stands"));
        assertThat(jdbc.queryForObject(
                        "SELECT amount_usd FROM credit_purchase WHERE purchase_id = 'cp-1'", BigDecimal.class))
                .isEqualByComparingTo("20");
    }

    private static PurchaseFeeds feeds(JdbcTemplate jdbc, FindingRepository findings, long run) {
        return new PurchaseFeeds(
                Set.of("acme"),
                new PurchaseRepository(jdbc),
                findings,
                new StepContribution(new StepExecution("loadPurchasesStep", null)),
                run);
    }
}
