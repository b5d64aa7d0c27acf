package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When Stripe can spend what a grant carries of October, a calendar month, from the outbox's grant rows. */
class GrantsInStripeTests {

    private static final BillingPeriod OCTOBER = ClosedPeriodPlannerTests.OCTOBER;
    private static final BillingPeriod NOVEMBER = ClosedPeriodPlannerTests.NOVEMBER;
    private static final BillingPeriod DECEMBER =
            new BillingPeriod(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
    private static final Customer ACME = new Customer("acme", "cus_acme", "flex", "Acme");
    private static final String METER = GrantColumns.meterOf("acme", "purchase:pack");
    private static final Instant NOW = Instant.parse("2026-12-10T02:00:00Z");

    @Test
    void aGrantStripeHeldAtTheCloseIsSpentFromTheNextInvoiceOn() {
        // given a grant created on 12 October
        GrantsInStripe stripe = stripe(times("2026-10-12T02:00:00Z", null), live());

        // when
        CarriedCredits.Spending spending = stripe.spending(pack(null, null), OCTOBER);

        // then
        assertThat(spending.invoice()).isEqualTo(NOVEMBER);
        assertThat(spending.end()).isNull();
    }

    @Test
    void aGrantFirstCreatedLaterIsSpentFromTheFirstInvoiceAfterItsCreate() {
        // given grants first created on 2 December, and at 00:30 on 1 December, inside the grace before November's
        // invoice finalized
        GrantsInStripe december = stripe(times("2026-12-02T02:00:00Z", null), live());
        GrantsInStripe inTheGrace = stripe(times("2026-12-01T00:30:00Z", null), live());
        GrantsInStripe notYet = stripe(Map.of(), Map.of());

        // then: a grant without rows is created by this run, in December
        assertThat(december.spending(pack(null, null), OCTOBER).invoice()).isEqualTo(DECEMBER);
        assertThat(inTheGrace.spending(pack(null, null), OCTOBER).invoice()).isEqualTo(NOVEMBER);
        assertThat(notYet.spending(pack(null, null), OCTOBER).invoice()).isEqualTo(DECEMBER);
    }

    @Test
    void aRefundEndsStripesGrantForTheInvoicesFinalizedAfterItsVoidWasPlanned() {
        // given a grant refunded on 20 November, its void planned on 22 November; another whose void is not planned
        // yet (this run plans it); a third that expires on 21 November, before its void was planned
        CreditGrant refunded = pack(null, "2026-11-20T00:00:00Z");
        GrantsInStripe voided = stripe(times("2026-10-12T02:00:00Z", "2026-11-22T02:00:00Z"), ended());
        GrantsInStripe live = stripe(times("2026-10-12T02:00:00Z", null), live());

        // then: less the grace, as an invoice finalized after the void's plan no longer has the grant
        assertThat(voided.spending(refunded, OCTOBER).end()).isEqualTo(Instant.parse("2026-11-22T01:00:00Z"));
        assertThat(live.spending(refunded, OCTOBER).end()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(voided.spending(pack("2026-11-21T00:00:00Z", "2026-11-20T00:00:00Z"), OCTOBER)
                        .end())
                .isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(live.spending(pack("2026-11-21T00:00:00Z", null), OCTOBER).end())
                .isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    }

    @Test
    void aVoidPlannedInTheGraceBeforeTheNextInvoiceEndsTheGrantBeforeIt() {
        // given a grant refunded on 30 November, its void planned at 00:30 on 1 December, before November's invoice
        GrantsInStripe stripe = stripe(times("2026-10-12T02:00:00Z", "2026-12-01T00:30:00Z"), ended());

        // then
        CarriedCredits.Spending spending = stripe.spending(pack(null, "2026-11-30T00:00:00Z"), OCTOBER);
        assertThat(spending.invoice()).isEqualTo(NOVEMBER);
        assertThat(spending.endsBeforeTheInvoice()).isTrue();
    }

    @Test
    void aGrantEndedInsideThePeriodIsAppliedAsIfItLivedOnlyWhenItsEndWasPlannedAfterTheClose() {
        // given a grant refunded on 25 October, its void planned on 5 November (after October's close) or at 00:30 on
        // 1 November (before it), and one that expired on 25 October
        CreditGrant refunded = pack(null, "2026-10-25T00:00:00Z");
        GrantsInStripe late = stripe(times("2026-10-12T02:00:00Z", "2026-11-05T02:00:00Z"), ended());
        GrantsInStripe inTime = stripe(times("2026-10-12T02:00:00Z", "2026-11-01T00:30:00Z"), ended());

        // then
        assertThat(late.endedByThePeriodsEndPlannedAfterItsClose(refunded, OCTOBER))
                .isTrue();
        assertThat(inTime.endedByThePeriodsEndPlannedAfterItsClose(refunded, OCTOBER))
                .isFalse();
        assertThat(late.endedByThePeriodsEndPlannedAfterItsClose(pack("2026-10-25T00:00:00Z", null), OCTOBER))
                .isFalse();
        assertThat(late.endedByThePeriodsEndPlannedAfterItsClose(refunded, NOVEMBER))
                .isFalse();
    }

    @Test
    void stripeHoldsAGrantWithALiveOrEndedCreateOrOneAboutToBeCreated() {
        // given
        CreditGrant pack = pack(null, null);
        CreditGrant endedBeforeNow = pack(null, "2026-12-05T00:00:00Z");

        // then
        assertThat(stripe(times("2026-10-12T02:00:00Z", null), live()).holds(pack))
                .isTrue();
        assertThat(stripe(Map.of(), Map.of()).holds(pack)).isTrue();
        assertThat(stripe(Map.of(), Map.of()).holds(endedBeforeNow)).isFalse();
        assertThat(stripe(times("2026-10-12T02:00:00Z", null), refused()).holds(pack))
                .isFalse();
    }

    private static GrantsInStripe stripe(
            Map<String, OutboxGrants.GrantTimes> times, Map<String, CreditGrantPlanner.Held> held) {
        return new GrantsInStripe(ACME, held, times, Duration.ofHours(1), NOW);
    }

    private static Map<String, OutboxGrants.GrantTimes> times(String created, String ended) {
        return Map.of(
                METER,
                new OutboxGrants.GrantTimes(Instant.parse(created), ended == null ? null : Instant.parse(ended)));
    }

    private static Map<String, CreditGrantPlanner.Held> live() {
        return Map.of(METER, new CreditGrantPlanner.Held(1, 1, 10_000_000, false, false, null, null, null));
    }

    private static Map<String, CreditGrantPlanner.Held> refused() {
        return Map.of(METER, new CreditGrantPlanner.Held(1, 0, 0, false, true, null, null, null));
    }

    private static Map<String, CreditGrantPlanner.Held> ended() {
        return Map.of(METER, new CreditGrantPlanner.Held(2, 0, 0, true, false, null, null, null));
    }

    /** A $10 pack of 10 October. */
    private static CreditGrant pack(String expiresAt, String refundedAt) {
        return new CreditGrant(
                "purchase:pack",
                "acme",
                CreditGrant.Category.PAID,
                BigDecimal.TEN,
                Instant.parse("2026-10-10T00:00:00Z"),
                expiresAt == null ? null : Instant.parse(expiresAt),
                refundedAt == null ? null : Instant.parse(refundedAt),
                refundedAt == null ? CreditGrant.End.NONE : CreditGrant.End.VOIDED);
    }
}
