package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TempFolders;
import io.tokentally.shared.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's reconciliation example: the sample gateway logs billed, sample-data/providers read as the providers'
 * side (their usage and cost exports, and gateway logs of other customers, which count as the providers' usage too).
 */
@SpringBootTest(properties = "tokentally.attribution.mapping-file=sample-data/customer-keys.csv")
class SampleReconciliationJobTests {

    static final Path WORK = TempFolders.create("tokentally-sample-recon-");

    @Autowired
    BillingRuns runs;

    @Autowired
    TokentallyProperties properties;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Test
    void claudeOnVertexInGooglesBillingExportIsNotComparedWithAnthropicsCharges() throws Exception {
        // when
        JobExecution execution = runs.run(new BillingJobParameters(
                LocalDate.parse("2026-11-27"),
                0,
                List.of(
                        "gateway=" + Path.of("sample-data/usage").toAbsolutePath(),
                        "providers:cost=" + Path.of("sample-data/providers").toAbsolutePath()),
                Path.of("sample-data/customers.csv"),
                Path.of("sample-data/plans.yaml"),
                Path.of("sample-data/prices.csv")));

        // then the charges compared: claude-sonnet-4-6 is used on Vertex AI only (the Cloud Billing export's
        // globex-claude project), which Google bills, so no Anthropic charge is set against it (it was "charged $0,
        // $0.321 below list"); Sonnet 4.5 carries the planted discount (its list a little above the exports' own $0.18:
        // the providers' tokens, a small part of the gateway's, priced a little towards the gateway's long-context
        // mix), and the other customers' gateway logs add
        // usage no line charges (gpt-4.1) or charges list for less of (Haiku, gpt-4o)
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Path folder = RunFolders.of(properties.runsDir(), RunReportListener.JOB_NAME, "2026-11-27", execution.getId());
        assertThat(Files.readAllLines(folder.resolve("reconciliation.csv")))
                .filteredOn(row -> row.startsWith("provider-charge,"))
                .map(row -> String.join(",", List.of(row.split(",", 16)).subList(0, 13)))
                .containsExactly(
                        "provider-charge,2026-11-27,anthropic,anthropic/claude-haiku-4-5,*,,,,0.048,0.07005,-0.02205,"
                                + "0.01 USD or 0%,charged-below-list",
                        "provider-charge,2026-11-27,anthropic,anthropic/claude-sonnet-4-5,*,,,,0.0756,"
                                + "0.180588905974236449,-0.104988905974236449,0.01 USD or 0%,charged-below-list",
                        "provider-charge,2026-11-27,openai,openai/gpt-4.1,*,,,,0,0.0168,-0.0168,0.01 USD or 0%,"
                                + "charged-below-list",
                        "provider-charge,2026-11-27,openai,openai/gpt-4o-mini,*,,,,0.00789,0.008805,-0.000915,"
                                + "0.01 USD or 0%,within-tolerance",
                        "provider-charge,2026-11-27,openai,openai/gpt-4o,*,,,,0.09,0.12775,-0.03775,0.01 USD or 0%,"
                                + "charged-below-list",
                        "provider-charge,2026-11-27,openai,openai/gpt-5.4,*,,,,0.1625,0.1625,0,0.01 USD or 0%,"
                                + "within-tolerance");
        // and the README's figures: 55 usage mismatches and 5 usages no gateway has (errors), 4 charges off list;
        // a model no line of the export charges keeps its list price in margin, its warning saying so
        assertThat(jdbc.queryForList(
                        "SELECT kind || ' ' || COUNT(*) FROM finding WHERE kind LIKE 'PROVIDER_%' GROUP BY kind"
                                + " ORDER BY kind",
                        String.class))
                .containsExactly(
                        "PROVIDER_CHARGE_VS_LIST 4", "PROVIDER_USAGE_MISMATCH 55", "PROVIDER_USAGE_NOT_BILLED 5");
        assertThat(Files.readString(folder.resolve("report.json")))
                .contains("cost files: none (no line of the cost export charges for this model)");
        assertThat(Files.readAllLines(folder.resolve("margin.csv")))
                .contains("globex,anthropic/claude-sonnet-4-6,2026-11-27,1.864695,2.097781875,0.233086875,11.11,list,"
                        + "1.864695");
    }
}
