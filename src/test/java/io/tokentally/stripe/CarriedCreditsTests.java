package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.CreditGrant;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which grants' payments of October's usage a closing position counts as carried, by each rule (ADR 0021). */
class CarriedCreditsTests {

    private static final BillingPeriod OCTOBER = ClosedPeriodPlannerTests.OCTOBER;
    private static final BillingPeriod NOVEMBER = ClosedPeriodPlannerTests.NOVEMBER;
    private static final BillingPeriod DECEMBER =
            new BillingPeriod(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));

    /**
     * expires at, ended at (a refund), carried by rule 1, by rule 2, by rule 3, and whether by rule 3 it carries what
     * it carried at the close.
     */
    static Stream<Arguments> grants() {
        return Stream.of(
                Arguments.of(null, null, true, true, true, false),
                Arguments.of("2026-11-01T00:00:00Z", null, false, false, false, true),
                // Stripe applies it at October's invoice, then it ends before November's: never again
                Arguments.of("2026-11-15T00:00:00Z", null, true, false, false, true),
                Arguments.of("2026-12-01T00:00:00Z", null, true, true, true, false),
                Arguments.of("2027-02-01T00:00:00Z", null, true, true, true, false),
                // refunded after the close, inside November: rule 2 read the expiry only; rule 3 keeps what it
                // carried at the close, which Stripe applied at October's invoice if it held it then
                Arguments.of(null, "2026-11-15T00:00:00Z", true, true, false, true),
                // refunded when November's invoice had spent it
                Arguments.of(null, "2026-12-01T00:00:00Z", true, true, true, false),
                // refunded inside October, known after the close: Stripe held it at October's invoice
                Arguments.of(null, "2026-10-20T00:00:00Z", false, false, false, true));
    }

    @ParameterizedTest(name = "expires {0}, ended {1}")
    @MethodSource("grants")
    void carriesTheCreditsOfGrantsStripeAppliesAgain(
            String expiresAt,
            String endedAt,
            boolean usableAfter,
            boolean notExpiringInTheNext,
            boolean usableToTheNextEnd,
            boolean keepsTheClose) {
        // given
        CreditGrant grant = new CreditGrant(
                "purchase:pack",
                "acme",
                CreditGrant.Category.PAID,
                BigDecimal.TEN,
                Instant.parse("2026-10-01T00:00:00Z"),
                expiresAt == null ? null : Instant.parse(expiresAt),
                endedAt == null ? null : Instant.parse(endedAt),
                endedAt == null ? CreditGrant.End.NONE : CreditGrant.End.VOIDED);

        // then: held at the close, the next period's invoice is the first that can spend it; Stripe's grant ends
        // as the feed says (rule 3 reads when its end reached Stripe, GrantsInStripeTests)
        CarriedCredits.Spending spending = new CarriedCredits.Spending(NOVEMBER, grant.usableUntil());
        assertThat(CarriedCredits.USABLE_AFTER_THE_PERIOD.carries(grant, OCTOBER, NOVEMBER, spending))
                .isEqualTo(usableAfter);
        assertThat(CarriedCredits.NOT_EXPIRING_IN_THE_NEXT_PERIOD.carries(grant, OCTOBER, NOVEMBER, spending))
                .isEqualTo(notExpiringInTheNext);
        assertThat(CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS.carries(grant, OCTOBER, NOVEMBER, spending))
                .isEqualTo(usableToTheNextEnd);
        assertThat(CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS.keepsTheClose(spending, false))
                .isEqualTo(keepsTheClose);
        assertThat(CarriedCredits.NOT_EXPIRING_IN_THE_NEXT_PERIOD.keepsTheClose(spending, false))
                .isFalse();
        // and one Stripe applied at October's invoice as if it lived, its refund planned after the close, keeps it
        assertThat(CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS.keepsTheClose(spending, true))
                .isTrue();
        assertThat(CarriedCredits.NOT_EXPIRING_IN_THE_NEXT_PERIOD.keepsTheClose(spending, true))
                .isFalse();
    }

    @Test
    void aGrantFirstSeenAfterTheNextInvoiceIsJudgedByTheFirstInvoiceThatCanSpendIt() {
        // given a pack that paid October, first in Stripe in November (December's invoice is the first to spend it),
        // refunded on 5 December: never spent; refunded on 1 January: December's invoice spent it
        CreditGrant refunded = new CreditGrant(
                "purchase:pack",
                "acme",
                CreditGrant.Category.PAID,
                BigDecimal.TEN,
                Instant.parse("2026-10-01T00:00:00Z"),
                null,
                Instant.parse("2026-12-05T00:00:00Z"),
                CreditGrant.End.VOIDED);
        CarriedCredits rule = CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS;

        // then
        CarriedCredits.Spending beforeDecember = new CarriedCredits.Spending(DECEMBER, refunded.endedAt());
        assertThat(rule.carries(refunded, OCTOBER, NOVEMBER, beforeDecember)).isFalse();
        assertThat(rule.keepsTheClose(beforeDecember, false)).isTrue();
        CarriedCredits.Spending afterDecember =
                new CarriedCredits.Spending(DECEMBER, Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(rule.carries(refunded, OCTOBER, NOVEMBER, afterDecember)).isTrue();
        assertThat(rule.keepsTheClose(afterDecember, false)).isFalse();
    }
}
