package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActualCostsTests {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);

    @Test
    void sharesAModelAndTokenTypeChargeInProportionToListPriceOfTheProvidersUsage() {
        // given: OpenAI charged $0.80 for gpt-4o input whose provider-reported usage lists at $1.00
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "0.80", 3)),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "gateway.csv")));

        // when: one customer's usage lists at $0.25, another's at $0.75
        ActualCosts.Charge charge =
                costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then: each pays 80% of its list price, the charge's lines are its sources
        assertThat(charge.actual(new BigDecimal("0.25"))).isEqualByComparingTo("0.20");
        assertThat(charge.actual(new BigDecimal("0.75"))).isEqualByComparingTo("0.60");
        assertThat(charge.lines()).extracting(ChargedCost::lineNo).containsExactly(3L);
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "output", DAY))
                .isEmpty();
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY.plusDays(1)))
                .isEmpty();
    }

    @Test
    void withoutTheProvidersUsageTheReferenceIsAllBillableUsageOfTheBucket() {
        // given: a token charge per model ($0.90, no token type), and only billable usage: $0.60 input + $0.40 output
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", null, "0.90", 1)),
                Map.of(),
                Map.of(
                        key("openai/gpt-4o", "input"), UsageSide.of(240_000, "0.60", "gateway.csv"),
                        key("openai/gpt-4o", "output"), UsageSide.of(40_000, "0.40", "gateway.csv")));

        // when
        ActualCosts.Charge output =
                costs.covering("acme", "openai", "openai/gpt-4o", "output", DAY).orElseThrow();

        // then: every token type of the model is charged 90% of list
        assertThat(output.referenceListUsd()).isEqualByComparingTo("1.00");
        assertThat(output.actual(new BigDecimal("0.40"))).isEqualByComparingTo("0.36");
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY))
                .isPresent();
    }

    @Test
    void aChargeForATokenTypeNobodyUsedIsSharedOverTheModelsUsageAsTheChargeCheckComparesIt() {
        // given: $0.20 for gpt-4o input and $0.10 for cached input, and only input usage, $0.25 at list
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "0.20", 1), charge("openai/gpt-4o", "cache_read", "0.10", 2)),
                Map.of(),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25", "gateway.csv")));

        // when
        ActualCosts.Charge input =
                costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then: the input costs the $0.30 charged, 20% above list, as the charge check reports; nothing is lost
        assertThat(input.actual(new BigDecimal("0.25"))).isEqualByComparingTo("0.30");
    }

    @Test
    void usageOfATokenTypeNothingChargedSharesTheModelsChargeAndWebSearchesShareNone() {
        // given: $0.50 for gpt-4o input only, and usage of $0.625 input, $0.10 output and $0.10 of web searches
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "0.50", 1)),
                Map.of(),
                Map.of(
                        key("openai/gpt-4o", "input"), UsageSide.of(250_000, "0.625", "gateway.csv"),
                        key("openai/gpt-4o", "output"), UsageSide.of(10_000, "0.10", "gateway.csv"),
                        key("openai/gpt-4o", "web_search_request"), UsageSide.of(10, "0.10", "gateway.csv")));

        // then: the tokens share $0.50 over $0.725; the web searches stay at list
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "output", DAY))
                .hasValueSatisfying(
                        charge -> assertThat(charge.referenceListUsd()).isEqualByComparingTo("0.725"));
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "web_search_request", DAY))
                .isEmpty();
    }

    @Test
    void aLineInAnotherCurrencyStillSplitsTheDayButLeavesItsTokenTypeAtListPrice() {
        // given: gpt-4o input charged EUR 0.20 and output USD 0.10; usage lists at $0.25 input and $0.10 output
        ChargedCost euros = new ChargedCost(
                DAY,
                "openai",
                "openai/gpt-4o",
                "input",
                "tokens",
                null,
                new BigDecimal("0.20"),
                "costs.json",
                1,
                "bucket-1",
                "EUR",
                null);
        ActualCosts costs = ActualCosts.of(
                List.of(euros, charge("openai/gpt-4o", "output", "0.10", 2)),
                Map.of(),
                Map.of(
                        key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25", "gateway.csv"),
                        key("openai/gpt-4o", "output"), UsageSide.of(10_000, "0.10", "gateway.csv")));

        // then: the output costs its USD charge; the input is charged by no USD line, so it stays at list
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "output", DAY))
                .hasValueSatisfying(charge ->
                        assertThat(charge.actual(new BigDecimal("0.10"))).isEqualByComparingTo("0.10"));
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY))
                .isEmpty();
    }

    @Test
    void aChargeWithoutUsageToShareItCoversNothing() {
        // given: a charge for a model nobody used, and a web search line (not tokens)
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "0.10", 1),
                        new ChargedCost(
                                DAY,
                                "openai",
                                "openai/gpt-4o",
                                null,
                                "web_search",
                                "web search",
                                BigDecimal.ONE,
                                "costs.json",
                                2,
                                "b2",
                                "USD",
                                null)),
                Map.of(),
                Map.of());

        // then
        assertThat(costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY))
                .isEmpty();
    }

    @Test
    void usageAnotherPartyBillsStaysAtListPriceBesideTheChargeOfTheRest() {
        // given $0.80 charged for input whose provider-reported usage lists at $1.50, $0.50 of it reported by
        // Google's Cloud Billing export (billed by Google, not by this provider)
        UsageSide reported = UsageSide.of(600_000, "1.50", "usage.json", "gcp-billing.csv");
        reported.billedElsewhere(200_000, new BigDecimal("0.50"));
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "0.80", 3)),
                Map.of(key("openai/gpt-4o", "input"), reported),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(600_000, "1.50", "gateway.csv")));

        // when
        ActualCosts.Charge charge =
                costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then the bucket's usage costs $0.80 + $0.50 = $1.30 of $1.50 at list, shared by list price: no more than
        // the charge and the other party's list price together (it had spread the $0.80 over all $1.50 of usage)
        assertThat(charge.actual(new BigDecimal("1.00")).add(charge.actual(new BigDecimal("0.50"))))
                .isEqualByComparingTo("1.30");
    }

    @Test
    void aBucketWhoseOnlyReportedUsageAnotherPartyBillsSharesTheChargeOverTheBillableUsage() {
        // given $1.00 charged, no usage export of the provider's own, another party's $0.50 in a billing export, and
        // the gateway's $1.50 at list ($1.00 the provider's, $0.50 the other party's, not told apart)
        UsageSide elsewhereOnly = UsageSide.of(200_000, "0.50", "gcp-billing.csv");
        elsewhereOnly.billedElsewhere(200_000, new BigDecimal("0.50"));
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "1.00", 3)),
                Map.of(key("openai/gpt-4o", "input"), elsewhereOnly),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(600_000, "1.50", "gateway.csv")));

        // when
        ActualCosts.Charge charge =
                costs.covering("acme", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then the usage costs the charge and the other party's list price, $1.50 (it cost $4.50: the charge and the
        // $0.50 over a reference of $0.50)
        assertThat(charge.actual(new BigDecimal("1.00")).add(charge.actual(new BigDecimal("0.50"))))
                .isEqualByComparingTo("1.50");
    }

    @Test
    void aDayChargedPerCustomersProjectSharesEachProjectsChargeOverItsCustomersUsageAlone() {
        // given gpt-4o input charged per project: alpha's $0.25 (its list price) and beta's $0.55, each of $0.25 of
        // gateway usage; the provider's usage of both lists at $0.50
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "0.25", 1).withCustomer("alpha"),
                        charge("openai/gpt-4o", "input", "0.55", 2).withCustomer("beta")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(200_000, "0.50", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(200_000, "0.50", "gateway.csv")),
                Map.of(
                        "alpha", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25")),
                        "beta", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25"))));

        // when
        ActualCosts.Charge alpha =
                costs.covering("alpha", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();
        ActualCosts.Charge beta =
                costs.covering("beta", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then each costs its own project's charge, where shared over both they cost $0.40 each; a customer whose
        // project was not charged stays at list price
        assertThat(alpha.actual(new BigDecimal("0.25"))).isEqualByComparingTo("0.25");
        assertThat(beta.actual(new BigDecimal("0.25"))).isEqualByComparingTo("0.55");
        assertThat(beta.lines()).extracting(ChargedCost::lineNo).containsExactly(2L);
        assertThat(costs.covering("gamma", "openai", "openai/gpt-4o", "input", DAY))
                .isEmpty();
    }

    @Test
    void aDayWithALineOfNoKnownCustomerIsSharedOverEveryCustomersUsage() {
        // given alpha's project charged $0.25 and a project of nobody known $0.55, of $1.00 of provider usage
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "0.25", 1).withCustomer("alpha"),
                        charge("openai/gpt-4o", "input", "0.55", 2)),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "gateway.csv")),
                Map.of("alpha", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25"))));

        // when, then: the day's $0.80 is shared by list price, as before
        assertThat(costs.covering("alpha", "openai", "openai/gpt-4o", "input", DAY)
                        .orElseThrow()
                        .actual(new BigDecimal("0.25")))
                .isEqualByComparingTo("0.20");
    }

    @Test
    void aDayWhoseProjectsAreNotItsUsersIsSharedOverEveryCustomersUsage() {
        // given alpha's project charged $0.25 and beta's $0.55, where beta used nothing that day and gamma, whose
        // project the export has no line of, used $0.25: the export's projects are not the usage's customers (a
        // mapping changed since the usage was read, say)
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "0.25", 1).withCustomer("alpha"),
                        charge("openai/gpt-4o", "input", "0.55", 2).withCustomer("beta")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(400_000, "1.00", "gateway.csv")),
                Map.of(
                        "alpha", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25")),
                        "gamma", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(100_000, "0.25"))));

        // when, then: the day's $0.80 is shared by list price, gamma's usage too, and beta's charge is not lost
        for (String customer : List.of("alpha", "gamma")) {
            assertThat(costs.covering(customer, "openai", "openai/gpt-4o", "input", DAY)
                            .orElseThrow()
                            .actual(new BigDecimal("0.25")))
                    .isEqualByComparingTo("0.20");
        }
    }

    @Test
    void aCustomersProjectChargedForAModelNoGatewayBilledCostsThatCustomer() {
        // given alpha's project charged $0.35 for gpt-4o input (its list price) and $0.28 for gpt-4.1 input, which no
        // gateway billed: alpha's billable usage is $0.35 of gpt-4o input alone
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "0.35", 1).withCustomer("alpha"),
                        charge("openai/gpt-4.1", "input", "0.28", 2).withCustomer("alpha")),
                Map.of(
                        key("openai/gpt-4o", "input"), UsageSide.of(140_000, "0.35", "usage.json"),
                        key("openai/gpt-4.1", "input"), UsageSide.of(140_000, "0.28", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(140_000, "0.35", "gateway.csv")),
                Map.of("alpha", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(140_000, "0.35"))));

        // when
        ActualCosts.Charge alpha =
                costs.covering("alpha", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();

        // then its gpt-4o costs both charges, as more gpt-4o usage of its project than billed would (the gpt-4.1
        // charge was no one's)
        assertThat(alpha.actual(new BigDecimal("0.35"))).isEqualByComparingTo("0.63");
        assertThat(alpha.lines()).extracting(ChargedCost::lineNo).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void aCustomersChargeForAModelItDidNotUseGoesToItsOtherChargesByListPriceEachKeepingItsOwn() {
        // given alpha's project charged $2.00 for gpt-4o input (listing at $2.50), $0.30 for gpt-4o-mini input (listing
        // at $0.15), $0.01 of gpt-4.1 input alpha has no billable usage of, and EUR 0.30 of o3 input, unused too
        ChargedCost euros = new ChargedCost(
                DAY,
                "openai",
                "openai/o3",
                "input",
                "tokens",
                null,
                new BigDecimal("0.30"),
                "costs.json",
                4,
                "bucket-4",
                "EUR",
                "alpha");
        ActualCosts costs = ActualCosts.of(
                List.of(
                        charge("openai/gpt-4o", "input", "2.00", 1).withCustomer("alpha"),
                        charge("openai/gpt-4o-mini", "input", "0.30", 2).withCustomer("alpha"),
                        charge("openai/gpt-4.1", "input", "0.01", 3).withCustomer("alpha"),
                        euros),
                Map.of(),
                Map.of(
                        key("openai/gpt-4o", "input"), UsageSide.of(1_000_000, "2.50", "gateway.csv"),
                        key("openai/gpt-4o-mini", "input"), UsageSide.of(1_000_000, "0.15", "gateway.csv")),
                Map.of(
                        "alpha",
                        Map.of(
                                key("openai/gpt-4o", "input"), UsageSide.of(1_000_000, "2.50"),
                                key("openai/gpt-4o-mini", "input"), UsageSide.of(1_000_000, "0.15"))));

        // when
        ActualCosts.Charge gpt4o =
                costs.covering("alpha", "openai", "openai/gpt-4o", "input", DAY).orElseThrow();
        ActualCosts.Charge mini = costs.covering("alpha", "openai", "openai/gpt-4o-mini", "input", DAY)
                .orElseThrow();

        // then each model costs its own charge and its share of the $0.01 by list price (2.50 and 0.15 of 2.65), where
        // the day's $2.31 spread over both by list price cost gpt-4o-mini $0.13 (a loss hidden); the euros share
        // nothing
        assertThat(gpt4o.actual(new BigDecimal("2.50"))).isEqualByComparingTo("2.009433962264150943");
        assertThat(mini.actual(new BigDecimal("0.15"))).isEqualByComparingTo("0.300566037735849057");
        assertThat(mini.lines()).extracting(ChargedCost::lineNo).containsExactly(2L, 3L);
    }

    @Test
    void aDayWithUsageOfAnUnknownCustomerIsSharedOverEveryCustomersUsage() {
        // given alpha's project charged $0.70, list price, for its own $0.35 of gpt-4o input and that of a customer id
        // in no customers file, billed to nobody
        ActualCosts costs = ActualCosts.of(
                List.of(charge("openai/gpt-4o", "input", "0.70", 1).withCustomer("alpha")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(280_000, "0.70", "usage.json")),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(280_000, "0.70", "gateway.csv")),
                Map.of("alpha", Map.of(key("openai/gpt-4o", "input"), UsageSide.of(140_000, "0.35"))),
                Map.of(key("openai/gpt-4o", "input"), UsageSide.of(140_000, "0.35")));

        // when, then: alpha costs its share at list price, not the unknown customer's usage too ($0.70)
        assertThat(costs.covering("alpha", "openai", "openai/gpt-4o", "input", DAY)
                        .orElseThrow()
                        .actual(new BigDecimal("0.35")))
                .isEqualByComparingTo("0.35");
    }

    private static ReconcileKey key(String model, String tokenType) {
        return new ReconcileKey("openai", model, tokenType, DAY);
    }

    private static ChargedCost charge(String model, String tokenType, String usd, long line) {
        return new ChargedCost(
                DAY,
                "openai",
                model,
                tokenType,
                "tokens",
                null,
                new BigDecimal(usd),
                "costs.json",
                line,
                "bucket-" + line,
                "USD",
                null);
    }
}
