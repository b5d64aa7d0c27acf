package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BillingCycleTests {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void monthlyPeriodStartsAtMidnightOfTheAnchorDayInTheCustomersZone() {
        // given
        BillingCycle cycle = new BillingCycle(BillingCycle.Interval.MONTH, 15, 1, NEW_YORK);

        // when
        BillingPeriod period = cycle.periodContaining(Instant.parse("2026-11-15T04:59:59Z"));

        // then: 15 November 00:00 in New York is 05:00Z (EST), so this instant is still October's period
        assertThat(period)
                .isEqualTo(new BillingPeriod(
                        Instant.parse("2026-10-15T04:00:00Z"), Instant.parse("2026-11-15T05:00:00Z")));
        assertThat(cycle.next(period).start()).isEqualTo(Instant.parse("2026-11-15T05:00:00Z"));
    }

    @ParameterizedTest(name = "{0} .. {1}")
    @CsvSource({
        // a UTC day inside one period
        "2026-11-16T00:00:00Z, 2026-11-17T00:00:00Z, 2026-11-15T05:00:00Z",
        // the day a period starts, at 05:00Z: the old period's last hours and the new one's first
        "2026-11-15T00:00:00Z, 2026-11-16T00:00:00Z, 2026-10-15T04:00:00Z 2026-11-15T05:00:00Z",
        // a span that ends where a period starts does not reach it
        "2026-11-14T05:00:00Z, 2026-11-15T05:00:00Z, 2026-10-15T04:00:00Z",
        "2026-10-01T00:00:00Z, 2026-12-01T00:00:00Z, 2026-09-15T04:00:00Z 2026-10-15T04:00:00Z 2026-11-15T05:00:00Z"
    })
    void periodsOverlappingASpanAreEveryPeriodThatHoldsPartOfIt(String from, String to, String starts) {
        // given
        BillingCycle cycle = new BillingCycle(BillingCycle.Interval.MONTH, 15, 1, NEW_YORK);

        // when
        List<BillingPeriod> periods = cycle.periodsOverlapping(Instant.parse(from), Instant.parse(to));

        // then
        assertThat(periods).extracting(period -> period.start().toString()).containsExactly(starts.split(" "));
    }

    @Test
    void periodIsHalfOpenSoItsEndBelongsToTheNextPeriod() {
        // given
        BillingCycle cycle = BillingCycle.CALENDAR_MONTH_UTC;
        Instant december = Instant.parse("2026-12-01T00:00:00Z");

        // when
        BillingPeriod november = cycle.periodContaining(december.minusSeconds(1));
        BillingPeriod next = cycle.periodContaining(december);

        // then
        assertThat(november.end()).isEqualTo(december);
        assertThat(november.contains(december)).isFalse();
        assertThat(next.start()).isEqualTo(december);
    }

    @Test
    void anchorPastTheMonthsEndUsesTheLastDayAndComesBackAfterwards() {
        // given
        BillingCycle cycle = new BillingCycle(BillingCycle.Interval.MONTH, 31, 1, ZoneId.of("UTC"));

        // when
        BillingPeriod february = cycle.periodContaining(Instant.parse("2027-03-01T00:00:00Z"));

        // then
        assertThat(february)
                .isEqualTo(new BillingPeriod(
                        Instant.parse("2027-02-28T00:00:00Z"), Instant.parse("2027-03-31T00:00:00Z")));
    }

    @Test
    void yearlyPeriodStartsOnTheAnchorMonthAndDay() {
        // given
        BillingCycle cycle = new BillingCycle(BillingCycle.Interval.YEAR, 1, 4, ZoneId.of("UTC"));

        // when
        BillingPeriod period = cycle.periodContaining(Instant.parse("2027-02-10T12:00:00Z"));

        // then
        assertThat(period)
                .isEqualTo(new BillingPeriod(
                        Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2027-04-01T00:00:00Z")));
    }

    @Test
    void refusesAnAnchorDayOutsideAMonth() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BillingCycle(BillingCycle.Interval.MONTH, 32, 1, NEW_YORK))
                .withMessageContaining("anchor day 32");
    }
}
