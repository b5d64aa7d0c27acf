package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.BillingCycle;
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
 * Meter events Stripe took after their period closed: a calendar-month customer whose October closes for Stripe
 * at 1 November 01:00 (the end plus a one-hour grace), its outbox rows written straight into an H2 database.
 */
class MeterEventsAfterCloseTests {

    private static final Instant CLOSE = Instant.parse("2026-11-01T01:00:00Z");
    private static final Instant OCTOBER_HOUR = Instant.parse("2026-10-31T10:00:00Z");

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
        afterClose = new MeterEventsAfterClose(
                jdbc, findings, Map.of("acme", BillingCycle.CALENDAR_MONTH_UTC), Duration.ofHours(1));
    }

    @Test
    void eventsFirstSentFromTheCloseOnAreSummedInOneErrorFindingOfThePeriodInBothLayouts() {
        // given October events of both layouts first sent at or after the close, and others that do not count
        OutboxRow amounts = event("acme", "tokentally_amount", OCTOBER_HOUR, 2_500_000, null, CLOSE, "DELIVERED");
        OutboxRow tokens = event(
                "acme", "tokentally_tokens", OCTOBER_HOUR, 1_000, "1.25", CLOSE.plusSeconds(3600), "ALREADY_DELIVERED");
        event("acme", "tokentally_in_time", OCTOBER_HOUR, 7_000_000, null, CLOSE.minusSeconds(1), "DELIVERED");
        event("acme", "tokentally_refused", OCTOBER_HOUR, 9_000_000, null, CLOSE.plusSeconds(60), "REJECTED");
        event(
                "acme",
                "tokentally_november",
                Instant.parse("2026-11-01T00:00:00Z"),
                5_000_000,
                null,
                CLOSE,
                "DELIVERED");

        // when the upload notes the late ones and records its findings
        afterClose.noteTaken(amounts, CLOSE);
        afterClose.noteTaken(tokens, CLOSE.plusSeconds(3600));
        afterClose.recordFindings(7);

        // then one error finding of acme's October: two events, 2.50 + 1.25 USD, the first at the close
        assertThat(findings())
                .singleElement()
                .satisfies(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:acme:period:2026-10-01T00:00:00Z 7 ")
                        .contains("2 meter event(s) of the billing period [2026-10-01T00:00:00Z, 2026-11-01T00:00:00Z),"
                                + " worth 3.75 USD")
                        .contains("first reached Stripe at 2026-11-01T01:00:00Z, after the period closed at"
                                + " 2026-11-01T01:00:00Z (its end plus tokentally.stripe.period-close-grace PT1H)"));
    }

    @Test
    void aNoteIsRecordedOnceAndAnEventSentInTimeAnUnknownCustomerOrAnInvoiceItemNoteNothing() {
        // given one event sent a second before the close, one of a customer without a cycle, and an invoice item
        OutboxRow inTime =
                event("acme", "tokentally_amount", OCTOBER_HOUR, 7_000_000, null, CLOSE.minusSeconds(1), "DELIVERED");
        OutboxRow stranger = event("gone", "tokentally_amount", OCTOBER_HOUR, 1_000_000, null, CLOSE, "DELIVERED");
        OutboxRow item = withKind(
                event("acme", "closed-period", OCTOBER_HOUR, 1_000_000, null, CLOSE, "DELIVERED"),
                OutboxRow.Kind.INVOICE_ITEM);
        jdbc.update("UPDATE outbox SET kind = 'INVOICE_ITEM' WHERE meter = 'closed-period'");

        // when they are noted as taken
        afterClose.noteTaken(inTime, CLOSE.minusSeconds(1));
        afterClose.noteTaken(stranger, CLOSE);
        afterClose.noteTaken(item, CLOSE);
        afterClose.recordFindings(7);

        // then nothing is found
        assertThat(findings()).isEmpty();

        // when a late event is noted, recorded, and the findings are recorded again with no new note
        OutboxRow late = event("acme", "tokentally_late", OCTOBER_HOUR, 3_000_000, null, CLOSE, "DELIVERED");
        afterClose.noteTaken(late, CLOSE);
        afterClose.recordFindings(7);
        jdbc.update("UPDATE finding SET last_run = 1");
        afterClose.recordFindings(8);

        // then the finding is the first recording's: the note was used once
        assertThat(findings())
                .singleElement()
                .satisfies(finding -> assertThat(finding)
                        .startsWith("ERROR meter-events-after-close:acme:period:2026-10-01T00:00:00Z 1 ")
                        .contains("1 meter event(s)")
                        .contains("worth 3 USD"));
    }

    private List<String> findings() {
        return jdbc.queryForList(
                "SELECT severity || ' ' || finding_key || ' ' || last_run || ' ' || message FROM finding"
                        + " WHERE kind = 'METER_EVENTS_AFTER_CLOSE'",
                String.class);
    }

    /** Stores a meter event row sent to Stripe, first called at {@code firstCall}, with Stripe's outcome. */
    private OutboxRow event(
            String customer,
            String meter,
            Instant hour,
            long value,
            String amountUsd,
            Instant firstCall,
            String outcome) {
        String identifier = "tt-" + customer + "-" + meter + "-" + hour.getEpochSecond();
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision, identifier,"
                        + " idempotency_key, value_micros, event_timestamp, state, created_run, created_at,"
                        + " in_flight_at, sent_at, outcome, amount_usd) VALUES ('METER_EVENT', ?, ?, ?, ?, 1, ?, ?,"
                        + " ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                customer,
                "cus_" + customer,
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
                outcome,
                amountUsd == null ? null : new BigDecimal(amountUsd));
        return new OutboxRow(
                0,
                OutboxRow.Kind.METER_EVENT,
                customer,
                "cus_" + customer,
                meter,
                hour,
                1,
                identifier,
                "tokentally-" + identifier,
                value,
                hour,
                OutboxRow.State.SENT,
                1,
                firstCall,
                null,
                amountUsd == null ? null : new BigDecimal(amountUsd));
    }

    private static OutboxRow withKind(OutboxRow row, OutboxRow.Kind kind) {
        return new OutboxRow(
                row.outboxId(),
                kind,
                row.customerId(),
                row.stripeCustomerId(),
                row.meter(),
                row.windowStart(),
                row.revision(),
                row.identifier(),
                row.idempotencyKey(),
                row.valueMicros(),
                row.eventTimestamp(),
                row.state(),
                row.attempts(),
                row.inFlightAt(),
                row.grant(),
                row.amountUsd());
    }
}
