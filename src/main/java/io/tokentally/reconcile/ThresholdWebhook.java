package io.tokentally.reconcile;

import io.tokentally.shared.SqlDialect;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.StorableText;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs each threshold finding once to {@code tokentally.balances.webhook-url}: a delivery is kept per
 * finding key in {@code threshold_notice}, so the same threshold seen again on later nights is not sent
 * again. A call that fails (connection error or a non-2xx answer) is logged, kept with its error and
 * recorded as a {@code THRESHOLD_WEBHOOK_FAILED} warning; later runs try again up to
 * {@code webhook-max-attempts}. A webhook never fails the run.
 */
@Component
public class ThresholdWebhook {

    static final String FAILED_KIND = "THRESHOLD_WEBHOOK_FAILED";
    private static final Logger log = LoggerFactory.getLogger(ThresholdWebhook.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> COLUMNS =
            List.of("finding_key", "customer_id", "kind", "state", "attempts", "first_run");

    private final JdbcTemplate jdbc;
    private final BalanceProperties properties;
    private final FindingRepository findings;
    private final Clock clock;
    private final String insertNotice;
    private final HttpClient http;

    ThresholdWebhook(
            JdbcTemplate jdbc,
            BalanceProperties properties,
            FindingRepository findings,
            Clock clock,
            DataSource dataSource) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.findings = findings;
        this.clock = clock;
        this.insertNotice =
                SqlDialect.of(dataSource).insertIfAbsent("threshold_notice", COLUMNS, List.of("finding_key"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.webhookTimeout())
                .build();
    }

    /** A threshold finding of one customer. */
    public record Crossing(String customerId, Finding finding) {}

    /** What one run's deliveries came to. */
    public record Outcome(int sent, int failed) {}

    /** Queues the run's threshold findings not seen before and delivers every undelivered one. */
    public Outcome deliver(List<Crossing> crossings, long run) {
        if (properties.webhookUrl() == null) {
            return new Outcome(0, 0);
        }
        queue(crossings, run);
        Map<String, Crossing> byKey = new LinkedHashMap<>();
        crossings.forEach(crossing -> byKey.put(crossing.finding().key(), crossing));
        int sent = 0;
        int failed = 0;
        for (Map<String, Object> notice : jdbc.queryForList(
                "SELECT finding_key, customer_id, kind, attempts FROM threshold_notice"
                        + " WHERE state <> 'SENT' AND attempts < ? ORDER BY finding_key",
                properties.webhookMaxAttempts())) {
            String key = (String) notice.get("finding_key");
            Crossing crossing = byKey.get(key);
            String message = crossing != null ? crossing.finding().message() : storedMessage(key);
            if (post(key, (String) notice.get("customer_id"), (String) notice.get("kind"), message, run)) {
                sent++;
            } else {
                failed++;
            }
        }
        return new Outcome(sent, failed);
    }

    /** Adds a pending notice for each crossing that has none yet. */
    private void queue(List<Crossing> crossings, long run) {
        for (Crossing crossing : crossings) {
            List<Object> parameters = new ArrayList<>(List.of(
                    crossing.finding().key(),
                    crossing.customerId(),
                    crossing.finding().kind(),
                    "PENDING",
                    0,
                    run));
            jdbc.update(insertNotice, parameters.toArray());
        }
    }

    /** POSTs one notice, keeps the attempt's outcome and records a failure; true when the webhook took it. */
    private boolean post(String key, String customerId, String kind, String message, long run) {
        HttpRequest request = request(key, customerId, kind, message, run);
        Instant now = Instant.now(clock);
        Attempt attempt = send(request);
        recordAttempt(key, attempt, now);
        if (attempt.error() != null) {
            recordFailure(key, attempt.error(), run);
        }
        return attempt.error() == null;
    }

    /**
     * What one POST came to.
     *
     * @param status the HTTP status, null when there was no answer
     * @param error why the webhook did not take the notice, null when it did
     */
    private record Attempt(Integer status, String error) {}

    /** The {@code threshold_crossed} POST of one notice, idempotent on its finding key. */
    private HttpRequest request(String key, String customerId, String kind, String message, long run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "threshold_crossed");
        body.put("finding_key", key);
        body.put("kind", kind);
        body.put("customer_id", customerId);
        body.put("message", message);
        body.put("run", run);
        return HttpRequest.newBuilder(properties.webhookUrl())
                .timeout(properties.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "tokentally-threshold-" + key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    /** Sends the request: a non-2xx answer, a connection error or an interruption is the attempt's error. */
    private Attempt send(HttpRequest request) {
        Integer status = null;
        String error;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            error = status / 100 == 2 ? null : "HTTP " + status;
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        return new Attempt(status, error);
    }

    /** Keeps the attempt on the notice: SENT or FAILED, one more attempt, its status and error. */
    private void recordAttempt(String key, Attempt attempt, Instant now) {
        String error = attempt.error();
        jdbc.update(
                "UPDATE threshold_notice SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?,"
                        + " last_attempt_at = ?, sent_at = ? WHERE finding_key = ?",
                error == null ? "SENT" : "FAILED",
                attempt.status(),
                StorableText.cut(error, 1000),
                SqlTime.utc(now),
                error == null ? SqlTime.utc(now) : null,
                key);
    }

    /** Logs a notice the webhook did not take and records it as a {@code THRESHOLD_WEBHOOK_FAILED} warning. */
    private void recordFailure(String key, String error, long run) {
        log.warn(
                "Threshold webhook {} did not take finding {}: {}",
                properties.webhookUrl().getHost(),
                key,
                error);
        findings.record(
                new Finding(
                        FAILED_KIND + ":" + key,
                        FAILED_KIND,
                        Finding.Severity.WARNING,
                        "the threshold webhook (" + properties.webhookUrl().getHost() + ") did not take finding "
                                + key + ": " + error + "; later runs try again up to "
                                + properties.webhookMaxAttempts() + " attempts in all"),
                run);
    }

    private String storedMessage(String key) {
        return jdbc.queryForList("SELECT message FROM finding WHERE finding_key = ?", String.class, key).stream()
                .findFirst()
                .orElse("");
    }
}
