package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

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
    /** A day more than 34 days before {@link #NOW}: its hours are too old for meter events. */
    static final Instant OLD_DAY = Instant.parse("2026-10-01T00:00:00Z");

    static final Instant FRESH_HOUR = Instant.parse("2026-11-19T10:00:00Z");

    final OutboxPlanner planner = new OutboxPlanner(NOW, Duration.ofDays(34));

    @Test
    void lateHoursGoOutAsOneInvoiceItemInWholeCentsOnTheLastOfThem() {
        // given: ten late hours of 0.0039 USD each, which per-hour items of 0.39 cents would bill as nothing
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>();
        for (int hour = 0; hour < 10; hour++) {
            billed.put(OLD_DAY.plusSeconds(3_600L * hour), new BigDecimal("0.0039"));
        }

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", BigDecimal.ZERO, 0, billed, Map.of());

        // then: 0.039 USD is 4 cents, on the tenth hour
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(OutboxRow.Kind.INVOICE_ITEM);
            assertThat(row.windowStart()).isEqualTo(OLD_DAY.plusSeconds(3_600L * 9));
            assertThat(row.revision()).isEqualTo(1);
            assertThat(row.valueMicros()).isEqualTo(40_000);
        });

        // and: with that item queued, a rerun plans nothing (the 0.1 cent sent over waits)
        Map<Instant, OutboxPlanner.Queued> queued =
                Map.of(rows.get(0).windowStart(), new OutboxPlanner.Queued(40_000, 1));
        assertThat(planner.plan("acme", "cus_acme", "usage", BigDecimal.ZERO, 0, billed, queued))
                .isEmpty();
    }

    @Test
    void aRemainderTheDaysBeforeThePlanLeftUnsentGoesWithTheNextLateHour() {
        // given: the day before holds a late hour of 0.0039 USD that sent nothing, and a late hour of the next day
        // has 0.0039 USD
        Instant next = OLD_DAY.plusSeconds(86_400 + 3_600);
        NavigableMap<Instant, BigDecimal> billed = new TreeMap<>(Map.of(next, new BigDecimal("0.0039")));

        // when: the plan starts at the next day
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", new BigDecimal("0.0039"), 0, billed, Map.of());

        // then: 0.78 cents is a cent
        assertThat(rows)
                .extracting(OutboxRow::windowStart, OutboxRow::valueMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(next, 10_000L));

        // and: with that cent queued, the same plan again plans nothing
        Map<Instant, OutboxPlanner.Queued> queued = Map.of(next, new OutboxPlanner.Queued(10_000, 1));
        assertThat(planner.plan("acme", "cus_acme", "usage", new BigDecimal("0.0039"), 0, billed, queued))
                .isEmpty();
    }

    @Test
    void freshHoursStayMeterEventsInMicroUsdAfterTheLateOnes() {
        // given: a late hour of 0.0039 USD and a fresh one of 0.0012345 USD
        NavigableMap<Instant, BigDecimal> billed =
                new TreeMap<>(Map.of(OLD_DAY, new BigDecimal("0.0039"), FRESH_HOUR, new BigDecimal("0.0012345")));

        // when
        List<OutboxRow> rows = planner.plan("acme", "cus_acme", "usage", BigDecimal.ZERO, 0, billed, Map.of());

        // then: the late hour waits (under half a cent); the fresh one's event carries the cumulative micro-USD
        assertThat(rows)
                .extracting(OutboxRow::kind, OutboxRow::windowStart, OutboxRow::valueMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(OutboxRow.Kind.METER_EVENT, FRESH_HOUR, 1_235L));
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
