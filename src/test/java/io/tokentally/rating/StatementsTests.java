package io.tokentally.rating;

import static io.tokentally.rating.CreditAllocatorTests.PLANS;
import static io.tokentally.rating.CreditAllocatorTests.charge;
import static io.tokentally.rating.CreditAllocatorTests.grant;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanType;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statements and balances of hand-computed ledgers ($10 per million tokens, no markup; team: $30 fee, $5 included). */
class StatementsTests {

    static final BillingPeriod NOVEMBER =
            new BillingPeriod(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    void statementShowsLinesIncludedUsageCreditsAndTotalDue() {
        // given $12 of usage on the team plan with a $4 pack: $5 included, $4 paid, $3 overage
        Customer customer = new Customer("acme", "cus_acme", "team", "Acme");
        CreditGrant pack = grant("purchase:p1", CreditGrant.Category.PAID, "4", "2026-11-01T00:00:00Z", null);
        CreditLedger ledger = new CreditAllocator(customer, PLANS)
                .allocate(
                        List.of(
                                charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 700_000),
                                charge("2026-11-03T10:00:00Z", "openai/gpt-4o", 500_000),
                                charge("2026-12-01T00:00:00Z", "openai/gpt-4o", 100_000)),
                        List.of(pack));

        // when
        Statement statement = Statements.of(customer, PLANS, ledger, NOVEMBER);

        // then: December's charge is not on November's statement; due = 30 fee + 3 overage
        assertThat(statement.lines()).singleElement().satisfies(line -> {
            assertThat(line.tokens()).isEqualTo(1_200_000);
            assertThat(line.unitPriceUsdPerMillion()).isEqualByComparingTo("10");
            assertThat(line.amountUsd()).isEqualByComparingTo("12");
        });
        assertThat(statement.includedAppliedUsd()).isEqualByComparingTo("5");
        assertThat(statement.credits()).singleElement().satisfies(credit -> {
            assertThat(credit.grantKey()).isEqualTo("purchase:p1");
            assertThat(credit.appliedUsd()).isEqualByComparingTo("4");
        });
        assertThat(statement.overageUsd()).isEqualByComparingTo("3");
        assertThat(statement.fixedFeesUsd()).isEqualByComparingTo("30");
        assertThat(statement.totalDueUsd()).isEqualTo(new BigDecimal("33.00"));
    }

    @Test
    void linesAreListedByModelIdThenTokenTypeInItsOwnOrder() {
        // given gpt-4o-mini's output and input, gpt-4o's cache read and input
        Customer customer = new Customer("acme", "cus_acme", "payg", "Acme");
        CreditLedger ledger = new CreditAllocator(customer, PLANS)
                .allocate(
                        List.of(
                                typed("2026-11-02T10:00:00Z", "openai/gpt-4o-mini", TokenType.OUTPUT),
                                typed("2026-11-02T10:00:00Z", "openai/gpt-4o-mini", TokenType.INPUT),
                                typed("2026-11-02T10:00:00Z", "openai/gpt-4o", TokenType.CACHE_READ),
                                typed("2026-11-02T10:00:00Z", "openai/gpt-4o", TokenType.INPUT)),
                        List.of());

        // when
        Statement statement = Statements.of(customer, PLANS, ledger, NOVEMBER);

        // then: gpt-4o before gpt-4o-mini (the line key's text put "gpt-4o-mini|" first), input before cache_read
        assertThat(statement.lines())
                .extracting(line -> line.model() + " " + line.tokenType().code())
                .containsExactly(
                        "openai/gpt-4o input",
                        "openai/gpt-4o cache_read",
                        "openai/gpt-4o-mini input",
                        "openai/gpt-4o-mini output");
    }

    private static Charge typed(String hour, String model, TokenType type) {
        return new Charge(
                Instant.parse(hour),
                model,
                type,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                1_000,
                BigDecimal.TEN,
                new BigDecimal("0.01"));
    }

