package io.tokentally.stripe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.infrastructure.item.Chunk;
import tools.jackson.databind.json.JsonMapper;

/**
 * A dry run's requests file: the exact request a live run would send for each row, one JSON line each. A row an
 * earlier live call sent without an answer that settles it says what a live run does first ({@code live_run}).
 */
final class DryRunRequests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OutboxGrants outboxGrants;
    private final Path file;
    private final Clock clock;
    private final Duration resendWithin;

    DryRunRequests(OutboxGrants outboxGrants, Path file, Clock clock, Duration resendWithin) {
        this.outboxGrants = outboxGrants;
        this.file = file;
        this.clock = clock;
        this.resendWithin = resendWithin;
    }

    void write(Chunk<? extends OutboxRow> chunk) throws IOException {
        Files.createDirectories(file.getParent());
        Instant dedupStart = Instant.now(clock).minus(resendWithin);
        try (BufferedWriter out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (OutboxRow row : chunk) {
                StripeRequest request = StripeRequest.of(withGrantPlaceholder(row));
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("method", request.method());
                line.put("path", request.path());
                line.put("idempotency_key", request.idempotencyKey());
                line.put("form", request.form());
                boolean ended = row.kind() == OutboxRow.Kind.CREDIT_GRANT
                        && row.unsettledAt(dedupStart)
                        && outboxGrants.ended(row);
                String liveRun = liveRun(row, dedupStart, ended);
                if (liveRun != null) {
                    line.put("live_run", liveRun);
                }
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
    }

    /**
     * What a live run does first with a row an earlier live call sent without an answer that settles it, as {@link
     * OutboxItemWriter} decides; null for a row never sent.
     *
     * @param dedupStart the start of Stripe's dedup window
     * @param ended whether a void or expire row ends this grant create
     */
    static String liveRun(OutboxRow row, Instant dedupStart, boolean ended) {
        if (row.inFlightAt() == null && row.state() != OutboxRow.State.UNCERTAIN) {
            return null;
        }
        String sent = "sent at " + row.inFlightAt() + " without an answer that settles it; a live run ";
        if (!row.unsettledAt(dedupStart)) {
            return sent + "resends it with the same idempotency key, which Stripe still dedups";
        }
        if (row.kind() == OutboxRow.Kind.METER_EVENT) {
            return sent + "leaves it UPLOAD_UNCERTAIN for a person: Stripe no longer dedups it";
        }
        if (ended) {
            return sent + "leaves it to the void or expire that ends it, which asks Stripe whether it arrived: it ends"
                    + " the grant Stripe holds, or sends nothing if there is none";
        }
        return sent + "asks Stripe whether it arrived and sends it only if not";
    }

    /** A void or expire row names the grant it ends by its Stripe id, or else by its create's identifier. */
    private OutboxRow withGrantPlaceholder(OutboxRow row) {
        if (!row.endsAGrant()) {
            return row;
        }
        OutboxRow create = outboxGrants.createEndedBy(row);
        if (create == null) {
            return row.endingGrant("{no grant to end}");
        }
        String id = create.grant().stripeGrantId();
        return row.endingGrant(id != null ? id : "{grant of " + create.identifier() + "}");
    }
}
