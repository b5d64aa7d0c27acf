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
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

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

    JdbcDataSource dataSource;
    JdbcTemplate jdbc;
    OutboxRepository outbox;
    long row;

    @BeforeEach
    void start() throws Exception {
        dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        outbox = new OutboxRepository(jdbc, new UnplannedHours(jdbc), Clock.fixed(FIRST, ZoneOffset.UTC));
        row = insertPendingRow(jdbc);
    }

    @Test
    void aClaimWhoseCallsReachedNothingLeavesTheRowPendingAndNotInFlight() {
        // when
        outbox.markInFlight(row, FIRST);
        outbox.markNeverReceived(row, "429 rate limited", FIRST);

        // then
        assertThat(stateAndTime()).isEqualTo("PENDING null");
    }

    @Test
    void anotherClaimsTimeStaysWhenThisClaimsCallsReachedNothing() {
        // given: a first claim whose call may have reached Stripe, still waiting for its answer
        outbox.markInFlight(row, FIRST);

        // when: a second uploader claims it too, and every answer it gets is 429
        outbox.markInFlight(row, SECOND);
        outbox.markNeverReceived(row, "429 rate limited", SECOND);

        // then
        assertThat(stateAndTime()).isEqualTo("PENDING " + FIRST);
    }

    @Test
    void aCallThatMayHaveArrivedAfterAnotherClaimClearedTheTimeSetsItAgain() {
        // given: two claims; the first claim's calls reached nothing and cleared the time it marked
        outbox.markInFlight(row, FIRST);
        outbox.markInFlight(row, SECOND);
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
        outbox.markInFlight(row, FIRST);
        outbox.markInFlight(row, SECOND);
        outbox.markSent(row, "DELIVERED", 1);

        // when
        outbox.markNeverReceived(row, "429 rate limited", SECOND);
        Optional<Instant> firstCall = outbox.markMayHaveArrived(row, "500 Injected server error", SECOND);

        // then
        assertThat(stateAndTime()).isEqualTo("SENT " + FIRST);
        assertThat(firstCall).isEmpty();
    }

    @Test
    void anUploadThatLeavesARowNoCallReachedIsAnErrorUntilAnUploadSendsIt() {
        // given: every call of the row refused its connection (a wrong api-base: exit 0 and no word, night after night)
        FindingRepository findings = new FindingRepository(jdbc, Clock.fixed(FIRST, ZoneOffset.UTC));
        StepExecutionListener listener = new UploadStepConfiguration()
                .notSentListener(outbox, findings, live(), new DataSourceTransactionManager(dataSource));
        outbox.markInFlight(row, FIRST);
        outbox.markNeverReceived(row, "connection error: Connection refused", FIRST);

        // when
        listener.afterStep(uploadStep(7));

        // then
        assertThat(findings.openOfRun(7)).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("UPLOAD_NOT_SENT");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(finding.message())
                    .startsWith("1 outbox row(s) are pending after the upload with no call received by Stripe"
                            + " (connection error: Connection refused; tokentally.stripe.api-base"
                            + " http://127.0.0.1:1)");
        });

        // and when the next upload sends it
        outbox.markInFlight(row, SECOND);
        outbox.markSent(row, "DELIVERED", 8);
        listener.afterStep(uploadStep(8));

        // then
        assertThat(findings.list(null))
                .singleElement()
                .satisfies(finding -> assertThat(finding.status() + " by " + finding.resolvedByRun())
                        .isEqualTo("RESOLVED by 8"));
    }

    @Test
    void aRowWhoseCallMayHaveArrivedIsNotCountedAsNotSent() {
        // given: its own UPLOAD_PENDING finding says by when to resend it
        outbox.markInFlight(row, FIRST);

        // when
        outbox.markMayHaveArrived(row, "connection error: Read timed out", FIRST);

        // then
        assertThat(outbox.notSent()).isEmpty();
    }

    private static StripeProperties live() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                        "tokentally.stripe.api-key", "sk_test_claims",
                        "tokentally.stripe.api-base", "http://127.0.0.1:1")))
                .bind("tokentally.stripe", StripeProperties.class)
                .get();
    }

    private static StepExecution uploadStep(long run) {
        JobExecution execution = new JobExecution(run, new JobInstance(run, "nightly-billing"), new JobParameters());
        return new StepExecution(1, UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, execution);
    }

    static long insertPendingRow(JdbcTemplate jdbc) {
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision,"
                        + " identifier, idempotency_key, value_micros, event_timestamp, state, created_run, created_at)"
                        + " VALUES ('METER_EVENT', 'acme', 'cus_acme', 'tokentally_usd', ?, 1, 'tt-1', 'tokentally-tt-1',"
                        + " 1500, ?, 'PENDING', 1, ?)",
                SqlTime.utc(HOUR),
                SqlTime.utc(HOUR),
                SqlTime.utc(HOUR));
        return jdbc.queryForObject("SELECT outbox_id FROM outbox", Long.class);
    }

    private String stateAndTime() {
        return jdbc.queryForObject(
                "SELECT state, in_flight_at FROM outbox WHERE outbox_id = ?",
                (rs, rowNum) -> rs.getString("state") + " "
                        + (rs.getObject("in_flight_at") == null ? null : SqlTime.read(rs, "in_flight_at")),
                row);
    }
}
