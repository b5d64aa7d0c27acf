package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenOutboxPlannerTests {

    static final Instant NOW = Instant.parse("2026-11-20T00:00:00Z");
    static final Instant HOUR = Instant.parse("2026-11-10T10:00:00Z");
    static final Instant OLD_HOUR = Instant.parse("2026-10-01T10:00:00Z");
    /** A yearly period, open at {@link #NOW}. */
    static final BillingPeriod PERIOD =
            new BillingPeriod(Instant.parse("2026-09-01T00:00:00Z"), Instant.parse("2027-09-01T00:00:00Z"));

    static final AmountMeterLayout AMOUNT = new AmountMeterLayout("tt");
    static final String INPUT_METER = new TokenMeterLayout("tt").eventName("openai/gpt-4o", TokenType.INPUT);

    final TokenOutboxPlanner planner = new TokenOutboxPlanner(new OutboxPlanner(NOW, Duration.ofDays(34)), AMOUNT);

    @Test
    void exactUsageBecomesTokensAndTheRestMicroUsdOnItsClassMeter() {
        // given: 1,000 input tokens billed exactly on the token meter, 0.0123456 USD of input that is not
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, INPUT_METER, 1_000, new BigDecimal("0.003")),
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, null, 500, new BigDecimal("0.0123456")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_c", PERIOD, usage, Map.of());

        // then
        assertThat(rows)
                .extracting(OutboxRow::meter, OutboxRow::valueMicros, OutboxRow::amountUsd)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(INPUT_METER, 1_000L, new BigDecimal("0.003")),
                        org.assertj.core.groups.Tuple.tuple("tt_input_usd_micros", 12_346L, null));
        assertThat(rows.get(0).identifier()).isEqualTo(OutboxPlanner.identifier("c", INPUT_METER, HOUR, 1));
    }

    @Test
    void aRerunWithMoreTokensSendsTheDifferenceAsTheNextRevision() {
        // given: 1,000 tokens (0.003 USD) already queued as revision 1
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued =
                Map.of(INPUT_METER, Map.of(HOUR, new OutboxPlanner.Queued(1_000, 1, new BigDecimal("0.003"))));
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, INPUT_METER, 1_200, new BigDecimal("0.0036")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_c", PERIOD, usage, queued);

        // then
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.meter()).isEqualTo(INPUT_METER);
            assertThat(row.revision()).isEqualTo(2);
            assertThat(row.valueMicros()).isEqualTo(200);
            assertThat(row.amountUsd()).isEqualByComparingTo("0.0006");
        });
    }

    @Test
    void usageThatNoLongerQualifiesLeavesTheTokenMeterForTheAmountMeter() {
        // given: 1,000 tokens queued on the token meter; the model is no longer listed
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued =
                Map.of(INPUT_METER, Map.of(HOUR, new OutboxPlanner.Queued(1_000, 1, new BigDecimal("0.003"))));
        List<TokenOutboxPlanner.Routed> usage =
                List.of(new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, null, 1_000, new BigDecimal("0.003")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_c", PERIOD, usage, queued);

        // then
        assertThat(rows)
                .extracting(OutboxRow::meter, OutboxRow::valueMicros, OutboxRow::revision)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(INPUT_METER, -1_000L, 2),
                        org.assertj.core.groups.Tuple.tuple("tt_input_usd_micros", 3_000L, 1));
    }

    @Test
    void tokensTakenOffAMeterOfAnEarlierStripeCustomerAreTakenOffThereAndTheirAmountGoesToTheCustomersIdNow() {
        // given: 1,000 tokens sent to cus_old's token meter; the customer's Stripe id is cus_new now, and the model is
        // no longer listed
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = Map.of(
                INPUT_METER,
                Map.of(
                        HOUR,
                        new OutboxPlanner.Queued(
                                1_000,
                                1,
                                new BigDecimal("0.003"),
                                0,
                                List.of(new OutboxPlanner.Holding("cus_old", 1_000, false)))));
        List<TokenOutboxPlanner.Routed> usage =
                List.of(new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, null, 1_000, new BigDecimal("0.003")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_new", PERIOD, usage, queued);

        // then: the tokens leave the meter that holds them; the amount meter's hour, held by none, is cus_new's
        assertThat(rows)
                .extracting(OutboxRow::meter, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(INPUT_METER, -1_000L, "cus_old"),
                        org.assertj.core.groups.Tuple.tuple("tt_input_usd_micros", 3_000L, "cus_new"));
    }

    @Test
    void aTokenDecreaseIsTakenOffTheHoursHoldersEachPartStandingForItsShareOfTheAmount() {
        // given: 3,000 tokens (0.009 USD) of an hour, 1,000 on cus_new's meter (the id now), 2,000 on cus_old's
        List<OutboxPlanner.Holding> holders = List.of(
                new OutboxPlanner.Holding("cus_new", 1_000, false), new OutboxPlanner.Holding("cus_old", 2_000, false));
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = Map.of(
                INPUT_METER, Map.of(HOUR, new OutboxPlanner.Queued(3_000, 2, new BigDecimal("0.009"), 0, holders)));
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, INPUT_METER, 1_500, new BigDecimal("0.0045")));

        // when: the hour now has 1,500 tokens
        List<OutboxRow> rows = planner.plan("c", "cus_new", PERIOD, usage, queued);

        // then: cus_new's 1,000 and 500 of cus_old's, standing for 0.003 and 0.0015 USD
        assertThat(rows)
                .extracting(OutboxRow::revision, OutboxRow::valueMicros, OutboxRow::stripeCustomerId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(3, -1_000L, "cus_new"),
                        org.assertj.core.groups.Tuple.tuple(4, -500L, "cus_old"));
        assertThat(rows.get(0).amountUsd()).isEqualByComparingTo("-0.003");
        assertThat(rows.get(1).amountUsd()).isEqualByComparingTo("-0.0015");
    }

    @Test
    void anHourTooOldForMeterEventsSendsItsTokenDifferenceStampedInsideStripesWindow() {
        // given: 1,000 tokens (0.003 USD) sent while the hour was fresh; now it is 50 days old and has 1,500
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued =
                Map.of(INPUT_METER, Map.of(OLD_HOUR, new OutboxPlanner.Queued(1_000, 1, new BigDecimal("0.003"))));
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, OLD_HOUR, INPUT_METER, 1_500, new BigDecimal("0.0045")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_c", PERIOD, usage, queued);

        // then: 500 tokens more, standing for 0.0015 USD, the event stamped with the run's time
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.meter()).isEqualTo(INPUT_METER);
            assertThat(row.valueMicros()).isEqualTo(500);
            assertThat(row.amountUsd()).isEqualByComparingTo("0.0015");
            assertThat(row.windowStart()).isEqualTo(OLD_HOUR);
            assertThat(row.eventTimestamp()).isEqualTo(NOW);
        });
    }

    @Test
    void aLateHourThatNoLongerQualifiesTakesItsTokensOffTheTokenMeterNotANegativeAmountOnTheAmountMeter() {
        // given: 3,000,000 tokens sent at 50% (11.25 USD) while the hour was fresh; 50 days later the markup is cut
        // to 20% (9.00 USD), which Stripe holds no price of
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued =
                Map.of(INPUT_METER, Map.of(OLD_HOUR, new OutboxPlanner.Queued(3_000_000, 1, new BigDecimal("11.25"))));
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, OLD_HOUR, null, 3_000_000, new BigDecimal("9.00")));

        // when
        List<OutboxRow> rows = planner.plan("c", "cus_c", PERIOD, usage, queued);

        // then: the tokens leave the meter that billed them, and the amount meter bills 9.00 USD; kept on the token
        // meter, the amount meter got -2.25 USD, a negative total where it has no other usage, which Stripe bills as
        // zero (hunt BT: 11.25 USD billed for 9.00)
        assertThat(rows)
                .extracting(OutboxRow::meter, OutboxRow::valueMicros, OutboxRow::eventTimestamp)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(INPUT_METER, -3_000_000L, NOW),
                        org.assertj.core.groups.Tuple.tuple("tt_input_usd_micros", 9_000_000L, NOW));
    }

    @Test
    void nothingChangedPlansNothing() {
        Map<String, Map<Instant, OutboxPlanner.Queued>> queued = Map.of(
                INPUT_METER,
                Map.of(HOUR, new OutboxPlanner.Queued(1_000, 1, new BigDecimal("0.003"))),
                "tt_input_usd_micros",
                Map.of(HOUR, new OutboxPlanner.Queued(12_346, 1)));
        List<TokenOutboxPlanner.Routed> usage = List.of(
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, INPUT_METER, 1_000, new BigDecimal("0.003")),
                new TokenOutboxPlanner.Routed(TokenType.INPUT, HOUR, null, 500, new BigDecimal("0.0123456")));

        assertThat(planner.plan("c", "cus_c", PERIOD, usage, queued)).isEmpty();
    }
}
