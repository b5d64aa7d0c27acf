package io.tokentally.api;

import io.tokentally.stripe.StripeMeterErrors;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoint of a Stripe event destination for {@code v1.billing.meter.error_report_triggered} and
 * {@code v1.billing.meter.no_meter_found}. Stripe cannot send a bearer token: the delivery is
 * authenticated by its {@code Stripe-Signature} instead, checked against
 * {@code tokentally.stripe.webhook-secret}.
 */
@RestController
@Profile("serve")
class StripeEventsController {

    static final String PATH = "/api/stripe/events";
    /** Far above a meter error event (a few kilobytes with its samples). */
    static final int MAX_PAYLOAD_BYTES = 1 << 20;

    private final StripeMeterErrors meterErrors;

    StripeEventsController(StripeMeterErrors meterErrors) {
        this.meterErrors = meterErrors;
    }

    @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> receive(
            HttpServletRequest request, @RequestHeader(name = "Stripe-Signature", required = false) String signature)
            throws IOException {
        if (!meterErrors.enabled()) {
            throw ApiProblem.notFound("Stripe events are not received: set tokentally.stripe.webhook-secret");
        }
        if (signature == null) {
            throw ApiProblem.badRequest("a Stripe event delivery carries a Stripe-Signature header");
        }
        String payload = payload(request);
        try {
            StripeMeterErrors.Outcome outcome = meterErrors.receive(payload, signature);
            if (outcome == StripeMeterErrors.Outcome.BAD_SIGNATURE) {
                throw ApiProblem.badRequest("the Stripe-Signature does not match tokentally.stripe.webhook-secret");
            }
            return ResponseEntity.ok(Map.of("outcome", outcome.name()));
        } catch (StripeMeterErrors.FetchFailed e) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", e.getMessage()));
        }
    }

    /**
     * The delivery's body, read only up to {@link #MAX_PAYLOAD_BYTES}: the route takes no token, so anyone can post
     * to it, and nothing is kept of a body before its signature is checked.
     */
    private static String payload(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_PAYLOAD_BYTES) {
            throw tooLarge();
        }
        byte[] body = request.getInputStream().readNBytes(MAX_PAYLOAD_BYTES + 1);
        if (body.length > MAX_PAYLOAD_BYTES) {
            throw tooLarge();
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static ApiProblem tooLarge() {
        return ApiProblem.tooLarge("a Stripe event delivery is at most " + MAX_PAYLOAD_BYTES + " bytes");
    }
}
