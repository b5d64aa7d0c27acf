package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.SqlTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a claim leaves on a row when its calls are given up on: a row whose calls reached nothing is not in flight
 * unless another claim marked it, and one whose calls may have reached Stripe keeps the earliest claim's time.
 */
class OutboxClaimsTests {

    static final Instant HOUR = Instant.parse("2026-11-27T10:00:00Z");
    static final Instant FIRST = Instant.parse("2026-11-28T01:30:00.000001Z");
    static final Instant SECOND = FIRST.plusSeconds(5);

    @TempDir
    Path dir;

    JdbcTemplate jdbc;
    OutboxRepository outbox;
    long row;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        outbox = new OutboxRepository(jdbc, new UnplannedHours(jdbc), Clock.fixed(FIRST, ZoneOffset.UTC));
        row = insertPendingRow(jdbc);
    }

    @Test
    void aClaimWhoseCallsReachedNothingLeavesTheRowPendingAndNotInFlight() {
        // when
        outbox.markInFlight(row, FIRST, 1);
        outbox.markNeverReceived(row, "429 rate limited", FIRST);

        // then
        assertThat(stateAndTime()).isEqualTo("PENDING null");
    }

    @Test
    void anotherClaimsTimeStaysWhenThisClaimsCallsReachedNothing() {
        // given: a first claim whose call may have reached Stripe, still waiting for its answer
        outbox.markInFlight(row, FIRST, 1);

        // when: a second uploader claims it too, and every answer it gets is 429
        outbox.markInFlight(row, SECOND, 2);
        outbox.markNeverReceived(row, "429 rate limited", SECOND);

        // then
        assertThat(stateAndTime()).isEqualTo("PENDING " + FIRST);
    }

    @Test
    void aCallThatMayHaveArrivedAfterAnotherClaimClearedTheTimeSetsItAgain() {
        // given: two claims; the first claim's calls reached nothing and cleared the time it marked
        outbox.markInFlight(row, FIRST, 1);
        outbox.markInFlight(row, SECOND, 2);
        outbox.markNeverReceived(row, "429 rate limited", FIRST);

        // when: the second claim's call timed out
        Optional<Instant> firstCall = outbox.markMayHaveArrived(row, "connection error: Read timed out", SECOND);

        // then
        assertThat(stateAndTime()).isEqualTo("PENDING " + SECOND);
        assertThat(firstCall).contains(SECOND);
    }

    @Test
    void aRowAnotherUploaderSentIsLeftSent() {
        // given
        outbox.markInFlight(row, FIRST, 1);
        outbox.markInFlight(row, SECOND, 2);
        outbox.markSent(row, "DELIVERED", 1);

        // when
        outbox.markNeverReceived(row, "429 rate limited", SECOND);
        Optional<Instant> firstCall = outbox.markMayHaveArrived(row, "500 Injected server error", SECOND);

        // then
        assertThat(stateAndTime()).isEqualTo("SENT " + FIRST);
        assertThat(firstCall).isEmpty();
    }

    @Test
    void aRowLeftPendingIsCountedToTheLastRunThatClaimedIt() {
        // given: run 7's call got 429, then run 8 claimed the row and its call got 429 too
        outbox.markInFlight(row, FIRST, 7);
        outbox.markNeverReceived(row, "429 rate limited", FIRST);
        outbox.markInFlight(row, SECOND, 8);
        outbox.markNeverReceived(row, "429 rate limited", SECOND);

        // then: it is run 8's, once
        assertThat(outbox.notSent(7)).isEmpty();
        assertThat(outbox.notSent(8))
                .hasValueSatisfying(notSent -> assertThat(notSent.rows()).isEqualTo(1));
    }

    @Test
    void aLookupSettlesARowOnlyIfNoOtherUploadMovedItSinceTheLookupReadIt() {
        // given a row sent without an answer, read by one upload's lookup, then found not arrived and claimed again by
        // another upload
        outbox.markInFlight(row, FIRST, 1);
        OutboxRow read = outbox.unsent().get(0);
        outbox.markNotArrived(row);
        outbox.markInFlight(row, SECOND, 2);

        // when the first upload's lookup settles the row as it read it
        boolean settled = outbox.settleLookedUp(read, "NEVER_ARRIVED", 3, null);

        // then the row is left to the upload sending it
        assertThat(settled).isFalse();
        assertThat(stateAndTime()).isEqualTo("IN_FLIGHT " + SECOND);

        // and a lookup of the row as it is now settles it
        assertThat(outbox.settleLookedUp(outbox.unsent().get(0), "FOUND_IN_STRIPE", 3, "credgr_1"))
                .isTrue();
        assertThat(stateAndTime()).isEqualTo("SENT " + SECOND);
    }

    @Test
    void theReportsPendingCountIsWhatTheNextUploadReads() {
        // given, beside the pending row: a row in flight; three invoice items and a meter event an older version left
        // uncertain, one item's error still open, one's resolved and one's acknowledged by a person; a sent row
        outbox.markInFlight(insertPendingRow(jdbc, "tt-2", 2), FIRST, 1);
        long revision = 3;
        for (String name : new String[] {"open", "resolved", "acknowledged", "event", "sent"}) {
            insertPendingRow(jdbc, "tt-" + name, revision++);
        }
        jdbc.update("UPDATE outbox SET state = 'UNCERTAIN', kind = 'INVOICE_ITEM' WHERE identifier IN"
                + " ('tt-open', 'tt-resolved', 'tt-acknowledged')");
        jdbc.update("UPDATE outbox SET state = 'UNCERTAIN' WHERE identifier = 'tt-event'");
        jdbc.update("UPDATE outbox SET state = 'SENT' WHERE identifier = 'tt-sent'");
        FindingRepository findings = new FindingRepository(jdbc, Clock.fixed(FIRST, ZoneOffset.UTC));
        for (String name : new String[] {"open", "resolved", "acknowledged"}) {
            findings.record(
                    new Finding(
                            UploadFindings.UNCERTAIN + ":tt-" + name,
                            UploadFindings.UNCERTAIN,
                            Finding.Severity.ERROR,
                            "?"),
                    1);
        }
        findings.setStatus(UploadFindings.UNCERTAIN + ":tt-resolved", "RESOLVED");
        findings.setStatus(UploadFindings.UNCERTAIN + ":tt-acknowledged", "ACKNOWLEDGED");

        // when
        long pending = outbox.countsOfRun(1).get("PENDING");

        // then: the pending row, the one in flight and the item whose error is open, which the upload looks up
        assertThat(outbox.unsent()).extracting(OutboxRow::identifier).containsExactly("tt-1", "tt-2", "tt-open");
        assertThat(pending).isEqualTo(3);
    }

    static long insertPendingRow(JdbcTemplate jdbc) {
        return insertPendingRow(jdbc, "tt-1", 1);
    }

    /** A pending meter event of acme's hour, its {@code revision}, identified as {@code identifier}; its outbox id. */
    static long insertPendingRow(JdbcTemplate jdbc, String identifier, long revision) {
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision,"
                        + " identifier, idempotency_key, value_micros, event_timestamp, state, created_run, created_at)"
                        + " VALUES ('METER_EVENT', 'acme', 'cus_acme', 'tokentally_usd', ?, ?, ?, ?,"
                        + " 1500, ?, 'PENDING', 1, ?)",
                SqlTime.utc(HOUR),
                revision,
                identifier,
                "tokentally-" + identifier,
                SqlTime.utc(HOUR),
                SqlTime.utc(HOUR));
        return jdbc.queryForObject("SELECT outbox_id FROM outbox WHERE identifier = ?", Long.class, identifier);
    }

    private String stateAndTime() {
        return jdbc.queryForObject(
                "SELECT state, in_flight_at FROM outbox WHERE outbox_id = ?",
                (rs, rowNum) -> rs.getString("state") + " "
                        + (rs.getObject("in_flight_at") == null ? null : SqlTime.read(rs, "in_flight_at")),
                row);
    }
}