    @Test
    void statementOfAPeriodCutByAPlanChangeProratesTheFee() {
        // given payg until 21 November 00:00 UTC, then team: 10 of 30 days, so $10 fee and $1.67 included
        Customer customer = new Customer(
                "acme",
                "cus_acme",
                "team",
                "Acme",
                BillingCycle.CALENDAR_MONTH_UTC,
                List.of(
                        new PlanAssignment(Instant.EPOCH, "payg"),
                        new PlanAssignment(Instant.parse("2026-11-21T00:00:00Z"), "team")));
        CreditLedger ledger = new CreditAllocator(customer, PLANS)
                .allocate(List.of(charge("2026-11-25T10:00:00Z", "openai/gpt-4o", 100_000)), List.of());

        // when
        Statement statement = Statements.of(customer, PLANS, ledger, NOVEMBER);

        // then
        assertThat(statement.segments()).extracting(Statement.Segment::planId).containsExactly("payg", "team");
        assertThat(statement.fixedFeesUsd()).isEqualByComparingTo("10.00");
        assertThat(statement.included()).singleElement().satisfies(included -> {
            assertThat(included.grantedUsd()).isEqualByComparingTo("1.67");
            assertThat(included.consumedUsd()).isEqualByComparingTo("1");
        });
        assertThat(statement.totalDueUsd()).isEqualTo(new BigDecimal("10.00"));
    }

    @Test
    void balanceCountsIncludedUsageLeftAndUsableGrantsOnly() {
        // given $3 used of $5 included; a $10 pack with $0 used; a promotional grant that expired
        Customer customer = new Customer("acme", "cus_acme", "team", "Acme");
        CreditLedger ledger = new CreditAllocator(customer, PLANS)
                .allocate(
                        List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 300_000)),
                        List.of(
                                grant("pack", CreditGrant.Category.PAID, "10", "2026-11-01T00:00:00Z", null),
                                grant(
                                        "old",
                                        CreditGrant.Category.PROMOTIONAL,
                                        "7",
                                        "2026-10-01T00:00:00Z",
                                        "2026-11-10T00:00:00Z")));

        // when
        Balance balance = Balance.of(customer, PLANS, ledger, Instant.parse("2026-11-20T00:00:00Z"), BigDecimal.ZERO);

        // then
        assertThat(balance.includedUsd()).isEqualByComparingTo("2");
        assertThat(balance.paidUsd()).isEqualByComparingTo("10");
        assertThat(balance.promotionalUsd()).isEqualByComparingTo("0");
        assertThat(balance.availableUsd()).isEqualByComparingTo("12");
        assertThat(balance.allow()).isTrue();
    }

    @Test
    void balanceCountsATokenAllowancesUseInTokensOnly() {
        // given a plan with $5 included and 1,000,000 openai tokens; 300,000 gpt-4o tokens ($3) used
        Plan both = new Plan(
                "both",
                PlanType.FIXED,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                new BigDecimal("30"),
                List.of(
                        new Allowance("usd", new BigDecimal("5"), null, List.of()),
                        new Allowance("openai", null, 1_000_000L, List.of("openai/*"))),
                CreditSource.DEFAULT_ORDER,
                true);
        Customer customer = new Customer("acme", "cus_acme", "both", "Acme");
        CreditLedger ledger = new CreditAllocator(customer, Map.of("both", both))
                .allocate(List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 300_000)), List.of());

        // when
        Balance balance = Balance.of(
                customer, Map.of("both", both), ledger, Instant.parse("2026-11-20T00:00:00Z"), BigDecimal.ZERO);

        // then the tokens came out of the token allowance; the USD allowance is untouched
        assertThat(balance.includedTokens()).isEqualTo(700_000);
        assertThat(balance.includedUsd()).isEqualByComparingTo("5");
        assertThat(balance.availableUsd()).isEqualByComparingTo("5");
    }

    @Test
    void creditsPlanIsNotAllowedToSpendAtOrBelowTheFloor() {
        // given a $1 pack fully used
        Customer customer = new Customer("acme", "cus_acme", "credits", "Acme");
        CreditLedger ledger = new CreditAllocator(customer, PLANS)
                .allocate(
                        List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 200_000)),
                        List.of(grant("pack", CreditGrant.Category.PAID, "1", "2026-11-01T00:00:00Z", null)));

        // when
        Balance balance = Balance.of(customer, PLANS, ledger, Instant.parse("2026-11-20T00:00:00Z"), BigDecimal.ZERO);

        // then
        assertThat(balance.availableUsd()).isEqualByComparingTo("0");
        assertThat(balance.allow()).isFalse();
    }
}
