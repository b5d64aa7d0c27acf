package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers' charges against the list price of the usage they report, at and past the tolerance. */
class ProviderChargeCheckTests {

    static final LocalDate DAY = LocalDate.parse("2026-11-27");
    static final String SONNET = "anthropic/claude-sonnet-4-5";

    // $0.01 or 0%
    final ProviderChargeCheck check = new ProviderChargeCheck(new Tolerance(new BigDecimal("0.01"), BigDecimal.ZERO));

    // list: 10,000,000 input tokens x $3 = $30; 1,000,000 output tokens x $15 = $15; $45 in all
    final Map<ReconcileKey, UsageSide> usage = Map.of(
            new ReconcileKey("anthropic", SONNET, "input", DAY), UsageSide.of(10_000_000, "30", "usage.json"),
            new ReconcileKey("anthropic", SONNET, "output", DAY), UsageSide.of(1_000_000, "15", "usage.json"));

    @Test
    void aDiscountBelowListPriceIsAFindingWithBothAmounts() {
        // given $30 for input and $12 for output: $42 charged against $45 at list; web search is no token charge
        List<ChargedCost> charges = List.of(
                charge(SONNET, "input", "tokens", "30"),
                charge(SONNET, "output", "tokens", "12"),
                charge(null, null, "web_search", "0.02"));

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(charges, usage, Map.of());

        // then: 42 - 45 = -3; 3 / 45 = 6.666...% -> 6.67%
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().model()).isEqualTo(SONNET);
            assertThat(one.line().providerUsd()).isEqualByComparingTo("42");
            assertThat(one.line().otherUsd()).isEqualByComparingTo("45");
            assertThat(one.line().differenceUsd()).isEqualByComparingTo("-3");
            assertThat(one.line().verdict()).isEqualTo("charged-below-list");
            assertThat(one.finding().kind()).isEqualTo(ProviderChargeCheck.KIND);
            assertThat(one.finding().key())
                    .isEqualTo("provider-charge:anthropic|anthropic/claude-sonnet-4-5|2026-11-27");
            assertThat(one.finding().message())
                    .contains("anthropic charged $42, $3 (6.67%) below the list price $45")
                    .contains("cost files: cost.json")
                    .contains("usage files: usage.json");
        });
    }

    @Test
    void usageAnotherPartyBillsIsLeftOutOfTheListAChargeIsComparedWith() {
        // given Anthropic's $45 for its own usage, and $15 of the model's input (and all of another model's) that
        // Google's Cloud Billing export reports, Claude on Vertex AI, which Google bills
        UsageSide input = UsageSide.of(15_000_000, "45", "usage.json", "gcp-billing.csv");
        input.billedElsewhere(5_000_000, new BigDecimal("15"));
        UsageSide vertexOnly = UsageSide.of(1_000_000, "3", "gcp-billing.csv");
        vertexOnly.billedElsewhere(1_000_000, new BigDecimal("3"));
        Map<ReconcileKey, UsageSide> withVertex = Map.of(
                new ReconcileKey("anthropic", SONNET, "input", DAY), input,
                new ReconcileKey("anthropic", SONNET, "output", DAY), UsageSide.of(1_000_000, "15", "usage.json"),
                new ReconcileKey("anthropic", "anthropic/claude-sonnet-4-6", "input", DAY), vertexOnly);

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(
                List.of(charge(SONNET, "input", "tokens", "30"), charge(SONNET, "output", "tokens", "15")),
                withVertex,
                Map.of());

        // then $45 charged against the $45 Anthropic bills, and the Vertex-only model is not compared at all
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().model()).isEqualTo(SONNET);
            assertThat(one.line().otherUsd()).isEqualByComparingTo("45");
            assertThat(one.line().verdict()).isEqualTo("within-tolerance");
            assertThat(one.line().evidence()).contains("\"list_billed_elsewhere_usd\":\"15\"");
        });
    }

    @Test
    void aDayWhoseOnlyReportedUsageAnotherPartyBillsIsComparedWithTheBillableUsageLessThatUsage() {
        // given no usage export of Anthropic's own, Google's billing export with $15 of Claude on Vertex AI, and the
        // gateway's $45 of input: $30 direct, $15 on Vertex (it does not say which)
        UsageSide vertex = UsageSide.of(5_000_000, "15", "gcp-billing.csv");
        vertex.billedElsewhere(5_000_000, new BigDecimal("15"));

        // when Anthropic charges $30
        List<ProviderUsageCheck.Checked> checked = check.check(
                List.of(charge(SONNET, "input", "tokens", "30")),
                Map.of(new ReconcileKey("anthropic", SONNET, "input", DAY), vertex),
                Map.of(new ReconcileKey("anthropic", SONNET, "input", DAY), UsageSide.of(15_000_000, "45", "gw.csv")));

        // then the charge is set against the $30 of the gateway's usage Anthropic bills (it was "$30 above the list
        // price $0": the Vertex rows alone counted as Anthropic reporting the day)
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().otherUsd()).isEqualByComparingTo("30");
            assertThat(one.line().verdict()).isEqualTo("within-tolerance");
        });
    }

    @Test
    void aModelChargedPartlyInAnotherCurrencyAndADayChargedInOneAreNotCompared() {
        // given Sonnet's input charged EUR 30 and its output $15; and, on its own, a day charged only in euros
        ChargedCost euros = new ChargedCost(
                DAY,
                "anthropic",
                SONNET,
                "input",
                "tokens",
                null,
                new BigDecimal("30"),
                "cost.json",
                7,
                "b",
                "EUR",
                null);
        List<ChargedCost> mixed = List.of(euros, charge(SONNET, "output", "tokens", "15"));

        // then: $15 against $45 would be a false discount of two thirds; margin leaves the input at list
        assertThat(check.check(mixed, usage, Map.of())).isEmpty();
        assertThat(check.check(List.of(euros), usage, Map.of())).isEmpty();
    }

    @Test
    void theListPriceOfWebSearchRequestsIsLeftOutAsTheirChargeIs() {
        // given the usage's $45 of tokens and $0.10 of web search requests; $45 charged for tokens, web search apart
        Map<ReconcileKey, UsageSide> withSearches = new HashMap<>(usage);
        withSearches.put(
                new ReconcileKey("anthropic", SONNET, "web_search_request", DAY),
                UsageSide.of(10, "0.10", "usage.json"));
        List<ChargedCost> charges = List.of(
                charge(SONNET, "input", "tokens", "30"),
                charge(SONNET, "output", "tokens", "15"),
                charge(null, null, "web_search", "0.10"));

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(charges, withSearches, Map.of());

        // then the tokens are charged at list
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().otherUsd()).isEqualByComparingTo("45");
            assertThat(one.finding()).isNull();
        });
    }

    @Test
    void aDayTheProvidersUsageReportsOnlyWebSearchesOfIsComparedWithTheBillableUsage() {
        // given the provider's own usage of the day: web search requests only; the gateway's: the $45 of tokens
        Map<ReconcileKey, UsageSide> searches = Map.of(
                new ReconcileKey("anthropic", SONNET, "web_search_request", DAY),
                UsageSide.of(10, "0.10", "usage.json"));
        List<ChargedCost> charges =
                List.of(charge(SONNET, "input", "tokens", "30"), charge(SONNET, "output", "tokens", "15"));

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(charges, searches, usage);

        // then the tokens are charged at the list price of the billable usage, not against nothing
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().otherUsd()).isEqualByComparingTo("45");
            assertThat(one.finding()).isNull();
        });
    }

    @Test
    void aChargeOneCentUnderListIsWithinToleranceAndOneTenthOfACentMoreIsNot() {
        // 44.99 vs 45: |diff| = 0.01 = allowed; 44.989 vs 45: 0.011 > 0.01
        assertThat(check.check(List.of(charge(SONNET, "input", "tokens", "44.99")), usage, Map.of()))
                .singleElement()
                .satisfies(one -> {
                    assertThat(one.finding()).isNull();
                    assertThat(one.line().verdict()).isEqualTo("within-tolerance");
                });
        assertThat(check.check(List.of(charge(SONNET, "input", "tokens", "44.989")), usage, Map.of()))
                .singleElement()
                .satisfies(one -> assertThat(one.line().verdict()).isEqualTo("charged-below-list"));
    }

    @Test
    void anUngroupedTotalIsComparedWithTheProvidersWholeDay() {
        // given OpenAI's day total $1.50; usage at list: 200,000 gpt-4o input x $2.50 = $0.50 and
        // 1,000,000 gpt-4o-mini output x $0.60 = $0.60, $1.10 in all
        Map<ReconcileKey, UsageSide> openAi = Map.of(
                new ReconcileKey("openai", "openai/gpt-4o", "input", DAY), UsageSide.of(200_000, "0.50", "a.json"),
                new ReconcileKey("openai", "openai/gpt-4o-mini", "output", DAY),
                        UsageSide.of(1_000_000, "0.60", "a.json"));
        ChargedCost total = new ChargedCost(
                DAY,
                "openai",
                null,
                null,
                null,
                null,
                new BigDecimal("1.50"),
                "costs.json",
                2,
                "openai|2026-11-27",
                "USD",
                null);

        // when
        List<ProviderUsageCheck.Checked> checked = check.check(List.of(total), openAi, Map.of());

        // then: 1.50 - 1.10 = 0.40 above; 0.40 / 1.10 = 36.3636...% -> 36.36%
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().model()).isEqualTo("*");
            assertThat(one.line().differenceUsd()).isEqualByComparingTo("0.40");
            assertThat(one.line().verdict()).isEqualTo("charged-above-list");
            assertThat(one.finding().message()).contains("$0.4 (36.36%) above the list price $1.1");
        });
    }

    @Test
    void aProviderDayWithoutCostExportIsNotCompared() {
        assertThat(check.check(List.of(), usage, usage)).isEmpty();
    }

    @Test
    void withoutTheProvidersOwnUsageTheChargeIsComparedWithTheBillableUsage() {
        // given no cost-role usage of anthropic that day, and billable usage of $45 at list (the same keys)
        List<ProviderUsageCheck.Checked> checked =
                check.check(List.of(charge(SONNET, "input", "tokens", "45")), Map.of(), usage);

        // then 45 vs 45
        assertThat(checked).singleElement().satisfies(one -> {
            assertThat(one.line().otherUsd()).isEqualByComparingTo("45");
            assertThat(one.finding()).isNull();
        });
        // and a charge of $50 against it is above, and says what it was compared with
        assertThat(check.check(List.of(charge(SONNET, "input", "tokens", "50")), Map.of(), usage))
                .singleElement()
                .satisfies(one -> assertThat(one.finding().message()).contains("of the billable usage"));
    }

    private static ChargedCost charge(String model, String tokenType, String costType, String usd) {
        return new ChargedCost(
                DAY,
                "anthropic",
                model,
                tokenType,
                costType,
                null,
                new BigDecimal(usd),
                "cost.json",
                7,
                "anthropic|" + model,
                "USD",
                null);
    }
}
