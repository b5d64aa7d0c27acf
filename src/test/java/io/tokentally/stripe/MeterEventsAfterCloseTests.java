package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.plans.Customer;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Meter events a run sent after their period closed: a calendar-month customer whose October closes for Stripe at 1
 * November 01:00 (the end plus a one-hour grace), its outbox rows written straight into an H2 database.
 */
class MeterEventsAfterCloseTests {

    private static final Instant CLOSE = Instant.parse("2026-11-01T01:00:00Z");
    private static final Instant OCTOBER_HOUR = Instant.parse("2026-10-31T10:00:00Z");
    private static final Customer ACME = new Customer("acme", "cus_acme", "flex", "Acme");

    @TempDir
    Path dir;

    private JdbcTemplate jdbc;
    private MeterEventsAfterClose afterClose;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        FindingRepository findings = new FindingRepository(jdbc, Clock.fixed(CLOSE, ZoneOffset.UTC));
        afterClose = new MeterEventsAfterClose(jdbc, findings, Duration.ofHours(1));
    }

    @Test
    void eventsFirstSentFromTheCloseOnAreSummedInOneErrorFindingOfThePeriodAndRunInBothLayouts() {
        // given October events of both layouts first sent by run 7 at or after the close, and others that do not count
        event(7, "tokentally_amount", OCTOBER_HOUR, 2_500_000, null, CLOSE, "DELIVERED");
        event(7, "tokentally_tokens", OCTOBER_HOUR, 1_000, "1.254", CLOSE.plusSeconds(3600), "ALREADY_DELIVERED");
        event(7, "tokentally_in_time", OCTOBER_HOUR, 7_000_000, null, CLOSE.minusSeconds(1), "DELIVERED");
        event(7, "tokentally_refused", OCTOBER_HOUR, 9_000_000, null, CLOSE.plusSeconds(60), "REJECTED");
        event(6, "tokentally_earlier_run", OCTOBER_HOUR, 8_000_000, null, CLOSE.plusSeconds(60), "DELIVERED");
        event(7, "tokentally_november", Instant.parse("2026-11-01T00:00:00Z"), 5_000_000, null, CLOSE, "DELIVERED");
        event(7, "closed-period", OCTOBER_HOUR, 6_000_000, null, CLOSE, "DELIVERED");
        jdbc.update("UPDATE outbox SET kind = 'INVOICE_ITEM' WHERE meter = 'closed-period'");

        // when run 7's upload is checked
        int found = afterClose.record(7, Map.of("acme", ACME), CLOSE.plusSeconds(7200));

        // then one error finding of acme's October and run 7: two events, 2.50 + 1.254 USD, the first at the close
        assertThat(found).isEqualTo(1);
        assertThat(findings())
                .singleElement()
                .satisfies(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:acme:period:2026-10-01T00:00:00Z:run:7 7 ")
                        .contains("2 meter event(s) of the billing period [2026-10-01T00:00:00Z, 2026-11-01T00:00:00Z),"
                                + " worth 3.75 USD (exactly 3.754)")
                        .contains("reached Stripe in run 7 from 2026-11-01T01:00:00Z, after the period closed at"
                                + " 2026-11-01T01:00:00Z (its end plus tokentally.stripe.period-close-grace PT1H)."
                                + " They were queued while the period was open."));
    }

    @Test
    void eventsQueuedAfterTheCloseAreSaidToBe() {
        // given two late October events, one of them queued after October's close (by a run under way across it, or
        // one that planned its hour in an open period of the customer's earlier cycle)
        event(7, "tokentally_amount", OCTOBER_HOUR, 2_000_000, null, CLOSE.plusSeconds(600), "DELIVERED");
        event(7, "tokentally_tokens", OCTOBER_HOUR, 1_000_000, null, CLOSE.plusSeconds(600), "DELIVERED");
        jdbc.update(
                "UPDATE outbox SET created_at = ? WHERE meter = 'tokentally_tokens'",
                SqlTime.utc(CLOSE.plusSeconds(60)));

        // when
        afterClose.record(7, Map.of("acme", ACME), CLOSE.plusSeconds(7200));

        // then the finding does not say they were all queued while the period was open
        assertThat(findings())
                .singleElement()
                .satisfies(finding -> assertThat(finding)
                        .contains("2 meter event(s)")
                        .contains("1 of them was queued after that close: by a run that judged the period open at its"
                                + " record-closing-positions step, or for hours an earlier billing cycle of the"
                                + " customer had in an open period (see BILLING_CYCLE_CHANGED).")
                        .doesNotContain("queued while the period was open"));

        // and when run 8 sends two more, both queued after the close, they are counted in the plural
        event(8, "tokentally_amount_8", OCTOBER_HOUR, 1_000_000, null, CLOSE.plusSeconds(900), "DELIVERED");
        event(8, "tokentally_tokens_8", OCTOBER_HOUR, 1_000_000, null, CLOSE.plusSeconds(900), "DELIVERED");
        jdbc.update("UPDATE outbox SET created_at = ? WHERE sent_run = 8", SqlTime.utc(CLOSE.plusSeconds(120)));
        afterClose.record(8, Map.of("acme", ACME), CLOSE.plusSeconds(7200));
        assertThat(findings())
                .filteredOn(finding -> finding.contains(":run:8 "))
                .singleElement()
                .asString()
                .contains("2 of them were queued after that close");
    }

    @Test
    void anEventSentASecondBeforeTheCloseOrOfACustomerWithoutACycleIsNotFoundAndEachRunHasItsOwnFinding() {
        // given an event sent a second before the close, and a late one of a customer not in the customers file
        event(7, "tokentally_amount", OCTOBER_HOUR, 7_000_000, null, CLOSE.minusSeconds(1), "DELIVERED");
        jdbc.update("INSERT INTO outbox (kind, customer_id, meter, window_start, revision, identifier, idempotency_key,"
                + " value_micros, event_timestamp, state, created_run, created_at, in_flight_at, sent_run, outcome)"
                + " SELECT kind, 'gone', meter, window_start, revision, 'gone-1', 'gone-1', value_micros,"
                + " event_timestamp, state, created_run, created_at, in_flight_at, sent_run, outcome FROM outbox");

        // when run 7 is checked, then nothing is found
        assertThat(afterClose.record(7, Map.of("acme", ACME), CLOSE.plusSeconds(7200)))
                .isZero();
        assertThat(findings()).isEmpty();

        // when runs 8 and 9 each send a late event of October
        event(8, "tokentally_late", OCTOBER_HOUR, 3_000_000, null, CLOSE, "DELIVERED");
        event(9, "tokentally_later", OCTOBER_HOUR, 2_000_000, null, CLOSE.plusSeconds(86_400), "DELIVERED");
        afterClose.record(8, Map.of("acme", ACME), CLOSE.plusSeconds(7200));
        afterClose.record(9, Map.of("acme", ACME), CLOSE.plusSeconds(90_000));

        // then each run's finding has its own events only: charging each once charges each event once
        assertThat(findings())
                .hasSize(2)
                .anySatisfy(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:acme:period:2026-10-01T00:00:00Z:run:8 8 ")
                        .contains("1 meter event(s)")
                        .contains("worth 3.00 USD"))
                .anySatisfy(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:acme:period:2026-10-01T00:00:00Z:run:9 9 ")
                        .contains("worth 2.00 USD"));
    }

    private List<String> findings() {
        return jdbc.queryForList(
                "SELECT severity || ' ' || finding_key || ' ' || last_run || ' ' || message FROM finding"
                        + " WHERE kind = 'METER_EVENTS_AFTER_CLOSE'",
                String.class);
    }

    /** Stores an October meter event row of acme that run {@code run} sent, first called at {@code firstCall}. */
    private void event(
            long run, String meter, Instant hour, long value, String amountUsd, Instant firstCall, String outcome) {
        String identifier = "tt-acme-" + meter + "-" + hour.getEpochSecond();
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision, identifier,"
                        + " idempotency_key, value_micros, event_timestamp, state, created_run, created_at,"
                        + " in_flight_at, sent_at, sent_run, outcome, amount_usd) VALUES ('METER_EVENT', 'acme',"
                        + " 'cus_acme', ?, ?, 1, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                meter,
                SqlTime.utc(hour),
                identifier,
                "tokentally-" + identifier,
                value,
                SqlTime.utc(hour),
                outcome.equals("REJECTED") ? "FAILED" : "SENT",
                SqlTime.utc(hour),
                SqlTime.utc(firstCall),
                SqlTime.utc(firstCall.plusSeconds(1)),
                run,
                outcome,
                amountUsd == null ? null : new BigDecimal(amountUsd));
    }
}
