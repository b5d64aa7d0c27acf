package io.tokentally.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanType;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed allocations. Every charge is priced at $10 per million tokens without markup, so
 * 100,000 tokens bill exactly $1.
 */
class CreditAllocatorTests {

    static final Plan PAYG = new Plan("payg", PlanType.USAGE, "USD", BigDecimal.ZERO, List.of());
    static final Plan TEAM = fixed("team", new Allowance("usd", new BigDecimal("5"), null, List.of()));
    static final Plan CREDITS = new Plan(
            "credits",
            PlanType.CREDITS,
            "USD",
            BigDecimal.ZERO,
            List.of(),
            BigDecimal.ZERO,
            List.of(),
            CreditSource.DEFAULT_ORDER,
            false);
    static final Map<String, Plan> PLANS = Map.of("payg", PAYG, "team", TEAM, "credits", CREDITS);

    @Test
    void usageBasedPlanBillsEverythingAsOverage() {
        // given
        CreditAllocator allocator = new CreditAllocator(customer("payg"), PLANS);

        // when
        CreditLedger ledger =
                allocator.allocate(List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 250_000)), List.of());

        // then
        assertThat(ledger.charges().get(0).overageUsd()).isEqualByComparingTo("2.5");
        assertThat(ledger.charges().get(0).includedUsd()).isEqualByComparingTo("0");
        assertThat(ledger.included()).isEmpty();
    }

    @Test
    void includedUsdCoversTheEarliestUsageThenTheRestIsOverage() {
        // given $5 included; three charges of $2 in three hours, given out of order
        CreditAllocator allocator = new CreditAllocator(customer("team"), PLANS);
        List<Charge> charges = List.of(
                charge("2026-11-02T12:00:00Z", "openai/gpt-4o", 200_000),
                charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 200_000),
                charge("2026-11-02T11:00:00Z", "openai/gpt-4o", 200_000));

        // when
        CreditLedger ledger = allocator.allocate(charges, List.of());

        // then: 10:00 and 11:00 fully included, 12:00 $1 included and $1 overage
        assertThat(ledger.charges())
                .extracting(c -> c.charge().hour().toString())
                .containsExactly("2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z", "2026-11-02T12:00:00Z");
        assertThat(ledger.charges())
                .extracting(c -> c.includedUsd().stripTrailingZeros().toPlainString())
                .containsExactly("2", "2", "1");
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "0", "1");
        assertThat(ledger.included().get(0).consumedUsd()).isEqualByComparingTo("5");
    }

    @Test
    void includedUsageStartsAgainInTheNextBillingPeriodOfTheCustomersZone() {
        // given a monthly cycle anchored on the 15th in New York: the period changes at 2026-11-15T05:00Z
        Customer customer = new Customer(
                "acme",
                "cus_acme",
                "team",
                "Acme",
                new BillingCycle(BillingCycle.Interval.MONTH, 15, 1, ZoneId.of("America/New_York")),
                List.of(new PlanAssignment(Instant.EPOCH, "team")));
        CreditAllocator allocator = new CreditAllocator(customer, PLANS);
        List<Charge> charges = List.of(
                charge("2026-11-15T04:00:00Z", "openai/gpt-4o", 400_000),
                charge("2026-11-15T05:00:00Z", "openai/gpt-4o", 400_000),
                charge("2026-11-15T06:00:00Z", "openai/gpt-4o", 400_000));

        // when
        CreditLedger ledger = allocator.allocate(charges, List.of());

        // then: $4 of October's $5; then $4 and $1 of November's, $3 overage
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "0", "3");
        assertThat(ledger.included()).hasSize(2);
        assertThat(ledger.included().get(0).segment().period().end()).isEqualTo(Instant.parse("2026-11-15T05:00:00Z"));
        assertThat(ledger.included().get(0).consumedUsd()).isEqualByComparingTo("4");
        assertThat(ledger.included().get(1).consumedUsd()).isEqualByComparingTo("5");
    }

    @Test
    void tokenAllowanceCoversOnlyItsModelGroupValuedAtThePlansRates() {
        // given 150,000 included tokens of OpenAI models
        Plan plan = fixed("tokens", new Allowance("openai", null, 150_000L, List.of("openai/*")));
        CreditAllocator allocator = new CreditAllocator(customer("tokens"), Map.of("tokens", plan));
        List<Charge> charges = List.of(
                charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 100_000),
                charge("2026-11-02T11:00:00Z", "anthropic/claude-sonnet-4-5", 100_000),
                charge("2026-11-02T12:00:00Z", "openai/gpt-4o-mini", 100_000));

        // when
        CreditLedger ledger = allocator.allocate(charges, List.of());

        // then: 100,000 then 50,000 OpenAI tokens included; Anthropic is overage
        assertThat(ledger.charges()).extracting(AllocatedCharge::includedTokens).containsExactly(100_000L, 0L, 50_000L);
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "1", "0.5");
        assertThat(ledger.included().get(0).consumedTokens()).isEqualTo(150_000);
        assertThat(ledger.included().get(0).consumedUsd()).isEqualByComparingTo("1.5");
    }

    @Test
    void anAllowanceOfSomeModelsPaysTheirUsageBeforeOneOfEveryModelWhateverTheOrderTheyAreListedIn() {
        // given, listed in this order, 100,000 tokens of every model and 200,000 of OpenAI's; $5 of every model and
        // $3 of OpenAI's
        Plan plan = fixedWith(
                "mixed",
                new Allowance("all-tokens", null, 100_000L, List.of()),
                new Allowance("openai-tokens", null, 200_000L, List.of("openai/*")),
                new Allowance("all-usd", new BigDecimal("5"), null, List.of()),
                new Allowance("openai-usd", new BigDecimal("3"), null, List.of("openai/*")));
        CreditAllocator allocator = new CreditAllocator(customer("mixed"), Map.of("mixed", plan));
        List<Charge> charges = List.of(
                charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 600_000),
                charge("2026-11-02T11:00:00Z", "anthropic/claude-sonnet-4-5", 700_000));

        // when
        CreditLedger ledger = allocator.allocate(charges, List.of());

        // then OpenAI's $6 is paid by its own 200,000 tokens ($2), then the other 100,000 ($1), then its own $3;
        // Anthropic's $7 by the $5 of every model: $2 of overage, where the listed order paid OpenAI's usage with $3
        // of every model's, left OpenAI's own $3 unused and billed $5
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "2");
        assertThat(ledger.included())
                .extracting(used ->
                        used.allowance().name() + " " + used.consumedUsd().stripTrailingZeros())
                .containsExactlyInAnyOrder("all-tokens 1", "openai-tokens 2", "all-usd 5", "openai-usd 3");
        // and each charge says what each allowance paid of it, by the allowance's key
        assertThat(ledger.charges())
                .extracting(c -> new TreeMap<>(c.includedByKey())
                        .entrySet().stream()
                                .map(paid -> paid.getKey()
                                                .substring(paid.getKey().lastIndexOf(':') + 1) + " "
                                        + paid.getValue().stripTrailingZeros().toPlainString())
                                .toList())
                .containsExactly(List.of("all-tokens 1", "openai-tokens 2", "openai-usd 3"), List.of("all-usd 5"));
    }

    @Test
    void aTokenAllowanceOfSomeModelsPaysTheirTokensBeforeOneOfEveryModel() {
        // given, listed in this order, 100,000 tokens of every model and 200,000 of OpenAI's
        Plan plan = fixedWith(
                "tokens",
                new Allowance("all-tokens", null, 100_000L, List.of()),
                new Allowance("openai-tokens", null, 200_000L, List.of("openai/*")));
        CreditAllocator allocator = new CreditAllocator(customer("tokens"), Map.of("tokens", plan));
        List<Charge> charges = List.of(
                charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 200_000),
                charge("2026-11-02T11:00:00Z", "anthropic/claude-sonnet-4-5", 100_000));

        // when
        CreditLedger ledger = allocator.allocate(charges, List.of());

        // then OpenAI's tokens are OpenAI's allowance's, and Anthropic's the other's: nothing over, where the listed
        // order spent 100,000 of every model's on OpenAI and billed Anthropic's $1
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "0");
    }

    @Test
    void hybridConsumesIncludedThenPromotionalThenPaidThenOverage() {
        // given $5 included, a $1 promotional grant and a $10 paid pack; $12 of usage in one hour
        CreditAllocator allocator = new CreditAllocator(customer("team"), PLANS);
        CreditGrant promo = grant("promo", CreditGrant.Category.PROMOTIONAL, "1", "2026-11-01T00:00:00Z", null);
        CreditGrant pack = grant("pack", CreditGrant.Category.PAID, "10", "2026-11-01T00:00:00Z", null);

        // when
        CreditLedger ledger = allocator.allocate(
                List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 1_200_000)), List.of(pack, promo));

        // then: 5 + 1 + 6 = 12, nothing over; the pack keeps $4
        AllocatedCharge charge = ledger.charges().get(0);
        assertThat(charge.includedUsd()).isEqualByComparingTo("5");
        assertThat(charge.creditsUsd().get("promo")).isEqualByComparingTo("1");
        assertThat(charge.creditsUsd().get("pack")).isEqualByComparingTo("6");
        assertThat(charge.overageUsd()).isEqualByComparingTo("0");
        assertThat(ledger.remainingOf(pack)).isEqualByComparingTo("4");
    }

    @Test
    void planMayPutPaidCreditsBeforeIncludedUsage() {
        // given
        Plan paidFirst = hybrid(
                "paid-first",
                new Allowance("usd", new BigDecimal("5"), null, List.of()),
                CreditSource.PAID,
                CreditSource.INCLUDED,
                CreditSource.PROMOTIONAL);
        CreditAllocator allocator = new CreditAllocator(customer("paid-first"), Map.of("paid-first", paidFirst));
        CreditGrant pack = grant("pack", CreditGrant.Category.PAID, "2", "2026-11-01T00:00:00Z", null);

        // when
        CreditLedger ledger =
                allocator.allocate(List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 300_000)), List.of(pack));

        // then
        assertThat(ledger.charges().get(0).creditsUsd().get("pack")).isEqualByComparingTo("2");
        assertThat(ledger.charges().get(0).includedUsd()).isEqualByComparingTo("1");
    }

    @Test
    void aTokenAllowanceAfterACreditPaysTheWholeTokensTheCreditLeft() {
        // given paid credits before 250,000 included tokens, and a pack worth 100,000.4 tokens
        Plan paidFirst = hybrid(
                "paid-first",
                new Allowance("tokens", null, 250_000L, List.of()),
                CreditSource.PAID,
                CreditSource.INCLUDED,
                CreditSource.PROMOTIONAL);
        CreditAllocator allocator = new CreditAllocator(customer("paid-first"), Map.of("paid-first", paidFirst));
        CreditGrant pack = grant("pack", CreditGrant.Category.PAID, "1.000004", "2026-11-01T00:00:00Z", null);

        // when: $3 of usage
        CreditLedger ledger =
                allocator.allocate(List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 300_000)), List.of(pack));

        // then: the allowance pays the 199,999 whole tokens the pack left ($1.99999), the 0.6 of a token over is
        // overage (the allowance was skipped once a credit had paid part of the charge: $1.999996 overage)
        AllocatedCharge charge = ledger.charges().get(0);
        assertThat(charge.creditsUsd().get("pack")).isEqualByComparingTo("1.000004");
        assertThat(charge.includedTokens()).isEqualTo(199_999);
        assertThat(charge.includedUsd()).isEqualByComparingTo("1.99999");
        assertThat(charge.overageUsd()).isEqualByComparingTo("0.000006");
        assertThat(ledger.included().get(0).consumedTokens()).isEqualTo(199_999);
    }

    @Test
    void aTokenAllowanceAfterAPromotionalCreditPaysAtTheBilledPriceWithTheMarkup() {
        // given promotional credits first, 250,000 included tokens, $10 per million with a 20% markup ($12 billed)
        Plan promotionalFirst = hybrid(
                "promo-first",
                new Allowance("tokens", null, 250_000L, List.of()),
                CreditSource.PROMOTIONAL,
                CreditSource.INCLUDED,
                CreditSource.PAID);
        CreditAllocator allocator =
                new CreditAllocator(customer("promo-first"), Map.of("promo-first", promotionalFirst));
        CreditGrant promotion =
                grant("promo", CreditGrant.Category.PROMOTIONAL, "1.200006", "2026-11-01T00:00:00Z", null);
        Charge marked = new Charge(
                Instant.parse("2026-11-02T10:00:00Z"),
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                300_000,
                new BigDecimal("12"), // $10 per million with a 20% markup
                new BigDecimal("3.6"));

        // when
        CreditLedger ledger = allocator.allocate(List.of(marked), List.of(promotion));

        // then: $2.399994 left buys 199,999 whole tokens at $12 per million
        AllocatedCharge charge = ledger.charges().get(0);
        assertThat(charge.includedTokens()).isEqualTo(199_999);
        assertThat(charge.includedUsd()).isEqualByComparingTo("2.399988");
        assertThat(charge.overageUsd()).isEqualByComparingTo("0.000006");
    }

    @Test
    void expiredGrantCoversUsageBeforeItsExpiryOnly() {
        // given a $5 pack that expires at 11:00
        CreditAllocator allocator = new CreditAllocator(customer("credits"), PLANS);
        CreditGrant pack =
                grant("pack", CreditGrant.Category.PAID, "5", "2026-11-01T00:00:00Z", "2026-11-02T11:00:00Z");

        // when
        CreditLedger ledger = allocator.allocate(
                List.of(
                        charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 100_000),
                        charge("2026-11-02T11:00:00Z", "openai/gpt-4o", 100_000)),
                List.of(pack));

        // then
        assertThat(ledger.charges())
                .extracting(c -> c.overageUsd().stripTrailingZeros().toPlainString())
                .containsExactly("0", "1");
        assertThat(ledger.remainingOf(pack)).isEqualByComparingTo("4");
    }

    @Test
    void voidedGrantKeepsWhatItCoveredAndCoversNothingAfterTheRefund() {
        // given a $5 pack refunded at 10:30, and a $5 pack that never ends
        CreditAllocator allocator = new CreditAllocator(customer("credits"), PLANS);
        CreditGrant refunded = new CreditGrant(
                "refunded",
                "acme",
                CreditGrant.Category.PAID,
                new BigDecimal("5"),
                Instant.parse("2026-11-01T00:00:00Z"),
                null,
                Instant.parse("2026-11-02T10:30:00Z"),
                CreditGrant.End.VOIDED);
        CreditGrant other = grant("other", CreditGrant.Category.PAID, "5", "2026-11-01T00:00:00Z", null);

        // when
        CreditLedger ledger = allocator.allocate(
                List.of(
                        charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 100_000),
                        charge("2026-11-02T11:00:00Z", "openai/gpt-4o", 100_000)),
                List.of(other, refunded));

        // then: the refunded pack ends first, so it is used first while it lasts
        assertThat(ledger.charges().get(0).creditsUsd()).containsOnlyKeys("refunded");
        assertThat(ledger.charges().get(1).creditsUsd()).containsOnlyKeys("other");
        assertThat(ledger.consumedOf(refunded)).isEqualByComparingTo("1");
    }

    @Test
    void grantEndingFirstIsUsedFirst() {
        // given
        CreditAllocator allocator = new CreditAllocator(customer("credits"), PLANS);
        CreditGrant late =
                grant("late", CreditGrant.Category.PAID, "5", "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z");
        CreditGrant early =
                grant("early", CreditGrant.Category.PAID, "5", "2026-11-01T12:00:00Z", "2026-12-01T00:00:00Z");
        CreditGrant notYet =
                grant("not-yet", CreditGrant.Category.PAID, "5", "2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z");

        // when
        CreditLedger ledger = allocator.allocate(
                List.of(charge("2026-11-02T10:00:00Z", "openai/gpt-4o", 700_000)), List.of(late, early, notYet));

        // then
        assertThat(ledger.charges().get(0).creditsUsd().get("early")).isEqualByComparingTo("5");
        assertThat(ledger.charges().get(0).creditsUsd().get("late")).isEqualByComparingTo("2");
        assertThat(ledger.charges().get(0).creditsUsd()).doesNotContainKey("not-yet");
    }

    @Test
    void planChangeMidPeriodProratesTheNewPlansIncludedUsage() {
        // given pay-as-you-go until 16 November, then the $5-included team plan: 15 of November's 30 days
        Customer customer = new Customer(
                "acme",
                "cus_acme",
                "team",
                "Acme",
                BillingCycle.CALENDAR_MONTH_UTC,
                List.of(
                        new PlanAssignment(Instant.EPOCH, "payg"),
                        new PlanAssignment(Instant.parse("2026-11-16T00:00:00Z"), "team")));
        CreditAllocator allocator = new CreditAllocator(customer, PLANS);

        // when
        CreditLedger ledger = allocator.allocate(
                List.of(
                        charge("2026-11-15T23:00:00Z", "openai/gpt-4o", 100_000),
                        charge("2026-11-16T00:00:00Z", "openai/gpt-4o", 400_000)),
                List.of());

        // then: before the change all overage; after it $2.50 included, $1.50 overage
        assertThat(ledger.charges().get(0).overageUsd()).isEqualByComparingTo("1");
        assertThat(ledger.charges().get(0).segment().planId()).isEqualTo("payg");
        assertThat(ledger.charges().get(1).includedUsd()).isEqualByComparingTo("2.50");
        assertThat(ledger.charges().get(1).overageUsd()).isEqualByComparingTo("1.50");
        assertThat(ledger.included().get(0).grantedUsd()).isEqualByComparingTo("2.50");
        assertThat(ledger.included().get(0).segment().span().start()).isEqualTo(Instant.parse("2026-11-16T00:00:00Z"));
    }

    static Plan fixed(String id, Allowance allowance) {
        return new Plan(
                id,
                PlanType.FIXED,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                new BigDecimal("30"),
                List.of(allowance),
                CreditSource.DEFAULT_ORDER,
                true);
    }

    /** A hybrid plan without fee or markup, with one allowance and its own consumption order. */
    static Plan hybrid(String id, Allowance allowance, CreditSource... order) {
        return new Plan(
                id,
                PlanType.HYBRID,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                BigDecimal.ZERO,
                List.of(allowance),
                List.of(order),
                true);
    }

    /** A fixed plan without fee or markup, with these allowances in this order. */
    static Plan fixedWith(String id, Allowance... allowances) {
        return new Plan(
                id,
                PlanType.FIXED,
                "USD",
                BigDecimal.ZERO,
                List.of(),
                BigDecimal.ZERO,
                List.of(allowances),
                CreditSource.DEFAULT_ORDER,
                true);
    }

    static Customer customer(String planId) {
        return new Customer("acme", "cus_acme", planId, "Acme");
    }

    static Charge charge(String hour, String model, long tokens) {
        BigDecimal price = BigDecimal.TEN;
        BigDecimal billed = price.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
        return new Charge(
                Instant.parse(hour),
                model,
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                tokens,
                price,
                billed);
    }

    static CreditGrant grant(String key, CreditGrant.Category category, String usd, String from, String expires) {
        return new CreditGrant(
                key,
                "acme",
                category,
                new BigDecimal(usd),
                Instant.parse(from),
                expires == null ? null : Instant.parse(expires),
                null,
                CreditGrant.End.NONE);
    }
}
