package io.tokentally.api;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.tokentally.pricing.PriceApprovals;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.SqlTime;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Price syncs held for approval, over HTTP as {@code prices pending} and {@code prices approve} offer
 * them: plans with {@code price_changes: hold} take an approved sync's changes from the first whole hour after the
 * approval.
 */
@RestController
@Profile("serve")
class PricesController {

    private final PriceApprovals approvals;
    private final PriceRepository prices;
    private final Clock clock;

    PricesController(PriceApprovals approvals, PriceRepository prices, Clock clock) {
        this.approvals = approvals;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * An approval's body: which sync, who approves, and why; {@code unknown}, the body's other fields, is refused (a
     * misspelt feed would be litellm).
     */
    record Approval(
            String feed,
            String effective,
            String by,
            String reason,
            @JsonAnySetter Map<String, Object> unknown) {}

    @GetMapping(path = "/api/prices/pending", produces = MediaType.APPLICATION_JSON_VALUE)
    List<PriceApprovals.Sync> pending() {
        return approvals.pending(prices.findAll());
    }

    @PostMapping(path = "/api/prices/approve", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> approve(@RequestBody Approval body) {
        if (body != null) {
            ApiProblem.refuseUnknownFields(body.unknown(), "feed, effective, by, reason");
        }
        if (body == null
                || body.effective() == null
                || body.by() == null
                || body.by().isBlank()) {
            throw ApiProblem.badRequest(
                    "send {\"feed\": \"litellm\", \"effective\": \"<instant>\", \"by\": \"<who>\", \"reason\": \"<why>\"}");
        }
        try {
            FieldLength.atMost("\"by\"", body.by(), PriceApprovals.MAX_BY);
            FieldLength.atMost("\"reason\"", body.reason(), PriceApprovals.MAX_REASON);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        String feed = body.feed() == null ? "litellm" : body.feed();
        PriceApprovals.Sync sync = new PriceApprovals.Sync(feed, instant(body.effective()));
        if (!pending().contains(sync)) {
            throw ApiProblem.notFound("no price sync of " + feed + " at " + body.effective() + " waits for approval");
        }
        Instant now = clock.instant();
        approvals.approve(sync, now, body.by(), body.reason());
        Map<String, Object> approved = new LinkedHashMap<>();
        approved.put("feed", feed);
        approved.put("effective", sync.effective());
        approved.put("approvedBy", body.by());
        approved.put("approvedAt", now);
        return approved;
    }

    private static Instant instant(String text) {
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("effective is an ISO-8601 instant such as 2026-11-01T00:00:00Z, not " + text);
        }
        if (!SqlTime.isWholeMicros(instant)) {
            throw ApiProblem.badRequest("effective " + text + " " + SqlTime.FINER_THAN_KEPT);
        }
        return instant;
    }
}
