package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

class CreditsStepConfigurationTests {

    private static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");

    @TempDir
    Path dir;

    @Test
    void purchasesFeedsAreFoundThroughLinksAsTheUsageFilesBesideThemAre() throws IOException {
        // given: the input folder is a link to a folder holding a purchases feed beside usage
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("purchases.csv"), "p");
        Files.writeString(real.resolve("usage.csv"), "u");
        Path input = Files.createSymbolicLink(dir.resolve("input"), real);

        // when / then
        assertThat(CreditsStepConfiguration.purchaseFeeds("gateway=" + input))
                .containsExactly(input.resolve("purchases.csv"));
    }

    @Test
    void aBalancesExportThatCannotBeWrittenIsAnErrorUntilOneIsWritten() throws Exception {
        // given
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        FindingRepository findings = new FindingRepository(jdbc, Clock.fixed(NOW, ZoneOffset.UTC));
        String uri = "s3://no-such-bucket/balances.json";
        byte[] export = "{}".getBytes(StandardCharsets.UTF_8);

        // when: the bucket does not exist
        CreditsStepConfiguration.publish(
                (key, bytes) -> {
                    throw new IllegalStateException("NoSuchBucket");
                },
                uri,
                export,
                findings,
                1);

        // then: an error (a gateway goes by the stale export), which the next export written resolves
        assertThat(findings.openOfRun(1)).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(finding.message()).startsWith("the balances export could not be written to " + uri);
        });
        List<String> written = new ArrayList<>();
        CreditsStepConfiguration.publish(
                (key, bytes) -> written.add(key), "s3://exports/balances.json", export, findings, 2);
        assertThat(written).containsExactly("s3://exports/balances.json");
        assertThat(findings.list("RESOLVED"))
                .as("resolved by an export written to another key, the bucket corrected")
                .hasSize(1);
    }
}
