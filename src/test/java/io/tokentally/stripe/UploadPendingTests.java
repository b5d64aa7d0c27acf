package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.FindingRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A row the upload leaves pending after calls that may have reached Stripe is a warning that says by when a run must
 * send it, so that it is not left to become {@code UPLOAD_UNCERTAIN}; the run that sends it resolves the warning.
 */
class UploadPendingTests {

    static final long RUN = 7;

    @TempDir
    Path dir;

    FakeStripe stripe;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    JdbcDataSource dataSource;
    JdbcTemplate jdbc;
    OutboxRepository outbox;
    OutboxItemWriter writer;

    @BeforeEach
    void start() throws Exception {
        dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        Clock clock = Clock.fixed(OutboxClaimsTests.FIRST, ZoneOffset.UTC);
        outbox = new OutboxRepository(jdbc, new UnplannedHours(jdbc), clock);
        OutboxClaimsTests.insertPendingRow(jdbc);
        stripe = new FakeStripe(clock);
        stripe.customers("cus_acme").meters(List.of("tokentally_usd"));
        writer = writer(clock);
    }

    private OutboxItemWriter writer(Clock clock) {
        return new OutboxItemWriter(
                outbox,
                new OutboxGrants(jdbc),
                new FindingRepository(jdbc, clock),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                StripeSenderTests.sender(stripe.baseUrl()),
                dir.resolve("stripe-requests.jsonl"),
                clock,
                Duration.ofHours(23),
                RUN,
                executor);
    }

    @AfterEach
    void stop() {
        stripe.close();
        executor.shutdownNow();
    }

    @Test
    void aRowLeftPendingAfterCallsThatMayHaveArrivedIsAWarningUntilARunSendsIt() throws Exception {
        // given: every request of the row's three attempts answered 500
        stripe.inject(FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR);

        // when
        writer.write(new Chunk<>(outbox.unsent()));

        // then
        assertThat(finding())
                .isEqualTo("ERROR OPEN customer acme, tokentally_usd, window 2026-11-27T10:00:00Z, value 1500"
                        + " micro-USD: tt-1 was left pending after 500 Injected server error, which may have reached"
                        + " Stripe; a run that sends it before 2026-11-29T00:30:00.000001Z resends it safely with the"
                        + " same identifier (tokentally.stripe.resend-within-hours after its first call,"
                        + " 2026-11-28T01:30:00.000001Z); after that it becomes UPLOAD_UNCERTAIN, to be checked in"
                        + " Stripe by hand");

        // and when the next send delivers it
        writer.write(new Chunk<>(outbox.unsent()));

        // then
        assertThat(stripe.events()).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT state FROM outbox", String.class))
                .isEqualTo("SENT");
        assertThat(finding()).startsWith("ERROR RESOLVED ");
    }

    @Test
    void aPendingRowLeftPastTheResendWindowIsUncertainAndNoLongerPending() throws Exception {
        // given: a row left pending after 500s
        stripe.inject(FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR, FakeStripe.Fault.SERVER_ERROR);
        writer.write(new Chunk<>(outbox.unsent()));

        // when: the next send comes a day later
        writer(Clock.fixed(OutboxClaimsTests.FIRST.plus(Duration.ofDays(1)), ZoneOffset.UTC))
                .write(new Chunk<>(outbox.unsent()));

        // then
        assertThat(jdbc.queryForObject("SELECT state FROM outbox", String.class))
                .isEqualTo("UNCERTAIN");
        assertThat(finding()).startsWith("ERROR RESOLVED ");
        assertThat(stripe.events()).isEmpty();
    }

    private String finding() {
        return jdbc.queryForObject(
                "SELECT severity || ' ' || status || ' ' || message FROM finding WHERE finding_key = ?",
                String.class,
                "UPLOAD_PENDING:tt-1");
    }
}
