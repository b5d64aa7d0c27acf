package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tokentally.TestH2;
import io.tokentally.shared.SqlTime;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** The threshold webhook against an embedded HTTP server, its notices in an H2 database. */
class ThresholdWebhookTests {

    private static final Instant NOW = Instant.parse("2026-11-03T06:00:00Z");
    private static final Finding LOW_BALANCE = new Finding(
            "low-balance:acme:2026-11-01T00:00:00Z", "LOW_BALANCE", Finding.Severity.WARNING, "acme has $4.50 left");

    @TempDir
    Path dir;

    private JdbcTemplate jdbc;
    private JdbcDataSource dataSource;
    private FindingRepository findings;
    private HttpServer server;
    private volatile int status = 204;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dataSource = TestH2.fileDatabase(dir);
        TestH2.flyway(dataSource, "latest").migrate();
        jdbc = new JdbcTemplate(dataSource);
        findings = new FindingRepository(jdbc, Clock.fixed(NOW, ZoneOffset.UTC));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void withoutAUrlNothingIsQueuedOrSent() {
        // given
        ThresholdWebhook webhook = webhook(null);

        // when
        ThresholdWebhook.Outcome outcome = webhook.deliver(List.of(crossing()), 7);

        // then
        assertThat(outcome).isEqualTo(new ThresholdWebhook.Outcome(0, 0));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM threshold_notice", Integer.class))
                .isZero();
    }

    @Test
    void postsAFindingOnceAndNotAgainWhenTheSameThresholdIsSeenOnALaterNight() {
        // given
        ThresholdWebhook webhook = webhook(hookUrl());

        // when
        ThresholdWebhook.Outcome first = webhook.deliver(List.of(crossing()), 7);
        ThresholdWebhook.Outcome later = webhook.deliver(List.of(crossing()), 8);

        // then
        assertThat(first).isEqualTo(new ThresholdWebhook.Outcome(1, 0));
        assertThat(later).isEqualTo(new ThresholdWebhook.Outcome(0, 0));
        assertThat(bodies)
                .containsExactly("{\"event\":\"threshold_crossed\",\"finding_key\":\"" + LOW_BALANCE.key()
                        + "\",\"kind\":\"LOW_BALANCE\",\"customer_id\":\"acme\",\"message\":\"acme has $4.50 left\","
                        + "\"run\":7}");
        assertThat(idempotencyKeys).containsExactly("tokentally-threshold-" + LOW_BALANCE.key());
        Map<String, Object> notice = notice();
        assertThat(notice.get("STATE")).isEqualTo("SENT");
        assertThat(((Number) notice.get("ATTEMPTS")).intValue()).isEqualTo(1);
        assertThat(((Number) notice.get("FIRST_RUN")).longValue()).isEqualTo(7);
        Instant sentAt =
                jdbc.queryForObject("SELECT sent_at FROM threshold_notice", (rs, n) -> SqlTime.read(rs, "sent_at"));
        assertThat(sentAt).isEqualTo(NOW);
    }

    @Test
    void aRefusedCallIsAWarningAndALaterRunSendsTheStoredMessage() {
        // given: the finding as the run recorded it, and a webhook that answers 500
        findings.record(LOW_BALANCE, 7);
        ThresholdWebhook webhook = webhook(hookUrl());
        status = 500;

        // when
        ThresholdWebhook.Outcome refused = webhook.deliver(List.of(crossing()), 7);

        // then
        assertThat(refused).isEqualTo(new ThresholdWebhook.Outcome(0, 1));
        Map<String, Object> notice = notice();
        assertThat(notice.get("STATE")).isEqualTo("FAILED");
        assertThat(((Number) notice.get("LAST_STATUS")).intValue()).isEqualTo(500);
        assertThat(notice.get("LAST_ERROR")).isEqualTo("HTTP 500");
        assertThat(findings.ofRun(7))
                .filteredOn(finding -> finding.kind().equals(ThresholdWebhook.FAILED_KIND))
                .singleElement()
                .satisfies(finding -> {
                    assertThat(finding.key()).isEqualTo("THRESHOLD_WEBHOOK_FAILED:" + LOW_BALANCE.key());
                    assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
                    assertThat(finding.message())
                            .isEqualTo("the threshold webhook (127.0.0.1) did not take finding " + LOW_BALANCE.key()
                                    + ": HTTP 500; later runs try again up to 2 attempts in all");
                });

        // when: the next run has no crossings of its own and the webhook is back
        status = 200;
        ThresholdWebhook.Outcome retried = webhook.deliver(List.of(), 8);

        // then: the message comes from the finding table
        assertThat(retried).isEqualTo(new ThresholdWebhook.Outcome(1, 0));
        assertThat(bodies.get(1))
                .contains("\"message\":\"acme has $4.50 left\"")
                .contains("\"run\":8");
        assertThat(((Number) notice().get("ATTEMPTS")).intValue()).isEqualTo(2);
    }

    @Test
    void stopsTryingAfterTheMaximumAttempts() {
        // given: two refused attempts, the maximum
        ThresholdWebhook webhook = webhook(hookUrl());
        status = 503;
        webhook.deliver(List.of(crossing()), 7);
        webhook.deliver(List.of(crossing()), 8);

        // when
        ThresholdWebhook.Outcome third = webhook.deliver(List.of(crossing()), 9);

        // then
        assertThat(third).isEqualTo(new ThresholdWebhook.Outcome(0, 0));
        assertThat(bodies).hasSize(2);
        assertThat(((Number) notice().get("ATTEMPTS")).intValue()).isEqualTo(2);
    }

    private ThresholdWebhook webhook(URI url) {
        BalanceProperties properties = new BalanceProperties(
                BigDecimal.ZERO, new BigDecimal("5"), List.of(80, 100), url, 2, Duration.ofSeconds(5), null);
        return new ThresholdWebhook(jdbc, properties, findings, Clock.fixed(NOW, ZoneOffset.UTC), dataSource);
    }

    private URI hookUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private static ThresholdWebhook.Crossing crossing() {
        return new ThresholdWebhook.Crossing("acme", LOW_BALANCE);
    }

    private Map<String, Object> notice() {
        return jdbc.queryForMap(
                "SELECT state, attempts, first_run, last_status, last_error FROM threshold_notice WHERE finding_key = ?",
                LOW_BALANCE.key());
    }
}
