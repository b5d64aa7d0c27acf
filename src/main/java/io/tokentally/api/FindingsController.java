package io.tokentally.api;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.tokentally.reconcile.FindingRepository;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Profile;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Findings over HTTP, as {@code tokentally findings} offers them on the command line: list by status,
 * acknowledge, resolve. Keys go in the body, not the path: they hold slashes (model ids).
 */
@RestController
@Profile("serve")
class FindingsController {

    private final FindingRepository findings;

    FindingsController(FindingRepository findings) {
        this.findings = findings;
    }

    /** The body of acknowledge and resolve: the finding's stable key; {@code unknown}, its other fields, is refused. */
    record FindingKey(String key, @JsonAnySetter Map<String, Object> unknown) {}

    @GetMapping(path = "/api/findings", produces = MediaType.APPLICATION_JSON_VALUE)
    List<FindingRepository.Stored> list(@RequestParam(defaultValue = "open") String status) {
        String filter = status.toUpperCase(Locale.ROOT);
        if (filter.equals("ALL")) {
            return findings.list(null);
        }
        if (!List.of("OPEN", "ACKNOWLEDGED", "RESOLVED").contains(filter)) {
            throw ApiProblem.badRequest("status is open, acknowledged, resolved or all, not " + status);
        }
        return findings.list(filter);
    }

    @PostMapping(path = "/api/findings/acknowledge", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> acknowledge(@RequestBody FindingKey body) {
        return setStatus(body, "ACKNOWLEDGED");
    }

    @PostMapping(path = "/api/findings/resolve", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, String> resolve(@RequestBody FindingKey body) {
        return setStatus(body, "RESOLVED");
    }

    private Map<String, String> setStatus(FindingKey body, String status) {
        if (body != null) {
            ApiProblem.refuseUnknownFields(body.unknown(), "key");
        }
        if (body == null || body.key() == null || body.key().isBlank()) {
            throw ApiProblem.badRequest("send {\"key\": \"<finding key>\"}, as GET /api/findings lists it");
        }
        if (!findings.setStatus(body.key(), status)) {
            throw ApiProblem.notFound("no finding with key " + body.key());
        }
        return Map.of("key", body.key(), "status", status);
    }
}
