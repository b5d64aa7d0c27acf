package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.TestH2;
import io.tokentally.rating.UnplannedHours;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Stripe's meter error reports against the fake Stripe, the outbox and findings in an H2 database. */
class StripeMeterErrorsTests {

    private static final Instant NOW = Instant.parse("2026-11-03T06:00:00Z");
    private static final Instant HOUR = Instant.parse("2026-11-02T05:00:00Z");
    private static final String METER = "tokentally_input_usd_micros";

    @TempDir
    java.nio.file.Path dir;

    private JdbcTemplate jdbc;
    private FakeStripe stripe;
    private FindingRepository findings;
    private StripeMeterErrors meterErrors;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        stripe = new FakeStripe(clock).meters(List.of(METER));
        findings = new FindingRepository(jdbc, clock);
        meterErrors = new StripeMeterErrors(
                properties(StripeUploadScenarios.WEBHOOK_SECRET),
                findings,
                jdbc,
                new OutboxRepository(jdbc, new UnplannedHours(jdbc), clock));
        sent("id-1", 12);
        sent("id-2", 12);
        sent("id-3", 11);
    }

    @AfterEach
    void stop() {
        stripe.close();
    }

    @Test
    void isEnabledOnlyWithAWebhookSecret() {
        // when / then
        assertThat(meterErrors.enabled()).isTrue();
        assertThat(new StripeMeterErrors(properties(""), findings, jdbc, null).enabled())
                .isFalse();
    }

    @Test
    void aReportFailsTheRowsItsSamplesNameAndBecomesOneErrorFinding() throws Exception {
        // given: Stripe refused two of the three sent events after accepting them
        String thin = stripe.meterErrorReport(METER, "meter_event_customer_not_found", List.of("id-1", "id-2"));

        // when
        StripeMeterErrors.Outcome outcome = meterErrors.receive(thin, StripeUploadScenarios.sign(thin));

        // then: exactly those rows failed, their hour is planned again, and the finding is of the last run that sent
        assertThat(outcome).isEqualTo(StripeMeterErrors.Outcome.RECORDED);
        assertThat(jdbc.queryForList("SELECT identifier, state, outcome FROM outbox ORDER BY identifier"))
                .extracting(row -> row.get("IDENTIFIER") + " " + row.get("STATE") + " " + row.get("OUTCOME"))
                .containsExactly("id-1 FAILED REJECTED", "id-2 FAILED REJECTED", "id-3 SENT DELIVERED");
        assertThat(jdbc.queryForObject("SELECT last_error FROM outbox WHERE identifier = 'id-1'", String.class))
                .isEqualTo("Stripe refused it after accepting it (v1.billing.meter.error_report_triggered,"
                        + " event evt_test_1): meter_event_customer_not_found x2");
        assertThat(new UnplannedHours(jdbc).read().idsByHour()).containsOnlyKeys(HOUR);
        assertThat(new UnplannedHours(jdbc).read().idsByHour().get(HOUR)).hasSize(2);
        List<Finding> recorded = findings.ofRun(12);
        assertThat(recorded).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("stripe-meter-error:evt_test_1");
            assertThat(finding.kind()).isEqualTo("STRIPE_METER_ERROR");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(finding.message())
                    .startsWith("Stripe reported 2 meter event error(s) on meter mtr_1 between 2026-11-03T05:00:00Z"
                            + " and 2026-11-03T06:00:00Z: meter_event_customer_not_found x2. 2 events failed."
                            + " Sample identifiers: id-1, id-2; 2 outbox row(s) failed;");
            assertThat(Evidence.parse(finding.evidence()))
                    .isEqualTo(Map.of(
                            "numbers",
                            Map.of(
                                    "event_id", "evt_test_1",
                                    "event_type", "v1.billing.meter.error_report_triggered",
                                    "meter", "mtr_1",
                                    "error_count", 2,
                                    "validation_start", "2026-11-03T05:00:00Z",
                                    "validation_end", "2026-11-03T06:00:00Z",
                                    "errors", Map.of("meter_event_customer_not_found", 2),
                                    "sample_identifiers", List.of("id-1", "id-2"),
                                    "outbox_rows_failed", 2),
                            "sources",
                            List.of()));
        });
    }

    @Test
    void aDeliveryNotSignedWithTheSecretIsRefusedAndChangesNothing() throws Exception {
        // given
        String thin = stripe.meterErrorReport(METER, "meter_event_customer_not_found", List.of("id-1"));

        // when
        StripeMeterErrors.Outcome outcome = meterErrors.receive(thin, StripeUploadScenarios.sign(thin + " "));

        // then
        assertThat(outcome).isEqualTo(StripeMeterErrors.Outcome.BAD_SIGNATURE);
        assertThat(stripe.v2EventFetches()).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE state = 'SENT'", Integer.class))
                .isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM finding", Integer.class))
                .isZero();
    }

    @Test
    void anEventOfAnotherTypeIsAcknowledgedWithoutFetchingIt() throws Exception {
        // given
        String thin = stripe.meterErrorReport(METER, "meter_event_customer_not_found", List.of("id-1"))
                .replace("v1.billing.meter.error_report_triggered", "v1.billing.meter.updated");

        // when
        StripeMeterErrors.Outcome outcome = meterErrors.receive(thin, StripeUploadScenarios.sign(thin));

        // then
        assertThat(outcome).isEqualTo(StripeMeterErrors.Outcome.IGNORED);
        assertThat(stripe.v2EventFetches()).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM finding", Integer.class))
                .isZero();
    }

    @Test
    void aSignedSnapshotEventIsAcknowledgedAndAnUnsignedOneRefused() throws Exception {
        // given a whole (snapshot) event, as a destination of snapshot events sends it (it failed with a 500, which
        // Stripe sends again and again)
        String snapshot = "{\"id\": \"evt_1\", \"object\": \"event\", \"type\": \"invoice.paid\","
                + " \"data\": {\"object\": {\"id\": \"in_1\", \"object\": \"invoice\"}}}";

        // when
        StripeMeterErrors.Outcome signed = meterErrors.receive(snapshot, StripeUploadScenarios.sign(snapshot));
        StripeMeterErrors.Outcome unsigned = meterErrors.receive(snapshot, StripeUploadScenarios.sign(snapshot + " "));

        // then
        assertThat(signed).isEqualTo(StripeMeterErrors.Outcome.IGNORED);
        assertThat(unsigned).isEqualTo(StripeMeterErrors.Outcome.BAD_SIGNATURE);
        assertThat(stripe.v2EventFetches()).isZero();
    }

    private StripeProperties properties(String webhookSecret) {
        return new Binder(new MapConfigurationPropertySource(Map.of(
                        "tokentally.stripe.api-key",
                        "sk_test_meter_errors",
                        "tokentally.stripe.api-base",
                        stripe == null ? "http://127.0.0.1:1" : stripe.baseUrl(),
                        "tokentally.stripe.max-network-retries",
                        "0",
                        "tokentally.stripe.webhook-secret",
                        webhookSecret)))
                .bind("tokentally.stripe", StripeProperties.class)
                .get();
    }

    /** A meter event of {@code HOUR} that Stripe accepted in {@code run}. */
    private void sent(String identifier, long run) {
        jdbc.update(
                "INSERT INTO outbox (kind, customer_id, stripe_customer_id, meter, window_start, revision, identifier,"
                        + " idempotency_key, value_micros, event_timestamp, state, created_run, created_at, sent_at,"
                        + " sent_run, outcome) VALUES ('METER_EVENT', ?, 'cus_1', ?, ?, 1, ?, ?, 1500, ?, 'SENT', ?, ?,"
                        + " ?, ?, 'DELIVERED')",
                "acme-" + identifier,
                METER,
                SqlTime.utc(HOUR),
                identifier,
                "tokentally-" + identifier,
                SqlTime.utc(HOUR),
                run,
                SqlTime.utc(NOW),
                SqlTime.utc(NOW),
                run);
    }
}
