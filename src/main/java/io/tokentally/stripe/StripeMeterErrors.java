package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.exception.StripeException;
import com.stripe.model.v2.core.EventNotification;
import com.stripe.net.ApiResource;
import com.stripe.net.Webhook;
import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe's asynchronous meter errors, delivered by an event destination: meter events Stripe accepted
 * and then refused (customer not found, timestamp too old, no such meter). Each report becomes a finding
 * keyed by the event id (a redelivery is the same finding), and the outbox rows its sample errors name
 * are marked failed, so the outbox no longer counts them as sent and a rerun of their day plans
 * their value again as a new revision.
 */
@Component
public class StripeMeterErrors {

    /** What became of a delivered event. */
    public enum Outcome {
        RECORDED,
        /** Another event type: acknowledged, nothing to do. */
        IGNORED,
        /** Not signed with the configured secret: nothing was read or recorded. */
        BAD_SIGNATURE
    }

    /** Stripe could not be asked for the full event; the delivery should be retried. */
    public static final class FetchFailed extends RuntimeException {
        FetchFailed(String eventId, StripeException cause) {
            super("could not fetch Stripe event " + eventId + ": " + cause.getMessage(), cause);
        }
    }

    static final Set<String> METER_ERROR_TYPES =
            Set.of("v1.billing.meter.error_report_triggered", "v1.billing.meter.no_meter_found");

    private static final Logger log = LoggerFactory.getLogger(StripeMeterErrors.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StripeProperties properties;
    private final FindingRepository findings;
    private final JdbcTemplate jdbc;
    private final OutboxRepository outbox;

    public StripeMeterErrors(
            StripeProperties properties, FindingRepository findings, JdbcTemplate jdbc, OutboxRepository outbox) {
        this.properties = properties;
        this.findings = findings;
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** True when {@code tokentally.stripe.webhook-secret} is set, so deliveries can be verified. */
    public boolean enabled() {
        return properties.webhookSecret() != null && !properties.webhookSecret().isBlank();
    }

    /**
     * Verifies the delivery's signature, fetches the full event from Stripe and records it.
     *
     * @throws FetchFailed when Stripe did not serve the full event
     */
    @Transactional
    public Outcome receive(String payload, String signature) {
        StripeClient client = StripeClients.of(properties);
        EventNotification notification;
        try {
            notification = client.parseEventNotification(payload, signature, properties.webhookSecret());
        } catch (SignatureVerificationException e) {
            return refusedSignature();
        } catch (IllegalArgumentException snapshot) {
            return snapshotEvent(payload, signature);
        }
        if (!METER_ERROR_TYPES.contains(notification.getType())) {
            log.info("Stripe event {} of type {} ignored", notification.getId(), notification.getType());
            return Outcome.IGNORED;
        }
        String body;
        try {
            body = client.rawRequest(ApiResource.RequestMethod.GET, "/v2/core/events/" + notification.getId(), null)
                    .body();
        } catch (StripeException e) {
            throw new FetchFailed(notification.getId(), e);
        }
        record(notification.getId(), notification.getType(), JSON.readTree(body));
        return Outcome.RECORDED;
    }

    private static Outcome refusedSignature() {
        log.warn("A Stripe event delivery whose signature does not match was refused");
        return Outcome.BAD_SIGNATURE;
    }

    /**
     * A snapshot event (an event destination that sends whole events, not thin ones): ignored once its signature is
     * checked, as no meter error is one, and answered 200 so that Stripe does not send it again and again.
     */
    private Outcome snapshotEvent(String payload, String signature) {
        try {
            Webhook.Signature.verifyHeader(payload, signature, properties.webhookSecret(), Webhook.DEFAULT_TOLERANCE);
        } catch (SignatureVerificationException e) {
            return refusedSignature();
        }
        log.warn("A Stripe snapshot event was ignored: meter errors come as thin events, so the event destination"
                + " sending to this endpoint should send thin events");
        return Outcome.IGNORED;
    }

    private void record(String eventId, String type, JsonNode event) {
        JsonNode data = event.path("data");
        String meter = event.path("related_object").path("id").asString("");
        ErrorSamples samples = ErrorSamples.of(data);
        String error = "Stripe refused it after accepting it (" + type + ", event " + eventId + "): "
                + String.join(", ", samples.codes());
        int failed = 0;
        for (String identifier : samples.identifiers()) {
            failed += outbox.markRefusedAfterAcceptance(identifier, error);
        }
        Long run = jdbc.queryForObject("SELECT COALESCE(MAX(sent_run), 0) FROM outbox", Long.class);
        String message = findingMessage(data, meter, samples, failed);
        findings.record(
                new Finding(
                        "stripe-meter-error:" + eventId,
                        "STRIPE_METER_ERROR",
                        Finding.Severity.ERROR,
                        message,
                        evidence(eventId, type, data, meter, samples, failed)),
                run);
        log.warn("Stripe meter error report {}: {} outbox row(s) marked failed", eventId, failed);
    }

    /** The report's numbers, as the message gives them: the event, the errors and the outbox rows they failed. */
    private static Evidence evidence(
            String eventId, String type, JsonNode data, String meter, ErrorSamples samples, int failed) {
        return new Evidence()
                .number("event_id", eventId)
                .number("event_type", type)
                .number("meter", meter.isEmpty() ? null : meter)
                .number("error_count", data.path("reason").path("error_count").asLong())
                .number("validation_start", data.path("validation_start").asString(null))
                .number("validation_end", data.path("validation_end").asString(null))
                .number("errors", samples.counts())
                .number("sample_identifiers", List.copyOf(samples.identifiers()))
                .number("outbox_rows_failed", failed);
    }

    private static String findingMessage(JsonNode data, String meter, ErrorSamples samples, int failed) {
        List<String> codes = samples.codes();
        Set<String> identifiers = samples.identifiers();
        return "Stripe reported " + data.path("reason").path("error_count").asLong() + " meter event error(s)"
                + (meter.isEmpty() ? "" : " on meter " + meter) + " between "
                + data.path("validation_start").asString("?") + " and "
                + data.path("validation_end").asString("?")
                + ": " + String.join(", ", codes) + ". "
                + data.path("developer_message_summary").asString("")
                + ". Sample identifiers: " + String.join(", ", identifiers) + "; " + failed
                + " outbox row(s) failed; the next run of a day in their billing period sends their value"
                + " again as a new revision (it fails again until the cause is fixed). Errors without a"
                + " sample identifier are not matched to rows.";
    }

    /**
     * A report's error codes with their counts ({@code code xN} in {@link #codes}, in {@code counts} as numbers) and
     * the identifiers its sample errors name.
     */
    private record ErrorSamples(Map<String, Long> counts, Set<String> identifiers) {

        static ErrorSamples of(JsonNode data) {
            Map<String, Long> counts = new LinkedHashMap<>();
            Set<String> identifiers = new LinkedHashSet<>();
            for (JsonNode errorType : data.path("reason").path("error_types")) {
                counts.merge(
                        errorType.path("code").asString("?"),
                        errorType.path("error_count").asLong(),
                        Long::sum);
                for (JsonNode sample : errorType.path("sample_errors")) {
                    String identifier =
                            sample.path("request").path("identifier").asString("");
                    if (!identifier.isEmpty()) {
                        identifiers.add(identifier);
                    }
                }
            }
            return new ErrorSamples(counts, identifiers);
        }

        List<String> codes() {
            List<String> codes = new ArrayList<>();
            counts.forEach((code, count) -> codes.add(code + " x" + count));
            return codes;
        }
    }
}
