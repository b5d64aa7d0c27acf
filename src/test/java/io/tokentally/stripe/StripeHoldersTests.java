package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.PlanSegment;
import io.tokentally.rating.AllocatedCharge;
import io.tokentally.rating.Charge;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeHoldersTests {

    static final BillingPeriod NOVEMBER =
            new BillingPeriod(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    static final BillingPeriod DECEMBER =
            new BillingPeriod(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
    static final Instant THREE = Instant.parse("2026-11-20T03:00:00Z");
    static final Instant NINE = Instant.parse("2026-11-20T09:00:00Z");
    static final Instant TEN = Instant.parse("2026-11-20T10:00:00Z");
    static final String KEY = "included:acme:2026-11-01T00:00:00Z:monthly";

    @Test
    void thePeriodsBillersAreTheStripeCustomersHoldingAPositiveValueOfOneOfItsHours() {
        // given cus_old billing 03:00 of November, and a holding of cus_old's brought to zero in December
        StripeHolders holders = new StripeHolders(
                "cus_new",
                Map.of(
                        THREE,
                        Map.of("cus_old", usd("6")),
                        NINE,
                        Map.of("cus_new", usd("6")),
                        DECEMBER.start(),
                        Map.of("cus_old", usd("0"), "cus_new", usd("1"))));

        // then, and the customer's Stripe customer now alone where no hour is billed
        assertThat(holders.billing(NOVEMBER)).containsExactly("cus_new", "cus_old");
        assertThat(holders.billing(DECEMBER)).containsExactly("cus_new");
        assertThat(new StripeHolders("cus_new", Map.of(THREE, Map.of("cus_old", usd("6")))).billing(NOVEMBER))
                .containsExactly("cus_old");
        assertThat(StripeHolders.only("cus_new").billing(NOVEMBER)).containsExactly("cus_new");
    }

    @Test
    void eachStripeCustomerGetsWhatTheAllowancePaidOfTheHoursItBillsAnHourTwoBillInProportion() {
        // given the allowance paid $6 of 03:00 (cus_old's), $3 of 09:00 (cus_old 1.00, cus_new 2.00 of it) and
        // $0.01 of 10:00, which no one bills yet
        StripeHolders holders = new StripeHolders(
                "cus_new",
                Map.of(
                        THREE, Map.of("cus_old", usd("6")),
                        NINE, Map.of("cus_old", usd("1"), "cus_new", usd("2"))));
        CreditLedger ledger = ledger(paid(THREE, "6"), paid(NINE, "3"), paid(TEN, "0.01"));

        // when
        Map<String, BigDecimal> parts =
                holders.parts(charge -> charge.includedByKey().get(KEY), NOVEMBER, ledger, usd("9.01"));

        // then cus_old $6 + $1, cus_new $2 + $0.01
        assertThat(parts).isEqualTo(Map.of("cus_new", usd("2.01"), "cus_old", usd("7.00")));
    }

    @Test
    void roundingIsLeftToTheCustomersStripeCustomerNowAndThePartsAddUpToWhatWasUsed() {
        // given $1 of an hour both bill, a third by cus_old: $0.333... rounds to $0.33, cus_new takes $0.67
        StripeHolders holders =
                new StripeHolders("cus_new", Map.of(THREE, Map.of("cus_old", usd("1"), "cus_new", usd("2"))));

        // when
        Map<String, BigDecimal> parts = holders.parts(
                charge -> charge.includedByKey().get(KEY), NOVEMBER, ledger(paid(THREE, "1")), usd("1.00"));

        // then
        assertThat(parts.get("cus_old")).isEqualByComparingTo("0.33");
        assertThat(parts.get("cus_new")).isEqualByComparingTo("0.67");
    }

    private static CreditLedger ledger(AllocatedCharge... charges) {
        return new CreditLedger("acme", List.of(charges), List.of(), List.of(), Map.of());
    }

    /** A charge of {@code hour} the allowance of {@link #KEY} paid {@code usd} of, whole. */
    private static AllocatedCharge paid(Instant hour, String usd) {
        Charge charge = new Charge(
                hour,
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                1_000_000,
                usd(usd),
                usd(usd));
        return new AllocatedCharge(
                charge,
                new PlanSegment(NOVEMBER, NOVEMBER, "team"),
                usd(usd),
                0,
                Map.of(),
                BigDecimal.ZERO,
                Map.of(KEY, usd(usd)));
    }

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }
}
