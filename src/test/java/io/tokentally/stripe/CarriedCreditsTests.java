package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.CreditGrant;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which grants' payments of October's usage a closing position counts as carried, by each rule (ADR 0021). */
class CarriedCreditsTests {

    private static final BillingPeriod OCTOBER = ClosedPeriodPlannerTests.OCTOBER;
    private static final BillingPeriod NOVEMBER = ClosedPeriodPlannerTests.NOVEMBER;

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

        // then
        assertThat(CarriedCredits.USABLE_AFTER_THE_PERIOD.carries(grant, OCTOBER, NOVEMBER))
                .isEqualTo(usableAfter);
        assertThat(CarriedCredits.NOT_EXPIRING_IN_THE_NEXT_PERIOD.carries(grant, OCTOBER, NOVEMBER))
                .isEqualTo(notExpiringInTheNext);
        assertThat(CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS.carries(grant, OCTOBER, NOVEMBER))
                .isEqualTo(usableToTheNextEnd);
        assertThat(CarriedCredits.CARRIED_AT_THE_CLOSE_BY_ENDING_GRANTS.keepsTheClose(grant, NOVEMBER))
                .isEqualTo(keepsTheClose);
        assertThat(CarriedCredits.NOT_EXPIRING_IN_THE_NEXT_PERIOD.keepsTheClose(grant, NOVEMBER))
                .isFalse();
    }
}
