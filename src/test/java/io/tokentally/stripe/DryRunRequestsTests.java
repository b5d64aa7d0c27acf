package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a dry run's requests file says a live run does first with a row an earlier live call sent. */
class DryRunRequestsTests {

    static final Instant DEDUP_START = Instant.parse("2026-11-27T03:00:00Z");

    @ParameterizedTest(name = "{0} {1}, sent {2} h before the window starts, ended {3}")
    @CsvSource(textBlock = """
            METER_EVENT,  PENDING,    ,   false, none
            METER_EVENT,  IN_FLIGHT,  -1, false, resends it with the same idempotency key, which Stripe still dedups
            CREDIT_GRANT, PENDING,    -1, true,  resends it with the same idempotency key, which Stripe still dedups
            METER_EVENT,  IN_FLIGHT,  2,  false, leaves it UPLOAD_UNCERTAIN for a person: Stripe no longer dedups it
            METER_EVENT,  PENDING,    2,  false, leaves it UPLOAD_UNCERTAIN for a person: Stripe no longer dedups it
            INVOICE_ITEM, IN_FLIGHT,  2,  false, asks Stripe whether it arrived and sends it only if not
            CREDIT_GRANT, UNCERTAIN,  2,  false, asks Stripe whether it arrived and sends it only if not
            CREDIT_GRANT, IN_FLIGHT,  2,  true,  leaves it to the void or expire that ends it
            CREDIT_GRANT, UNCERTAIN,  -1, true,  leaves it to the void or expire that ends it
            """)
    void saysWhatALiveRunDoesFirst(
            OutboxRow.Kind kind, OutboxRow.State state, Integer hoursBefore, boolean ended, String expected) {
        // given
        Instant inFlightAt = hoursBefore == null ? null : DEDUP_START.minus(Duration.ofHours(hoursBefore));
        OutboxRow row = new OutboxRow(
                1,
                kind,
                "acme",
                "cus_acme",
                "tokentally_usd",
                DEDUP_START,
                1,
                "tt-1",
                "tokentally-tt-1",
                1500,
                DEDUP_START,
                state,
                1,
                inFlightAt,
                null);

        // when
        String liveRun = DryRunRequests.liveRun(row, DEDUP_START, ended);

        // then
        if (expected.equals("none")) {
            assertThat(liveRun).isNull();
        } else {
            assertThat(liveRun)
                    .startsWith("sent at " + inFlightAt + " without an answer that settles it; a live run ")
                    .contains(expected);
        }
    }
}
