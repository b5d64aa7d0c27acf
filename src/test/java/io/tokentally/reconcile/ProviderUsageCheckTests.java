package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider vs billable usage per provider, model, token type and day, at and just past the tolerances. */
class ProviderUsageCheckTests {

    static final LocalDate DAY = LocalDate.parse("2026-11-27");
    static final ReconcileKey GPT4O_INPUT = new ReconcileKey("openai", "openai/gpt-4o", "input", DAY);

    // 100 tokens or 1% of the larger side; $1 or 1% (so that tokens decide unless a test says otherwise)
    final ProviderUsageCheck check = new ProviderUsageCheck(
            new Tolerance(new BigDecimal("100"), BigDecimal.ONE), new Tolerance(BigDecimal.ONE, BigDecimal.ONE));

    @Test
    void aDifferenceExactlyAtTheRelativeToleranceIsWithinIt() {
        // given 20,000 vs 19,800 tokens: |diff| = 200; allowed = max(100, 1% x 20,000 = 200) = 200
        // ($2.50 per million: $0.05 vs $0.0495)
        ProviderUsageCheck.Checked checked = check.check(
                GPT4O_INPUT,
                UsageSide.of(20_000, "0.05", "openai-usage.json"),
                UsageSide.of(19_800, "0.0495", "gw.csv"));

        // then
        assertThat(checked.finding()).isNull();
        assertThat(checked.line().verdict()).isEqualTo("within-tolerance");
        assertThat(checked.line().differenceTokens()).isEqualTo(200L);
        assertThat(checked.line().findingKey()).isNull();
    }

    @Test
    void oneTokenPastTheToleranceIsAFindingSayingWhichSideIsHigherByHowMuchAndFromWhichFiles() {
        // given 20,000 vs 19,799 tokens: |diff| = 201 > allowed 200; cost 0.05 - 0.0494975 = 0.0005025
        ProviderUsageCheck.Checked checked = check.check(
                GPT4O_INPUT,
                UsageSide.of(20_000, "0.05", "/in/openai-usage.json"),
                UsageSide.of(19_799, "0.0494975", "/in/gw.csv"));

        // then
        assertThat(checked.line().verdict()).isEqualTo("provider-higher");
        assertThat(checked.line().differenceTokens()).isEqualTo(201L);
        assertThat(checked.line().differenceUsd()).isEqualByComparingTo("0.0005025");
        assertThat(checked.finding().kind()).isEqualTo(ProviderUsageCheck.MISMATCH);
        assertThat(checked.finding().key()).isEqualTo("provider-usage-mismatch:openai|openai/gpt-4o|input|2026-11-27");
        // 201 / 20,000 = 1.005% -> 1.01% (two decimals, half up)
        assertThat(checked.finding().message())
                .contains("the provider's usage is higher by 201 tokens (1.01%)")
                .contains("$0.0005025 at list price")
                .contains("provider files: /in/openai-usage.json")
                .contains("billable files: /in/gw.csv");
    }

    @Test
    void theAbsoluteToleranceAppliesWhereItAllowsMoreThanTheRelativeOne() {
        // given 5,000 vs 5,100: |diff| = 100; allowed = max(100, 1% x 5,100 = 51) = 100 -> within;
        // 5,000 vs 5,101: |diff| = 101 > max(100, 51.01) -> billable higher
        assertThat(check.check(GPT4O_INPUT, UsageSide.of(5_000, "0.0125"), UsageSide.of(5_100, "0.01275"))
                        .finding())
                .isNull();
        ProviderUsageCheck.Checked past =
                check.check(GPT4O_INPUT, UsageSide.of(5_000, "0.0125"), UsageSide.of(5_101, "0.0127525"));
        assertThat(past.line().verdict()).isEqualTo("billable-higher");
        assertThat(past.finding().message()).contains("billable usage is higher by 101 tokens");
    }

    @Test
    void tokensWithinToleranceLeaveTheVerdictToTheDollarsAndAMessageNamesEachSidesExcess() {
        // given a token more on the provider's side (within 100 tokens) at $0.05 less: 200,001 tokens of a daily
        // bucket priced at the morning's $2.50 against 200,000 priced $2.50 and $3.00 by the hour ($0.55)
        ProviderUsageCheck strictUsd = new ProviderUsageCheck(
                new Tolerance(new BigDecimal("100"), BigDecimal.ZERO),
                new Tolerance(new BigDecimal("0.01"), BigDecimal.ZERO));

        // when
        ProviderUsageCheck.Checked checked =
                strictUsd.check(GPT4O_INPUT, UsageSide.of(200_001, "0.5000025"), UsageSide.of(200_000, "0.55"));

        // then: billable usage is the higher in dollars, which the tokens do not decide; the message says both
        assertThat(checked.line().verdict()).isEqualTo("billable-higher");
        assertThat(checked.finding().message())
                .contains("the provider's usage is higher by 1 token (under 0.01%) and billable usage by $0.0499975"
                        + " at list price");
    }

