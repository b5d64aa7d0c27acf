package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.PlanSegment;
import io.tokentally.rating.AllocatedCharge;
import io.tokentally.rating.Charge;
import io.tokentally.rating.CreditLedger;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClosedPeriodPlannerTests {

    static final BillingPeriod OCTOBER =
            new BillingPeriod(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
    static final BillingPeriod NOVEMBER =
            new BillingPeriod(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    static final PeriodPosition NOTHING = PeriodPosition.ZERO;

    @Test
    void aPeriodClosesAtItsEndPlusTheGraceAndNotASecondEarlier() {
        Duration hour = Duration.ofHours(1);

        assertThat(new ClosedPeriodPlanner(Instant.parse("2026-11-01T00:59:59Z"), hour).isClosed(OCTOBER))
                .isFalse();
        assertThat(new ClosedPeriodPlanner(Instant.parse("2026-11-01T01:00:00Z"), hour).isClosed(OCTOBER))
                .isTrue();
    }

    @Test
    void theEarliestOpenPeriodIsTheOneInItsGraceUntilItCloses() {
        Duration hour = Duration.ofHours(1);
        BillingCycle month = BillingCycle.CALENDAR_MONTH_UTC;

        assertThat(new ClosedPeriodPlanner(Instant.parse("2026-11-01T00:30:00Z"), hour).earliestOpen(month))
                .isEqualTo(OCTOBER);
        assertThat(new ClosedPeriodPlanner(Instant.parse("2026-11-01T01:00:00Z"), hour).earliestOpen(month))
                .isEqualTo(NOVEMBER);
    }

    @Test
    void aCustomersPeriodARunRecordedClosedStaysClosedUnderALongerGraceAndNoOtherPeriodOrCustomersDoes() {
        // given acme's October recorded closed at 01:00 under an hour's grace, and the grace made 72 hours since
        Instant now = Instant.parse("2026-11-01T05:00:00Z");
        ClosedPeriodPlanner planner = new ClosedPeriodPlanner(now, Duration.ofHours(72), Map.of("acme", OCTOBER.end()));
        BillingPeriod toOctober30 =
                new BillingPeriod(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-31T00:00:00Z"));
        BillingPeriod toNovember1Noon =
                new BillingPeriod(Instant.parse("2026-10-01T12:00:00Z"), Instant.parse("2026-11-01T12:00:00Z"));

        // then acme's October and a period of its ending before it stay closed; one ending after it, and another
        // customer's October, are in their grace
        assertThat(planner.isClosed(OCTOBER)).isFalse();
        assertThat(planner.isClosedFor("acme", OCTOBER)).isTrue();
        assertThat(planner.isClosedFor("acme", toOctober30)).isTrue();
        assertThat(planner.isClosedFor("acme", toNovember1Noon)).isFalse();
        assertThat(planner.isClosedFor("globex", OCTOBER)).isFalse();
    }

    @Test
    void theLatestClosedPeriodOfATokyoCycleEndsAtTokyoMidnight() {
        BillingCycle tokyo = new BillingCycle(BillingCycle.Interval.MONTH, 1, 1, ZoneId.of("Asia/Tokyo"));
        ClosedPeriodPlanner planner =
                new ClosedPeriodPlanner(Instant.parse("2026-11-01T02:00:00Z"), Duration.ofHours(1));

        assertThat(planner.latestClosed(tokyo))
                .isEqualTo(new BillingPeriod(
                        Instant.parse("2026-09-30T15:00:00Z"), Instant.parse("2026-10-31T15:00:00Z")));
        assertThat(planner.latestClosed(BillingCycle.CALENDAR_MONTH_UTC)).isEqualTo(OCTOBER);
    }

    @Test
    void queuesTheChangeSinceTheCloseLessWhatWasInvoicedLateAndNothingWhenNothingChanged() {
        ClosedPeriodPlanner planner = new ClosedPeriodPlanner(Instant.parse("2026-11-04T02:00:00Z"), Duration.ZERO);
        PeriodPosition closing = position("2.004", "0");
        PeriodPosition now = position("9.001", "0");

        // 9.00 - 2.00 = 7.00, of which 3.00 was invoiced in revision 1: 4.00 in revision 2
        OutboxRow row = planner.plan(
                        "acme", "cus_acme", OCTOBER, closing, now, new ClosedPeriodPlanner.Queued(3_000_000, 1))
                .orElseThrow();
        assertThat(row.kind()).isEqualTo(OutboxRow.Kind.INVOICE_ITEM);
        assertThat(row.meter()).isEqualTo(ClosedPeriodRepository.METER);
        assertThat(row.windowStart()).isEqualTo(OCTOBER.start());
        assertThat(row.revision()).isEqualTo(2);
        assertThat(row.valueMicros()).isEqualTo(4_000_000);
        assertThat(row.identifier())
                .isEqualTo(OutboxPlanner.identifier("acme", "closed-period", OCTOBER.start(), 2))
                .endsWith("-2026100100-r2");
        assertThat(row.idempotencyKey()).isEqualTo("tokentally-" + row.identifier());
        assertThat(planner.plan(
                        "acme", "cus_acme", OCTOBER, closing, now, new ClosedPeriodPlanner.Queued(7_000_000, 2)))
                .isEmpty();
    }

    @Test
    void aDecreaseIsANegativeItem() {
        ClosedPeriodPlanner planner = new ClosedPeriodPlanner(Instant.parse("2026-11-04T02:00:00Z"), Duration.ZERO);

        OutboxRow row = planner.plan(
                        "acme",
                        "cus_acme",
                        OCTOBER,
                        NOTHING,
                        position("0", "0"),
                        new ClosedPeriodPlanner.Queued(3_000_000, 1))
                .orElseThrow();

        assertThat(row.valueMicros()).isEqualTo(-3_000_000);
        assertThat(row.revision()).isEqualTo(2);
    }

    @Test
    void thePositionChargesCreditsOfGrantsThatOutliveThePeriodButNotOfGrantsEndingInIt() {
        // given $4 of October usage: $1 included, $1 from a pack expiring 20 October, $1.50 from a pack that
        // never expires, $0.50 overage
        PlanSegment segment = new PlanSegment(OCTOBER, OCTOBER, "team");
        Charge charge = new Charge(
                Instant.parse("2026-10-10T10:00:00Z"),
                "openai/gpt-4o",
                TokenType.INPUT,
                ServiceTier.STANDARD,
                ContextTier.STANDARD,
                1_600_000,
                new BigDecimal("2.5"),
                new BigDecimal("4"));
        AllocatedCharge allocated = new AllocatedCharge(
                charge,
                segment,
                BigDecimal.ONE,
                0,
                Map.of("purchase:short", BigDecimal.ONE, "purchase:long", new BigDecimal("1.5")),
                new BigDecimal("0.5"),
                Map.of("included:acme:monthly", BigDecimal.ONE));
        CreditGrant shortLived = grant("purchase:short", Instant.parse("2026-10-20T00:00:00Z"));
        CreditGrant longLived = grant("purchase:long", null);
        CreditLedger ledger = new CreditLedger(
                "acme",
                List.of(allocated),
                List.of(),
                List.of(shortLived, longLived),
                Map.of("purchase:short", BigDecimal.ONE, "purchase:long", new BigDecimal("1.5")));

        // when
        PeriodPosition position = PeriodPosition.of(
                ledger,
                OCTOBER,
                grant -> CarriedCredits.CURRENT.carries(
                        grant, OCTOBER, NOVEMBER, new CarriedCredits.Spending(NOVEMBER, grant.usableUntil())));

        // then
        assertThat(position.overageUsd()).isEqualByComparingTo("0.5");
        assertThat(position.carriedCreditsUsd()).isEqualByComparingTo("1.5");
        assertThat(position.chargeableUsd()).isEqualByComparingTo("2.00");
        assertThat(PeriodPosition.of(ledger, NOVEMBER, grant -> true))
                .isEqualTo(new PeriodPosition(BigDecimal.ZERO, BigDecimal.ZERO));
        // and a long-lived grant Stripe never held carries nothing
        assertThat(PeriodPosition.of(ledger, OCTOBER, grant -> false).carriedCreditsUsd())
                .isEqualByComparingTo("0");
    }

    private static CreditGrant grant(String key, Instant expiresAt) {
        return new CreditGrant(
                key,
                "acme",
                CreditGrant.Category.PAID,
                BigDecimal.TEN,
                Instant.parse("2026-10-01T00:00:00Z"),
                expiresAt,
                null,
                CreditGrant.End.NONE);
    }

    @Test
    void aLateChangeNoInvoiceItemCanCarryIsAnErrorThatSaysItCameLate() {
        ClosedPeriodPlanner planner = new ClosedPeriodPlanner(Instant.parse("2026-11-04T02:00:00Z"), Duration.ZERO);
        PeriodPosition now = position("10000000000000.0000", "0");

        // $10^13 is 10^19 micro-USD, more than a long holds
        assertThatThrownBy(() ->
                        planner.plan("acme", "cus_acme", OCTOBER, NOTHING, now, new ClosedPeriodPlanner.Queued(0, 0)))
                .isInstanceOfSatisfying(
                        MeterAmountTooLargeException.class,
                        tooLarge -> assertThat(tooLarge.finding("acme", ClosedPeriodRepository.METER, OCTOBER)
                                        .message())
                                .contains(" reaches 10000000000000 USD in the usage billed since the period closed,")
                                .endsWith("Check the usage that reached it late for a count or a price far too large"));
    }

    private static PeriodPosition position(String overage, String carried) {
        return new PeriodPosition(new BigDecimal(overage), new BigDecimal(carried));
    }
}
