package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OutboxPlannerTests {

    static final Instant OCTOBER = Instant.parse("2026-10-20T00:00:00Z");
    static final Instant YESTERDAY = Instant.parse("2026-12-03T10:00:00Z");

    final OutboxPlanner planner = new OutboxPlanner(Instant.parse("2026-12-04T03:00:00Z"), Duration.ofDays(34));

    @Test
    void hoursTooOldForMeterEventsSendWholeCentsCarryingWhatIsLeftToTheNextHour() {
        // given: ten October hours of $0.004 each, too old for meter events
        NavigableMap<Instant, BigDecimal> billed = hours(OCTOBER, 10, "0.004");

        // when
        List<OutboxRow> rows = plan(billed, Map.of());

        // then: 0.4 cents makes no item; 0.8 makes one of a cent, carrying -0.2; and so on: 4 cents in all
        assertThat(rows).extracting(OutboxRow::kind).containsOnly(OutboxRow.Kind.INVOICE_ITEM);
        assertThat(rows)
                .extracting(row -> row.windowStart().toString() + " " + row.valueMicros())
                .containsExactly(
                        "2026-10-20T01:00:00Z 10000",
                        "2026-10-20T03:00:00Z 10000",
                        "2026-10-20T06:00:00Z 10000",
                        "2026-10-20T08:00:00Z 10000");

        // and when planned again with those rows queued, nothing more is sent
        assertThat(plan(billed, queued(rows))).isEmpty();
    }

    @Test
    void whatOldHoursLeftOfACentIsSentWithTheFirstMeterEventAfterThem() {
        // given: an October hour of $0.004 and yesterday's hour of $0.004
        NavigableMap<Instant, BigDecimal> billed = hours(OCTOBER, 1, "0.004");
        billed.put(YESTERDAY, new BigDecimal("0.004"));

        // when
        List<OutboxRow> rows = plan(billed, Map.of());

        // then: no item; the meter event carries both hours' micro-USD
        assertThat(rows).extracting(row -> row.kind() + " " + row.valueMicros()).containsExactly("METER_EVENT 8000");
    }

    @Test
    void anItemOfAFractionOfACentQueuedBeforeIsLeftAsItIs() {
        // given: an October hour whose item of 0.4 cents an earlier version queued
        NavigableMap<Instant, BigDecimal> billed = hours(OCTOBER, 1, "0.004");

        // when
        List<OutboxRow> rows = plan(billed, Map.of(OCTOBER, new OutboxPlanner.Queued(4_000, 1)));

        // then
        assertThat(rows).isEmpty();
    }

    @Test
    void halfACentOrLessMakesNoItemAndMoreIsRoundedHalfUp() {
        assertThat(OutboxPlanner.wholeCents(5_000)).isZero();
        assertThat(OutboxPlanner.wholeCents(-5_000)).isZero();
        assertThat(OutboxPlanner.wholeCents(5_001)).isEqualTo(10_000);
        assertThat(OutboxPlanner.wholeCents(-15_000)).isEqualTo(-20_000);
        assertThat(OutboxPlanner.wholeCents(1_234_567)).isEqualTo(1_230_000);
    }

    private List<OutboxRow> plan(NavigableMap<Instant, BigDecimal> billed, Map<Instant, OutboxPlanner.Queued> queued) {
        return planner.plan("acme", "cus_acme", "tokentally_usd", BigDecimal.ZERO, billed, queued);
    }

    private static NavigableMap<Instant, BigDecimal> hours(Instant first, int count, String usd) {
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>();
        for (int hour = 0; hour < count; hour++) {
            billed.put(first.plus(Duration.ofHours(hour)), new BigDecimal(usd));
        }
        return billed;
    }

    private static Map<Instant, OutboxPlanner.Queued> queued(List<OutboxRow> rows) {
        Map<Instant, OutboxPlanner.Queued> queued = new HashMap<>();
        rows.forEach(row -> queued.put(row.windowStart(), new OutboxPlanner.Queued(row.valueMicros(), row.revision())));
        return queued;
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