    @Test
    void equalTokensPricedDifferentlySayThatBothSidesHaveThemAndWhichIsHigherInDollars() {
        // given 100,000 tokens on each side, the gateway's in another tier at half the price ($1 tolerance: 1 cent)
        ProviderUsageCheck strictUsd = new ProviderUsageCheck(
                new Tolerance(new BigDecimal("100"), BigDecimal.ZERO),
                new Tolerance(new BigDecimal("0.01"), BigDecimal.ZERO));

        // when
        ProviderUsageCheck.Checked checked =
                strictUsd.check(GPT4O_INPUT, UsageSide.of(100_000, "0.25"), UsageSide.of(100_000, "0.125"));

        // then (it said "the provider's usage is higher by 0 tokens (0%) and $0.125")
        assertThat(checked.line().verdict()).isEqualTo("provider-higher");
        assertThat(checked.finding().message())
                .contains("both sides have 100000 tokens, priced differently: the provider's usage is higher by $0.125"
                        + " at list price");
    }

    @Test
    void aDifferenceAHundredTimesPastALongIsStillAPercentOfTheLargerSide() {
        // given about 10^17 tokens against one: a hundred times the difference is past a long
        ProviderUsageCheck.Checked checked =
                check.check(GPT4O_INPUT, UsageSide.of(99_999_999_999_999_900L, "250000000000"), UsageSide.of(1, "0"));

        // then (it said "(-84.47%)")
        assertThat(checked.finding().message()).contains("higher by 99999999999999899 tokens (100%)");
    }

    @Test
    void aDayReportedOnlyByUsageAnotherPartyBillsIsNotCompared() {
        // given Claude on Vertex AI in Google's billing export, and no usage export of Anthropic's own
        ReconcileKey sonnet46 = new ReconcileKey("anthropic", "anthropic/claude-sonnet-4-6", "input", DAY);
        ReconcileKey sonnet45 = new ReconcileKey("anthropic", "anthropic/claude-sonnet-4-5", "input", DAY);
        UsageSide vertex = UsageSide.of(50_000, "0.15", "gcp-billing.csv");
        vertex.billedElsewhere(50_000, new BigDecimal("0.15"));

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(
                Map.of(sonnet46, vertex),
                Map.of(sonnet46, UsageSide.of(50_000, "0.15", "gw.csv"), sonnet45, UsageSide.of(100_000, "0.3")));

        // then nothing: the gateway's direct usage of Anthropic had been "provider 0 tokens" against it, an error
        assertThat(checked).isEmpty();
    }

    @Test
    void equalTokensAtDifferentListPricesAreAMismatchPastTheUsdTolerance() {
        // given 1,000,000 tokens on both sides, the provider's at standard ($2.50), the gateway's at batch
        // ($1.25): |diff| = $1.25 > max($1, 1% x 2.50 = 0.025)
        ProviderUsageCheck.Checked checked =
                check.check(GPT4O_INPUT, UsageSide.of(1_000_000, "2.50"), UsageSide.of(1_000_000, "1.25"));

        // then
        assertThat(checked.line().verdict()).isEqualTo("provider-higher");
        assertThat(checked.line().differenceUsd()).isEqualByComparingTo("1.25");
        // and at $1.00 apart it is within: 2.25 vs 1.25
        assertThat(check.check(GPT4O_INPUT, UsageSide.of(1_000_000, "2.25"), UsageSide.of(1_000_000, "1.25"))
                        .finding())
                .isNull();
    }

    @Test
    void providerUsageWithoutBillableCounterpartIsAFindingOfItsOwn() {
        // given 1,000 provider tokens of gpt-4o output and no billable usage of it; billable usage of a
        // provider day that no cost source covers (anthropic) is not compared at all
        ReconcileKey output = new ReconcileKey("openai", "openai/gpt-4o", "output", DAY);
        ReconcileKey anthropic = new ReconcileKey("anthropic", "anthropic/claude-sonnet-4-5", "input", DAY);

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(
                Map.of(
                        GPT4O_INPUT,
                        UsageSide.of(500, "0.00125", "cost.json"),
                        output,
                        UsageSide.of(1_000, "0.01", "cost.json")),
                Map.of(
                        GPT4O_INPUT,
                        UsageSide.of(500, "0.00125", "gw.csv"),
                        anthropic,
                        UsageSide.of(7, "0.000021", "gw.csv")));

        // then
        assertThat(checked)
                .extracting(one -> one.line().model() + " " + one.line().tokenType())
                .containsExactly("openai/gpt-4o input", "openai/gpt-4o output");
        Finding notBilled = checked.get(1).finding();
        assertThat(notBilled.kind()).isEqualTo(ProviderUsageCheck.NOT_BILLED);
        assertThat(notBilled.key()).isEqualTo("provider-usage-not-billed:openai|openai/gpt-4o|output|2026-11-27");
        assertThat(notBilled.message()).contains("1000 tokens ($0.01 at list price) that no billable source has");
        assertThat(checked.get(1).line().verdict()).isEqualTo("no-billable-usage");
        assertThat(checked.get(0).finding()).isNull();
    }

    @Test
    void theSameMismatchOnAnotherNightHasTheSameKey() {
        ProviderUsageCheck.Checked first =
                check.check(GPT4O_INPUT, UsageSide.of(30_000, "0.075"), UsageSide.of(20_000, "0.05"));
        ProviderUsageCheck.Checked second =
                check.check(GPT4O_INPUT, UsageSide.of(31_000, "0.0775"), UsageSide.of(20_000, "0.05"));
        assertThat(first.finding().key()).isEqualTo(second.finding().key());
    }
}
