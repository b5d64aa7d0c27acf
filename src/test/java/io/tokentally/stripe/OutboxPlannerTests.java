package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OutboxPlannerTests {

    static final Instant NOW = Instant.parse("2026-11-20T00:00:00Z");
    /** A day more than 34 days before {@link #NOW}: its hours are too old for Stripe's meter event window. */
    static final Instant OLD_DAY = Instant.parse("2026-10-01T00:00:00Z");

    static final Instant FRESH_HOUR = Instant.parse("2026-11-19T10:00:00Z");
    /** A yearly period, open at {@link #NOW}. */
    static final BillingPeriod YEAR =
            new BillingPeriod(Instant.parse("2026-09-01T00:00:00Z"), Instant.parse("2027-09-01T00:00:00Z"));

    final OutboxPlanner planner = new OutboxPlanner(NOW, Duration.ofDays(34));

    @Test
    void lateHoursAreMeterEventsStampedAtTheOldestTimeSentInMicroUsdWithTheRemainderCarried() {
        // given: ten late hours of 0.0039 USD, which invoice items per hour (each rounded by Stripe to the cent)
        // billed as nothing, and a fresh hour of 0.0012345 USD
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(FRESH_HOUR, new BigDecimal("0.0012345")));
        for (int hour = 0; hour < 10; hour++) {
            billed.put(OLD_DAY.plusSeconds(3_600L * hour), new BigDecimal("0.0039"));
        }

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, Map.of());

        // then: eleven meter events, the late ones stamped 34 days before the run, inside Stripe's 35-day window;
        // the meter's total is 0.0402345 USD to the micro-USD, for Stripe to round once with the period's usage
        assertThat(rows).hasSize(11).allSatisfy(row -> assertThat(row.kind()).isEqualTo(OutboxRow.Kind.METER_EVENT));
        assertThat(rows.subList(0, 10))
                .allSatisfy(row -> assertThat(row.eventTimestamp()).isEqualTo(Instant.parse("2026-10-17T00:00:00Z")))
                .extracting(OutboxRow::valueMicros)
                .containsOnly(3_900L);
        assertThat(rows.get(10).eventTimestamp()).isEqualTo(FRESH_HOUR);
        assertThat(rows.stream().mapToLong(OutboxRow::valueMicros).sum()).isEqualTo(40_235);
    }

    @Test
    void aLateHourOfAPeriodLongPastItsEndIsStampedJustBeforeTheEnd() {
        // given: a period that ended 20 days ago and is not closed yet (a grace longer than the margin)
        OutboxPlanner soon = new OutboxPlanner(NOW, Duration.ofDays(1));
        BillingPeriod ended = new BillingPeriod(OLD_DAY, NOW.minus(Duration.ofDays(20)));

        // then: an hour of it is stamped inside it, not at the day before the run, which is in the next period
        assertThat(soon.stamp(OLD_DAY, ended)).isEqualTo(ended.end().minusSeconds(1));
        assertThat(soon.stamp(OLD_DAY, YEAR)).isEqualTo(NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void anHourAfterTheRunsTimeIsStampedWithIt() {
        assertThat(planner.stamp(NOW.plusSeconds(7_200), YEAR)).isEqualTo(NOW);
        assertThat(planner.stamp(FRESH_HOUR, YEAR)).isEqualTo(FRESH_HOUR);
    }

    @Test
    void anIdentifierIsTheHashOfCustomerMeterAndHourThenTheHourByItsProlepticYear() {
        // when: the first 24 hex digits of sha256("acme|usage|<hour>"), computed apart from the engine
        String november = OutboxPlanner.identifier("acme", "usage", Instant.parse("2026-11-27T10:00:00Z"), 0);
        String yearZero = OutboxPlanner.identifier("acme", "usage", Instant.parse("0000-01-15T10:00:00Z"), 3);

        // then: year 0 was written as year 1
        assertThat(november).isEqualTo("tt-d1fafcec2e40439cb3349484-2026112710-r0");
        assertThat(yearZero).isEqualTo("tt-182395a34cfb890711e3b9a5-0000011510-r3");
    }
}
