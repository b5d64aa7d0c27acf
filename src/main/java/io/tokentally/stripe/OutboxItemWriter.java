package io.tokentally.stripe;

import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends outbox rows, or in a dry run writes the requests it would send ({@link DryRunRequests}). Live, each row is
 * marked in flight and committed before its call, and marked sent (or failed) and committed after Stripe's answer; a
 * row found in flight (a crash between the two) is resent with the same identifier and idempotency key while Stripe
 * still dedups them; after that a credit grant or invoice item row is looked up in Stripe ({@link StripeArrivals}),
 * a grant create that a void or expire ends by that row, and a meter event is left for a person to check.
 */
class OutboxItemWriter implements ItemWriter<OutboxRow> {

    private final OutboxRepository outbox;
    private final OutboxGrants outboxGrants;
    private final FindingRepository findings;
    private final TransactionTemplate ownTransaction;
    private final StripeSender sender;
    private final DryRunRequests dryRun;
    private final Clock clock;
    private final Duration resendWithin;
    private final long run;
    private final ExecutorService executor;
    private final StripeArrivals arrivals;

    /**
     * @param sender null for a dry run, which then writes {@code dryRunFile}
     * @param executor sends different customers' and meters' rows in parallel; one customer and meter's
     *     rows always one after the other, so at most one call per customer and meter is in flight
     */
    OutboxItemWriter(
            OutboxRepository outbox,
            OutboxGrants outboxGrants,
            FindingRepository findings,
            TransactionTemplate ownTransaction,
            StripeSender sender,
            Path dryRunFile,
            Clock clock,
            Duration resendWithin,
            long run,
            ExecutorService executor) {
        this.outbox = outbox;
        this.outboxGrants = outboxGrants;
        this.findings = findings;
        this.ownTransaction = ownTransaction;
        this.sender = sender;
        this.dryRun = new DryRunRequests(outboxGrants, dryRunFile, clock, resendWithin);
        this.clock = clock;
        this.resendWithin = resendWithin;
        this.run = run;
        this.executor = executor;
        this.arrivals = new StripeArrivals(outbox, findings, ownTransaction, sender, clock, run);
    }

