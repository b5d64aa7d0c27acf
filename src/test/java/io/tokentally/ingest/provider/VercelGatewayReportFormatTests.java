package io.tokentally.ingest.provider;

import static io.tokentally.ingest.provider.ProviderFixtures.rejects;
import static io.tokentally.ingest.provider.ProviderFixtures.rows;
import static io.tokentally.ingest.provider.ProviderFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.ingest.UsageRow;
import io.tokentally.shared.ContextTier;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VercelGatewayReportFormatTests {

    static final String REPORT = "vercel-ai-gateway-report-by-model-and-user.json";

    final VercelGatewayReportFormat format = new VercelGatewayReportFormat(CustomerAttribution.none());

    @Test
    void readsCachedTokensAsPartOfInputAndCacheWritesAsApart() {
        // when
        UsageRow row = rows(format, REPORT).get(0);

        // then input = 12,000 (6,000 of them cached) + 1,500 cache writes; reasoning is inside output
        assertThat(row.requestId()).isEqualTo("vercel-report:2026-11-27:anthropic/claude-sonnet-4.5:acme:-:-:-");
        assertThat(row.timestamp()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(row.customerId()).isEqualTo("acme");
        assertThat(row.provider()).isEqualTo("anthropic");
        assertThat(row.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(tokens(row)).isEqualTo(List.of(13_500L, 6_000L, 1_500L, 0L, 2_500L, 700L));
        assertThat(row.contextTier()).isEqualTo(ContextTier.STANDARD);
    }

    @Test
    void readsAbsentCacheCountsAsUnknownAndARowWithoutUserAsUnattributed() {
        // when
        UsageRow row = rows(format, REPORT).get(1);

        // then
        assertThat(row.customerId()).isEqualTo(CustomerAttribution.UNATTRIBUTED);
        assertThat(row.model()).isEqualTo("gpt-4.1-mini");
        assertThat(tokens(row)).isEqualTo(List.of(2_000L, 0L, 0L, 0L, 250L, 0L));
    }

    @Test
    void rejectsARowWhoseCachedTokensExceedItsInput() {
        assertThat(rejects(format, REPORT)).singleElement().asString().startsWith("CACHE_TOKENS_EXCEED_INPUT");
    }

    @Test
    void claimsTheReportButNoOtherProviderFixture() {
        assertThat(format.claims(ProviderFixtures.text(REPORT))).isTrue();
        for (String other : List.of(
                GatewayLogFormatsTests.CLOUDFLARE_FILE,
                GatewayLogFormatsTests.OPENROUTER_FILE,
                AnthropicMessagesUsageFormatTests.HOURLY,
                OpenAiCompletionsUsageFormatTests.CURRENT)) {
            assertThat(format.claims(ProviderFixtures.text(other))).as(other).isFalse();
        }
    }
}
