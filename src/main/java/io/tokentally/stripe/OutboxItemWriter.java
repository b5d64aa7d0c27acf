package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox rows, or in a dry run writes the requests it would send. Live, each row is marked in
 * flight and committed before its call, and marked sent (or failed) and committed after Stripe's
 * answer; a row found in flight (a crash between the two) is resent with the same identifier and
 * idempotency key while Stripe still dedups them, and is otherwise left for a person to check.
 */
class OutboxItemWriter implements ItemWriter<OutboxRow> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OutboxRepository outbox;
    private final FindingRepository findings;
    private final TransactionTemplate ownTransaction;
    private final StripeSender sender;
    private final Path dryRunFile;
    private final Clock clock;
    private final Duration resendWithin;
    private final long run;
    private final ExecutorService executor;

    /**
     * @param sender null for a dry run, which then writes {@code dryRunFile}
     * @param executor sends different customers' and meters' rows in parallel; one customer and meter's
     *     rows always one after the other, so at most one call per customer and meter is in flight
     */
    OutboxItemWriter(
            OutboxRepository outbox,
            FindingRepository findings,
            TransactionTemplate ownTransaction,
            StripeSender sender,
            Path dryRunFile,
            Clock clock,
            Duration resendWithin,
            long run,
            ExecutorService executor) {
        this.outbox = outbox;
        this.findings = findings;
        this.ownTransaction = ownTransaction;
        this.sender = sender;
        this.dryRunFile = dryRunFile;
        this.clock = clock;
        this.resendWithin = resendWithin;
        this.run = run;
        this.executor = executor;
    }

    @Override
    public void write(Chunk<? extends OutboxRow> chunk) throws Exception {
        if (sender == null) {
            writeDryRun(chunk);
            return;
        }
        Map<String, List<OutboxRow>> byCustomerAndMeter = new LinkedHashMap<>();
        for (OutboxRow row : chunk) {
            byCustomerAndMeter
                    .computeIfAbsent(row.customerId() + '\u0000' + row.meter(), key -> new ArrayList<>())
                    .add(row);
        }
        List<Future<?>> sending = new ArrayList<>();
        for (List<OutboxRow> rows : byCustomerAndMeter.values()) {
            sending.add(executor.submit(() -> {
                for (OutboxRow row : rows) {
                    send(row);
                }
                return null;
            }));
        }
        for (Future<?> future : sending) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Sends one row: claimed in flight in its own transaction, then Stripe's answer kept in another. */
    private void send(OutboxRow planned) throws InterruptedException {
        OutboxRow row = planned.endsAGrant() ? withEndedGrantId(planned) : planned;
        if (row == null) {
            return;
        }
        // A row once sent (even if the answer was an error, which may hide an accepted call) is only
        // resent while Stripe still dedups its identifier, or once Stripe shows that it did not arrive.
        if (row.inFlightAt() != null
                && row.inFlightAt().isBefore(Instant.now(clock).minus(resendWithin))
                && !notInStripe(row)) {
            return;
        }
        boolean[] claimed = new boolean[1];
        Instant claimedAt = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        inOwnTransaction(() -> claimed[0] = outbox.markInFlight(row.outboxId(), claimedAt, run));
        if (!claimed[0]) {
            return;
        }
        StripeSender.Result result = sender.send(row);
        inOwnTransaction(() -> recordResult(row, result, claimedAt));
    }

    /**
     * Settles a row in flight for longer than Stripe keeps identifiers, unless Stripe shows that it did not arrive.
     * Stripe can show that of a credit grant row ({@link StripeCreditGrants#find}): one that arrived is marked sent;
     * one that did not is no longer in flight, to be sent as new. A meter event or invoice item, or a grant row when
     * Stripe cannot be asked, is left to a person, with a finding.
     *
     * @return whether the row is to be sent
     */
    private boolean notInStripe(OutboxRow row) throws InterruptedException {
        if (!row.isCreditGrant()) {
            markUncertain(row, "check in Stripe whether " + row.identifier() + " arrived before resending");
            return false;
        }
        Optional<String> grantId;
        try {
            grantId = sender.grantArrived(row, Instant.now(clock));
        } catch (StripeException e) {
            markUncertain(row, "Stripe could not be asked whether it arrived (" + e.getMessage() + "); " + check(row));
            return false;
        }
        if (grantId.isPresent()) {
            inOwnTransaction(() -> {
                outbox.markSent(row.outboxId(), "FOUND_IN_STRIPE", run, grantId.get());
                findings.resolve(pendingKey(row), run);
            });
            return false;
        }
        inOwnTransaction(() -> outbox.markNotArrived(row.outboxId()));
        return true;
    }

    /** What a person checks in Stripe of a credit grant row whose arrival the engine could not learn. */
    private static String check(OutboxRow row) {
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT) {
            return "check whether a credit grant of " + row.stripeCustomerId() + " has " + row.identifier()
                    + " as its metadata's " + StripeCreditGrants.IDENTIFIER + " before resending; a later run asks"
                    + " Stripe again if the row's grant must end";
        }
        return "check whether " + row.grant().stripeGrantId() + " is "
                + (row.kind() == OutboxRow.Kind.CREDIT_GRANT_VOID ? "voided" : "expired") + " before resending";
    }

    /** Leaves a row in flight for longer than Stripe keeps identifiers to a person, with a finding. */
    private void markUncertain(OutboxRow row, String check) {
        String reason = "first sent at " + row.inFlightAt() + " without an answer kept, longer ago than Stripe keeps"
                + " identifiers; " + check;
        inOwnTransaction(() -> {
            outbox.markUncertain(row.outboxId(), reason, run);
            findings.record(finding(row, "UPLOAD_UNCERTAIN", reason), run);
            findings.resolve(pendingKey(row), run);
        });
    }

    /**
     * A row left pending after calls that may have reached Stripe (a 5xx, a timeout, a dropped connection): a run
     * that sends it before Stripe forgets its identifier resends it safely, a later one leaves it {@code
     * UPLOAD_UNCERTAIN}. The error says by when, so that a run of the date can be started in time; the send that
     * settles the row resolves it.
     *
     * @param firstCall the row's first call that may have reached Stripe
     */
    private Finding pendingFinding(OutboxRow row, String message, Instant firstCall) {
        return finding(
                row,
                "UPLOAD_PENDING",
                row.identifier() + " was left pending after " + message + ", which may have reached Stripe; a run"
                        + " that sends it before " + firstCall.plus(resendWithin) + " resends it safely with the same"
                        + " identifier (tokentally.stripe.resend-within-hours after its first call, " + firstCall
                        + "); after that "
                        + (row.isCreditGrant()
                                ? "a run asks Stripe whether it arrived"
                                : "it becomes UPLOAD_UNCERTAIN, to be checked in Stripe by hand"));
    }

    private static String pendingKey(OutboxRow row) {
        return "UPLOAD_PENDING:" + row.identifier();
    }

    /**
     * Keeps Stripe's answer on the row (called inside the transaction that commits it): sent, failed or later.
     *
     * @param claimedAt the time this send claimed the row at
     */
    private void recordResult(OutboxRow row, StripeSender.Result result, Instant claimedAt) {
        outbox.addRetries(row.outboxId(), result.retries());
        if (result.outcome() != StripeSender.Outcome.GAVE_UP) {
            findings.resolve(pendingKey(row), run);
        }
        switch (result.outcome()) {
            case DELIVERED -> outbox.markSent(row.outboxId(), "DELIVERED", run, result.objectId());
            case ALREADY_DELIVERED -> outbox.markSent(row.outboxId(), "ALREADY_DELIVERED", run);
            case REJECTED -> {
                outbox.markFailed(row.outboxId(), result.message(), run);
                findings.record(
                        finding(
                                row,
                                "UPLOAD_REJECTED",
                                "Stripe rejected " + row.identifier() + ": " + result.message()),
                        run);
            }
            case GAVE_UP -> {
                if (result.mayHaveArrived()) {
                    outbox.markMayHaveArrived(row.outboxId(), result.message(), claimedAt)
                            .ifPresent(firstCall ->
                                    findings.record(pendingFinding(row, result.message(), firstCall), run));
                } else {
                    outbox.markNeverReceived(row.outboxId(), result.message(), claimedAt);
                }
            }
        }
    }

    /**
     * A void or expire row with the Stripe id of the grant it ends; null, the row marked, when there is nothing to
     * send yet: retried later while its grant's create was not sent, done when Stripe refused that create. Of a
     * create left uncertain Stripe is asked ({@link #endingAnUncertainCreate}).
     */
    private OutboxRow withEndedGrantId(OutboxRow row) throws InterruptedException {
        OutboxRow create = outbox.createEndedBy(row);
        if (create == null) {
            inOwnTransaction(() -> outbox.markSent(row.outboxId(), "NOTHING_TO_END", run));
            return null;
        }
        if (create.state() == OutboxRow.State.UNCERTAIN) {
            return endingAnUncertainCreate(row, create);
        }
        if (create.state() != OutboxRow.State.SENT || create.grant().stripeGrantId() == null) {
            inOwnTransaction(() ->
                    outbox.markRetryLater(row.outboxId(), "the grant this row ends was not created in Stripe yet"));
            return null;
        }
        return withStripeGrantId(row, create.grant().stripeGrantId());
    }

    /**
     * An end row whose grant's create is uncertain (left in flight for longer than Stripe keeps identifiers, by an
     * earlier version or while Stripe could not be asked): Stripe is asked now whether the create arrived. If it
     * did, the create is marked sent with the grant's id and the row ends that grant; if not, there is nothing to
     * end, and the create's finding says that none of its credit reached Stripe; if Stripe cannot be asked, the row
     * waits for a later run, with a finding naming both rows.
     */
    private OutboxRow endingAnUncertainCreate(OutboxRow row, OutboxRow create) throws InterruptedException {
        String waiting = "UPLOAD_UNCERTAIN:" + row.identifier();
        Optional<String> grantId;
        try {
            grantId = sender.grantArrived(create, Instant.now(clock));
        } catch (StripeException e) {
            String reason = "the grant this row ends, created by " + create.identifier() + ", is UPLOAD_UNCERTAIN"
                    + " and Stripe could not be asked whether it arrived (" + e.getMessage() + "); a later run asks"
                    + " again, or check whether a credit grant of " + create.stripeCustomerId() + " has "
                    + create.identifier() + " as its metadata's " + StripeCreditGrants.IDENTIFIER;
            inOwnTransaction(() -> {
                outbox.markRetryLater(row.outboxId(), reason);
                findings.record(finding(row, "UPLOAD_UNCERTAIN", reason), run);
            });
            return null;
        }
        if (grantId.isEmpty()) {
            inOwnTransaction(() -> {
                outbox.markSent(create.outboxId(), "NEVER_ARRIVED", run);
                outbox.markSent(row.outboxId(), "NOTHING_TO_END", run);
                findings.resolve(waiting, run);
                findings.record(
                        finding(
                                create,
                                "UPLOAD_UNCERTAIN",
                                create.identifier() + " never reached Stripe (no credit grant of "
                                        + create.stripeCustomerId() + " has it as its metadata's "
                                        + StripeCreditGrants.IDENTIFIER + ") and " + row.identifier()
                                        + " ended it, so it is not sent: no invoice Stripe finalized while it was"
                                        + " planned to be live had its credit; check those invoices"),
                        run);
            });
            return null;
        }
        inOwnTransaction(() -> {
            outbox.markSent(create.outboxId(), "FOUND_IN_STRIPE", run, grantId.get());
            findings.resolve("UPLOAD_UNCERTAIN:" + create.identifier(), run);
            findings.resolve(waiting, run);
        });
        return withStripeGrantId(row, grantId.get());
    }

    /** A dry run's void or expire row names the grant it ends by its Stripe id, or else by its create's identifier. */
    private OutboxRow withGrantPlaceholder(OutboxRow row) {
        if (!row.endsAGrant()) {
            return row;
        }
        OutboxRow create = outbox.createEndedBy(row);
        if (create == null) {
            return withStripeGrantId(row, "{no grant to end}");
        }
        String id = create.grant().stripeGrantId();
        return withStripeGrantId(row, id != null ? id : "{grant of " + create.identifier() + "}");
    }

    private static OutboxRow withStripeGrantId(OutboxRow row, String grantId) {
        OutboxRow.GrantTerms terms = row.grant();
        return row.withGrant(new OutboxRow.GrantTerms(
                terms.category(), terms.priority(), terms.effectiveAt(), terms.expiresAt(), terms.name(), grantId));
    }

    private static Finding finding(OutboxRow row, String kind, String message) {
        return new Finding(kind + ":" + row.identifier(), kind, Finding.Severity.ERROR, subject(row) + ": " + message);
    }

    /** What a finding about a row is about: the customer and the meter's hour, or the credit grant and its change. */
    private static String subject(OutboxRow row) {
        String customer = "customer " + row.customerId() + ", ";
        return switch (row.kind()) {
            case METER_EVENT, INVOICE_ITEM ->
                customer + row.meter() + ", window " + row.windowStart() + ", value " + row.valueMicros()
                        + " micro-USD";
            case CREDIT_GRANT ->
                customer + "credit grant " + row.meter() + ", create of " + row.valueMicros() + " micro-USD";
            case CREDIT_GRANT_VOID, CREDIT_GRANT_EXPIRE ->
                customer + "credit grant " + row.meter() + ", "
                        + (row.kind() == OutboxRow.Kind.CREDIT_GRANT_VOID ? "void" : "expiry")
                        + (row.grant().stripeGrantId() == null
                                ? ""
                                : " of " + row.grant().stripeGrantId());
        };
    }

    private void inOwnTransaction(Runnable work) {
        ownTransaction.executeWithoutResult(status -> work.run());
    }

    private void writeDryRun(Chunk<? extends OutboxRow> chunk) throws IOException {
        Files.createDirectories(dryRunFile.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(
                dryRunFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (OutboxRow row : chunk) {
                StripeRequest request = StripeRequest.of(withGrantPlaceholder(row));
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("method", request.method());
                line.put("path", request.path());
                line.put("idempotency_key", request.idempotencyKey());
                line.put("form", request.form());
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
    }
}
