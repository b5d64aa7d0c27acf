package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
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
    void lateHoursAreMeterEventsStampedWithTheRunsTimeInMicroUsd() {
        // given: ten late hours of 0.0039 USD, which invoice items per hour (each rounded by Stripe to the cent)
        // billed as nothing, and a fresh hour of 0.0012345 USD
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(FRESH_HOUR, new BigDecimal("0.0012345")));
        for (int hour = 0; hour < 10; hour++) {
            billed.put(OLD_DAY.plusSeconds(3_600L * hour), new BigDecimal("0.0039"));
        }

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, Map.of());

        // then: eleven meter events, the late ones stamped with the run's time, inside the period and 35 days from
        // leaving Stripe's window; the meter's total is 0.0402345 USD to the micro-USD, for Stripe to round once
        assertThat(rows).hasSize(11).allSatisfy(row -> assertThat(row.kind()).isEqualTo(OutboxRow.Kind.METER_EVENT));
        assertThat(rows.subList(0, 10))
                .allSatisfy(row -> assertThat(row.eventTimestamp()).isEqualTo(NOW))
                .extracting(OutboxRow::valueMicros)
                .containsOnly(3_900L);
        assertThat(rows.get(10).eventTimestamp()).isEqualTo(FRESH_HOUR);
        assertThat(rows.stream().mapToLong(OutboxRow::valueMicros).sum()).isEqualTo(40_235);
    }

    @Test
    void aChangeToAnEarlyHourRevisesTheHoursItPushesAMicroAwayAndEachDaysLastHourNotEveryLaterHour() {
        // given: two days of ten hours of 1.5 micro-USD each, planned and queued; then the first hour rated
        // half a micro-USD higher, which moves the rounding of every later hour
        Instant day = Instant.parse("2026-11-17T00:00:00Z");
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>();
        for (int d = 0; d < 2; d++) {
            for (int hour = 0; hour < 10; hour++) {
                billed.put(day.plus(Duration.ofDays(d)).plusSeconds(3_600L * hour), new BigDecimal("0.0000015"));
            }
        }
        Map<Instant, OutboxPlanner.Queued> queued =
                queue(planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, Map.of()), Map.of());
        billed.put(day, new BigDecimal("0.0000020"));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, queued);

        // then: the first day's last hour takes the change (+1), the second day's first hour is put back within a
        // micro-USD (-1) and its last hour takes what is left (+1); the other 17 hours keep their values
        assertThat(rows)
                .extracting(OutboxRow::windowStart, OutboxRow::revision, OutboxRow::valueMicros)
                .containsExactly(
                        tuple(day.plusSeconds(9 * 3_600L), 2, 1L),
                        tuple(day.plus(Duration.ofDays(1)), 2, -1L),
                        tuple(day.plus(Duration.ofDays(1)).plusSeconds(9 * 3_600L), 2, 1L));
        // and: at each day's end, and so for the period, the meter holds the exact amount rounded once
        Map<Instant, OutboxPlanner.Queued> after = queue(rows, queued);
        assertThat(sentThrough(after, day.plus(Duration.ofDays(1)))).isEqualTo(16); // 15.5 micro-USD
        assertThat(sentThrough(after, day.plus(Duration.ofDays(2)))).isEqualTo(31); // 30.5 micro-USD
        // and: planned again, nothing more
        assertThat(planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, after))
                .isEmpty();
    }

    @Test
    void plannedFromTheFirstChangedDayTheMeterHoldsEachDaysExactAmountRoundedOnceThroughAnyChanges() {
        // given: a week of hours with sub-micro-USD amounts, changed 200 times at random (an hour raised, lowered,
        // added or emptied), each change planned as a run does: from the first changed day, the days before carried
        Random random = new Random(20261205);
        Instant start = Instant.parse("2026-11-10T00:00:00Z");
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>();
        NavigableMap<Instant, OutboxPlanner.Queued> queued = new TreeMap<>();
        for (int change = 0; change < 200; change++) {
            Instant hour = start.plusSeconds(3_600L * random.nextInt(7 * 24));
            if (random.nextInt(5) == 0) {
                billed.remove(hour);
            } else {
                billed.put(hour, BigDecimal.valueOf(random.nextInt(5_000_000), 11)); // up to 50 micro-USD
            }

            // when
            Instant from = hour.truncatedTo(ChronoUnit.DAYS);
            BigDecimal carried = billed.headMap(from).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            Map<Instant, OutboxPlanner.Queued> queuedFrom = new TreeMap<>(queued.tailMap(from, true));
            List<OutboxRow> rows = planner.plan(
                    "acme", "cus_acme", "usage", YEAR, carried, new TreeMap<>(billed.tailMap(from)), queuedFrom);
            queued = queue(rows, queued);

            // then: through the end of every day, the meter holds the exact amount rounded once
            for (Instant end = start.plus(Duration.ofDays(1));
                    !end.isAfter(start.plus(Duration.ofDays(7)));
                    end = end.plus(Duration.ofDays(1))) {
                BigDecimal exact = billed.headMap(end).values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
                assertThat(sentThrough(queued, end))
                        .as("through %s after change %d", end, change)
                        .isEqualTo(exact.movePointRight(6)
                                .setScale(0, RoundingMode.HALF_UP)
                                .longValueExact());
            }
            // and: no hour sends a negative value for usage (a first revision of -1, say), and planned again,
            // nothing more
            assertThat(queued.values())
                    .as("after change %d", change)
                    .allSatisfy(held -> assertThat(held.valueMicros()).isNotNegative());
            assertThat(rows)
                    .filteredOn(row -> row.revision() == 1)
                    .allSatisfy(row -> assertThat(row.valueMicros()).isPositive());
            assertThat(planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, queued))
                    .isEmpty();
        }
    }

    /** What the outbox holds per hour once {@code rows} are queued after {@code queued}. */
    private static NavigableMap<Instant, OutboxPlanner.Queued> queue(
            List<OutboxRow> rows, Map<Instant, OutboxPlanner.Queued> queued) {
        NavigableMap<Instant, OutboxPlanner.Queued> after = new TreeMap<>(queued);
        for (OutboxRow row : rows) {
            OutboxPlanner.Queued held = after.getOrDefault(row.windowStart(), new OutboxPlanner.Queued(0, 0));
            after.put(
                    row.windowStart(),
                    new OutboxPlanner.Queued(held.valueMicros() + row.valueMicros(), row.revision()));
        }
        return after;
    }

    private static List<OutboxPlanner.Holding> heldBy(String stripeCustomerId, long valueMicros) {
        return List.of(new OutboxPlanner.Holding(stripeCustomerId, valueMicros, false));
    }

    private static long sentThrough(Map<Instant, OutboxPlanner.Queued> queued, Instant end) {
        return queued.entrySet().stream()
                .filter(hour -> hour.getKey().isBefore(end))
                .mapToLong(hour -> hour.getValue().valueMicros())
                .sum();
    }

    @Test
    void aDecreaseOfAnHourWithAnEarlierVersionsInvoiceItemTakesTheItemBackFirst() {
        // given: a late hour sent as a meter event of 5.00 USD while fresh, then raised by an earlier version's
        // invoice item of 0.50 USD; it is now rated at 3.00 USD
        Map<Instant, OutboxPlanner.Queued> queued =
                Map.of(OLD_DAY, new OutboxPlanner.Queued(5_500_000, 2, BigDecimal.ZERO, 500_000, List.of()));
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(OLD_DAY, new BigDecimal("3.00")));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, queued);

        // then: an item of -0.50 takes the item back (a meter event would lower the line grants pay, not the item),
        // and a meter event of -2.00 the rest
        assertThat(rows)
                .extracting(OutboxRow::kind, OutboxRow::revision, OutboxRow::valueMicros)
                .containsExactly(
                        tuple(OutboxRow.Kind.INVOICE_ITEM, 3, -500_000L),
                        tuple(OutboxRow.Kind.METER_EVENT, 4, -2_000_000L));
    }

    @Test
    void anHoursMeterEventsGoToTheStripeCustomerWhoseMeterHoldsItAndItsItemsAndNewHoursToTheCustomersIdNow() {
        // given: the customer's Stripe id changed from cus_old to cus_new after two hours were sent to cus_old, one
        // of them raised by an earlier version's invoice item; both are now rated lower, and a new hour has usage
        Instant sent = FRESH_HOUR.minusSeconds(3_600);
        Map<Instant, OutboxPlanner.Queued> queued = Map.of(
                OLD_DAY, new OutboxPlanner.Queued(5_500_000, 2, BigDecimal.ZERO, 500_000, heldBy("cus_old", 5_000_000)),
                sent, new OutboxPlanner.Queued(2_000_000, 1, BigDecimal.ZERO, 0, heldBy("cus_old", 2_000_000)));
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(
                OLD_DAY, new BigDecimal("3.00"),
                sent, new BigDecimal("1.50"),
                FRESH_HOUR, new BigDecimal("0.25")));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_new", "usage", YEAR, BigDecimal.ZERO, billed, queued);

        // then: the meter events that lower the hours cus_old's meter holds go to cus_old, whose total they correct;
        // the item, billed on the next invoice, and the new hour go to cus_new
        assertThat(rows)
                .extracting(
                        OutboxRow::kind, OutboxRow::windowStart, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactly(
                        tuple(OutboxRow.Kind.INVOICE_ITEM, OLD_DAY, -500_000L, "cus_new"),
                        tuple(OutboxRow.Kind.METER_EVENT, OLD_DAY, -2_000_000L, "cus_old"),
                        tuple(OutboxRow.Kind.METER_EVENT, sent, -500_000L, "cus_old"),
                        tuple(OutboxRow.Kind.METER_EVENT, FRESH_HOUR, 250_000L, "cus_new"));
    }

    @Test
    void lateUsageOfAnHourAnEarlierStripeCustomerHoldsGoesToTheCustomersIdNow() {
        // given: an hour of 2.00 USD sent to cus_old; cus_old has since been given to another customer, whose usage
        // it now bills, and this customer is cus_new; late usage raises the hour to 2.50 USD
        Instant sent = FRESH_HOUR.minusSeconds(3_600);
        Map<Instant, OutboxPlanner.Queued> queued =
                Map.of(sent, new OutboxPlanner.Queued(2_000_000, 1, BigDecimal.ZERO, 0, heldBy("cus_old", 2_000_000)));
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(sent, new BigDecimal("2.50")));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_new", "usage", YEAR, BigDecimal.ZERO, billed, queued);

        // then: the increase is billed to the customer's own Stripe customer, not to the one it left
        assertThat(rows)
                .extracting(OutboxRow::revision, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactly(tuple(2, 500_000L, "cus_new"));
    }

    @Test
    void aDecreaseIsTakenOffTheIdNowThenTheLatestHolderEachUpToWhatItHoldsAndNeverOffARefusingOne() {
        // given: an hour of 5.00 USD: 3.00 sent to cus_first, 1.50 to cus_old, 0.50 to cus_new (the id now), the
        // latest; Stripe refused for good the latest event sent to cus_first (its customer deleted)
        Instant sent = FRESH_HOUR.minusSeconds(3_600);
        List<OutboxPlanner.Holding> holders = List.of(
                new OutboxPlanner.Holding("cus_new", 500_000, false),
                new OutboxPlanner.Holding("cus_old", 1_500_000, false),
                new OutboxPlanner.Holding("cus_first", 3_000_000, true));
        Map<Instant, OutboxPlanner.Queued> queued =
                Map.of(sent, new OutboxPlanner.Queued(5_000_000, 4, BigDecimal.ZERO, 0, holders));

        // when: the hour is rated at 3.00 USD, then at 1.00 USD
        List<OutboxRow> less = planner.plan(
                "acme",
                "cus_new",
                "usage",
                YEAR,
                BigDecimal.ZERO,
                new TreeMap<>(Map.of(sent, new BigDecimal("3.00"))),
                queued);
        List<OutboxRow> least = planner.plan(
                "acme",
                "cus_new",
                "usage",
                YEAR,
                BigDecimal.ZERO,
                new TreeMap<>(Map.of(sent, new BigDecimal("1.00"))),
                queued);

        // then: 2.00 USD less is cus_new's 0.50 and 1.50 of cus_old's, each part a revision of its own; 4.00 less
        // takes all cus_old holds, and what only the refusing cus_first holds is sent nowhere (cus_new's total would
        // lose usage of other hours for it), kept for a finding
        assertThat(less)
                .extracting(OutboxRow::revision, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactly(tuple(5, -500_000L, "cus_new"), tuple(6, -1_500_000L, "cus_old"));
        assertThat(least)
                .extracting(OutboxRow::revision, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactly(tuple(5, -500_000L, "cus_new"), tuple(6, -1_500_000L, "cus_old"));
        assertThat(planner.notPlaced())
                .extracting(OutboxPlanner.NotPlaced::value, OutboxPlanner.NotPlaced::refusedBy)
                .containsExactly(tuple(0L, List.of("cus_first")), tuple(-2_000_000L, List.of("cus_first")));
    }

    @Test
    void anIncreaseOfAnHourWithAnEarlierVersionsInvoiceItemIsAMeterEvent() {
        // given: a late hour an earlier version invoiced at 0.05 USD, now rated at 0.06 USD
        Map<Instant, OutboxPlanner.Queued> queued =
                Map.of(OLD_DAY, new OutboxPlanner.Queued(50_000, 1, BigDecimal.ZERO, 50_000, List.of()));
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(OLD_DAY, new BigDecimal("0.06")));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", YEAR, BigDecimal.ZERO, billed, queued);

        // then
        assertThat(rows)
                .extracting(OutboxRow::kind, OutboxRow::revision, OutboxRow::valueMicros, OutboxRow::eventTimestamp)
                .containsExactly(tuple(OutboxRow.Kind.METER_EVENT, 2, 10_000L, NOW));
    }

    @Test
    void aLateHourOfAPeriodPastItsEndIsStampedAtThePeriodsLastSecond() {
        // given: a period that ended a day ago and is not closed yet (a grace of more than a day)
        BillingPeriod ended = new BillingPeriod(OLD_DAY, NOW.minus(Duration.ofDays(1)));

        // when
        Instant stamp = planner.stamp(OLD_DAY, ended);

        // then: inside the period, not at the run's time, which is in the next one
        assertThat(stamp).isEqualTo(ended.end().minusSeconds(1));
    }

    @Test
    void anHourAfterTheRunsTimeIsStampedWithItAndAFreshHourWithItself() {
        // given an hour two hours after the run's time, and one of yesterday
        Instant ahead = NOW.plusSeconds(7_200);

        // then
        assertThat(planner.stamp(ahead, YEAR)).isEqualTo(NOW);
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