    @Override
    public void write(Chunk<? extends OutboxRow> chunk) throws Exception {
        if (sender == null) {
            dryRun.write(chunk);
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
        Instant dedupStart = Instant.now(clock).minus(resendWithin);
        if (planned.kind() == OutboxRow.Kind.CREDIT_GRANT
                && planned.unsettledAt(dedupStart)
                && outboxGrants.ended(planned)) {
            return; // asked about by the row that ends it (withEndedGrantId)
        }
        OutboxRow row = planned.endsAGrant() ? withEndedGrantId(planned, dedupStart) : planned;
        if (row == null) {
            return;
        }
        // A row once sent (even if the answer was an error, which may hide an accepted call) is only
        // resent while Stripe still dedups its identifier, or once Stripe shows that it did not arrive.
        if (row.unsettledAt(dedupStart)) {
            if (row.kind() == OutboxRow.Kind.METER_EVENT) {
                markUncertain(row);
                return;
            }
            if (!arrivals.resend(row)) {
                return;
            }
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
     * Leaves a meter event sent longer ago than Stripe keeps identifiers, without an answer that settles it, to a
     * person, with a finding: Stripe cannot show whether it arrived, and a resend could bill it twice.
     */
    private void markUncertain(OutboxRow row) {
        String reason =
                "sent at " + row.inFlightAt() + " without an answer that settles it, longer ago than Stripe keeps"
                        + " identifiers, so a resend could bill it twice; check in Stripe whether " + row.identifier()
                        + " arrived, and send it again by hand if not";
        inOwnTransaction(() -> {
            outbox.markUncertain(row.outboxId(), reason, run);
            findings.record(UploadFindings.of(row, UploadFindings.UNCERTAIN, reason), run);
            findings.resolve(UploadFindings.key(row, UploadFindings.PENDING), run);
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
        return UploadFindings.of(
                row,
                UploadFindings.PENDING,
                row.identifier() + " was left pending after " + message + ", which may have reached Stripe; a run"
                        + " that sends it before " + firstCall.plus(resendWithin) + " resends it safely with the same"
                        + " identifier (tokentally.stripe.resend-within-hours after its first call, " + firstCall
                        + "); after that "
                        + (row.kind() != OutboxRow.Kind.METER_EVENT
                                ? "a run asks Stripe whether it arrived"
                                : "it becomes UPLOAD_UNCERTAIN, to be checked in Stripe by hand"));
    }

    /**
     * Keeps Stripe's answer on the row (called inside the transaction that commits it): sent, failed or later.
     *
     * @param claimedAt the time this send claimed the row at
     */
    private void recordResult(OutboxRow row, StripeSender.Result result, Instant claimedAt) {
        outbox.addRetries(row.outboxId(), result.retries());
        if (result.outcome() != StripeSender.Outcome.GAVE_UP) {
            findings.resolve(UploadFindings.key(row, UploadFindings.PENDING), run);
        }
        switch (result.outcome()) {
            case DELIVERED -> {
                outbox.markSent(row.outboxId(), "DELIVERED", run, result.objectId());
                resolveRefusedBefore(row);
            }
            case ALREADY_DELIVERED -> {
                outbox.markSent(row.outboxId(), "ALREADY_DELIVERED", run);
                resolveRefusedBefore(row);
            }
            case FOUND_IN_STRIPE -> {
                outbox.markSent(row.outboxId(), StripeArrivals.FOUND, run, result.objectId());
                resolveRefusedBefore(row);
            }
            case REJECTED -> {
                outbox.markFailed(row.outboxId(), result.message(), run);
                findings.record(
                        UploadFindings.of(
                                row,
                                UploadFindings.REJECTED,
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
     * Resolves the {@code UPLOAD_REJECTED} errors of the hour's rows Stripe refused before this meter event or invoice
     * item was planned: it carried their value, and Stripe has it now.
     */
    private void resolveRefusedBefore(OutboxRow row) {
        // an hour's first revision was planned before any of its rows could be refused: no query for most rows
        if (row.revision() == 1
                || (row.kind() != OutboxRow.Kind.METER_EVENT && row.kind() != OutboxRow.Kind.INVOICE_ITEM)) {
            return;
        }
        for (String identifier : outbox.refusedBeforePlanned(row)) {
            findings.resolve(UploadFindings.REJECTED + ":" + identifier, run);
        }
    }

    /**
     * A void or expire row with the Stripe id of the grant it ends; null, the row marked, when there is nothing to
     * send yet: retried later while its grant's create was not sent, done when Stripe refused that create. Of a
     * create left uncertain, or sent longer ago than Stripe keeps identifiers without an answer that settles it,
     * Stripe is asked ({@link StripeArrivals#grantOfUnsettledCreate}).
     */
    private OutboxRow withEndedGrantId(OutboxRow row, Instant dedupStart) throws InterruptedException {
        OutboxRow create = outboxGrants.createEndedBy(row);
        if (create == null) {
            inOwnTransaction(() -> outbox.markSent(row.outboxId(), "NOTHING_TO_END", run));
            return null;
        }
        if (create.unsettledAt(dedupStart)) {
            String grantId = arrivals.grantOfUnsettledCreate(row, create);
            return grantId == null ? null : row.endingGrant(grantId);
        }
        if (create.state() != OutboxRow.State.SENT || create.grant().stripeGrantId() == null) {
            inOwnTransaction(() ->
                    outbox.markRetryLater(row.outboxId(), "the grant this row ends was not created in Stripe yet"));
            return null;
        }
        return row.endingGrant(create.grant().stripeGrantId());
    }

    private void inOwnTransaction(Runnable work) {
        ownTransaction.executeWithoutResult(status -> work.run());
    }
}
