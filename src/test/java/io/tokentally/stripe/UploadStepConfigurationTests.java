package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
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

/** The upload's {@code UPLOAD_NOT_SENT} error: rows an upload tried and left pending, against an H2 database. */
class UploadStepConfigurationTests {

    static final Instant FIRST = OutboxClaimsTests.FIRST;
    static final Instant NEXT_NIGHT = FIRST.plusSeconds(86_400);

    @TempDir
    Path dir;

    JdbcTemplate jdbc;
    OutboxRepository outbox;
    FindingRepository findings;
    StepExecutionListener listener;
    long row;

    @BeforeEach
    void start() {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        Clock clock = Clock.fixed(FIRST, ZoneOffset.UTC);
        outbox = new OutboxRepository(jdbc, new UnplannedHours(jdbc), clock);
        findings = new FindingRepository(jdbc, clock);
        listener = new UploadStepConfiguration()
                .notSentListener(outbox, findings, live(), new DataSourceTransactionManager(dataSource));
        row = OutboxClaimsTests.insertPendingRow(jdbc);
    }

    @Test
    void anUploadThatLeavesARowUnsentIsAnErrorOfItsRunUntilAnUploadSendsIt() {
        // given: every call of the row refused its connection (a wrong api-base: exit 0 and no word, night after night)
        outbox.markInFlight(row, FIRST, 7);
        outbox.markNeverReceived(row, "connection error: Connection refused", FIRST);

        // when
        listener.afterStep(uploadStep(7));

        // then
        assertThat(findings.openOfRun(7)).singleElement().satisfies(finding -> {
            assertThat(finding.kind()).isEqualTo("UPLOAD_NOT_SENT");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(finding.message())
                    .startsWith("1 outbox row(s) are still pending after the upload (the last one's error:"
                            + " connection error: Connection refused; tokentally.stripe.api-base http://127.0.0.1:1)");
        });

        // and when the next upload sends it
        outbox.markInFlight(row, NEXT_NIGHT, 8);
        outbox.markSent(row, "DELIVERED", 8);
        listener.afterStep(uploadStep(8));

        // then
        assertThat(findings.list(null))
                .singleElement()
                .satisfies(finding -> assertThat(finding.status() + " by " + finding.resolvedByRun())
                        .isEqualTo("RESOLVED by 8"));
    }

    @Test
    void aRowWhoseUploadPendingAnEarlierRunRecordedIsAnErrorOfTheRunThatLeavesItUnsentAgain() {
        // given: night 1's call timed out (its UPLOAD_PENDING is run 1's); night 2's calls were all refused
        outbox.markInFlight(row, FIRST, 1);
        outbox.markMayHaveArrived(row, "connection error: Read timed out", FIRST);
        outbox.markInFlight(row, NEXT_NIGHT, 2);
        outbox.markNeverReceived(row, "connection error: Connection refused", NEXT_NIGHT);

        // when
        listener.afterStep(uploadStep(2));

        // then: run 2 has an open error, so its exit code says so (run 1's finding alone left it at 0), which does not
        // say the row's usage is unbilled without a word of the rows that may have reached Stripe
        assertThat(findings.openOfRun(2)).extracting(Finding::kind).containsExactly("UPLOAD_NOT_SENT");
        assertThat(findings.openOfRun(2).get(0).message())
                .contains("not billed, nor their credit grants made or ended, until a run sends them (rows an"
                        + " UPLOAD_PENDING finding names may have reached Stripe already)");
    }

    @Test
    void aRowParkedUntilTheGrantItEndsIsCreatedIsNotCounted() {
        // given: a void row waiting for its grant's create, never claimed (it is sent once the create is)
        outbox.markRetryLater(row, "the grant it voids is not created yet");

        // when
        listener.afterStep(uploadStep(3));

        // then
        assertThat(outbox.notSent(3)).isEmpty();
        assertThat(findings.openOfRun(3)).isEmpty();
    }

    @Test
    void anUploadBesideAnotherCountsOnlyTheRowsItTriedAndLeavesTheOthersErrorOpen() {
        // given: run 7 left its row unsent (its error recorded); run 8, uploading beside it, sent a row of its own
        outbox.markInFlight(row, FIRST, 7);
        outbox.markNeverReceived(row, "connection error: Connection refused", FIRST);
        listener.afterStep(uploadStep(7));
        long other = OutboxClaimsTests.insertPendingRow(jdbc, "tt-2", 2);
        outbox.markInFlight(other, FIRST, 8);
        outbox.markSent(other, "DELIVERED", 8);

        // when
        listener.afterStep(uploadStep(8));

        // then: run 8 has no error (it counted run 7's row before, and exited 4); run 7's error stays open
        assertThat(findings.openOfRun(8)).isEmpty();
        assertThat(findings.openOfRun(7)).extracting(Finding::kind).containsExactly("UPLOAD_NOT_SENT");
    }

    @Test
    void twoUploadsAtOnceThatEachLeaveARowUnsentEachHaveTheirOwnError() {
        // given: run 7 and run 8, uploading at once, each left the row it tried unsent
        long other = OutboxClaimsTests.insertPendingRow(jdbc, "tt-2", 2);
        outbox.markInFlight(row, FIRST, 7);
        outbox.markNeverReceived(row, "connection error: Connection refused", FIRST);
        outbox.markInFlight(other, FIRST, 8);
        outbox.markNeverReceived(other, "429 rate limited", FIRST);

        // when: their uploads end, 7's first
        listener.afterStep(uploadStep(7));
        listener.afterStep(uploadStep(8));

        // then: each run's exit code says so (one finding for both left run 7's last run 8, and run 7 at exit 0)
        assertThat(findings.openOfRun(7)).extracting(Finding::kind).containsExactly("UPLOAD_NOT_SENT");
        assertThat(findings.openOfRun(8)).extracting(Finding::kind).containsExactly("UPLOAD_NOT_SENT");
        assertThat(findings.openOfRun(7).get(0).message())
                .startsWith("1 outbox row(s)")
                .contains("Connection refused");
        assertThat(findings.openOfRun(8).get(0).message())
                .startsWith("1 outbox row(s)")
                .contains("429");

        // and when run 9 sends both, it resolves both
        outbox.markInFlight(row, NEXT_NIGHT, 9);
        outbox.markSent(row, "DELIVERED", 9);
        outbox.markInFlight(other, NEXT_NIGHT, 9);
        outbox.markSent(other, "DELIVERED", 9);
        listener.afterStep(uploadStep(9));
        assertThat(findings.list(null))
                .extracting(finding -> finding.status() + " by " + finding.resolvedByRun())
                .containsExactly("RESOLVED by 9", "RESOLVED by 9");
    }

    private static StripeProperties live() {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                        "tokentally.stripe.api-key", "sk_test_upload",
                        "tokentally.stripe.api-base", "http://127.0.0.1:1")))
                .bind("tokentally.stripe", StripeProperties.class)
                .get();
    }

    private static StepExecution uploadStep(long run) {
        JobExecution execution = new JobExecution(run, new JobInstance(run, "nightly-billing"), new JobParameters());
        return new StepExecution(1, UploadStepConfiguration.UPLOAD_METER_EVENTS_STEP, execution);
    }
}
