package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Asks Stripe whether a credit grant or invoice item row's call arrived where the outbox cannot tell: a row sent
 * longer ago than Stripe keeps identifiers without an answer that settles it, or left uncertain by a version
 * before these lookups (a create that a void or expire ends is asked about by that row). A create or an
 * invoice item is found by the identifier it carries in its metadata, a void or expire by its grant's state ({@link
 * StripeLookups#arrived}). Meter events cannot be asked about: Stripe lists none by its identifier.
 */
final class StripeArrivals {

    /** The outcome of a row whose call Stripe shows arrived. */
    static final String FOUND = "FOUND_IN_STRIPE";

    /** The outcome of a create that never reached Stripe and that a later row ended before it was sent. */
    static final String NEVER_ARRIVED = "NEVER_ARRIVED";

    private final OutboxRepository outbox;
    private final FindingRepository findings;
    private final TransactionTemplate ownTransaction;
    private final StripeSender sender;
    private final Clock clock;
    private final long run;

    StripeArrivals(
            OutboxRepository outbox,
            FindingRepository findings,
            TransactionTemplate ownTransaction,
            StripeSender sender,
            Clock clock,
            long run) {
        this.outbox = outbox;
        this.findings = findings;
        this.ownTransaction = ownTransaction;
        this.sender = sender;
        this.clock = clock;
        this.run = run;
    }

    /**
     * Settles a grant or invoice item row sent longer ago than Stripe keeps identifiers: marked sent with the id of
     * what it made if its call arrived; if not, no longer in flight, to be sent as new. While Stripe cannot be asked
     * it is left as it is, with an {@code UPLOAD_UNCERTAIN} error, for the next run to ask again. A row another upload
     * sent while this one asked is left to that upload's answer.
     *
     * @return whether the row is to be sent now
     */
    boolean resend(OutboxRow row) throws InterruptedException {
        Optional<String> madeId;
        try {
            madeId = StripeLookups.arrived(sender, row, Instant.now(clock));
        } catch (StripeException e) {
            String reason = "sent at " + row.inFlightAt() + " without an answer that settles it, longer ago than"
                    + " Stripe keeps identifiers, and Stripe could not be asked whether it arrived (" + e.getMessage()
                    + "); the next run asks again, or " + manualCheck(row);
            inOwnTransaction(() -> findings.record(UploadFindings.of(row, UploadFindings.UNCERTAIN, reason), run));
            return false;
        }
        inOwnTransaction(() -> {
            if (madeId.isPresent()) {
                if (!outbox.settleLookedUp(row, FOUND, run, madeId.get())) {
                    return; // another upload sent it meanwhile: its answer settles the row
                }
                findings.resolve(UploadFindings.key(row, UploadFindings.PENDING), run);
            } else {
                outbox.markNotArrived(row.outboxId());
            }
            findings.resolve(UploadFindings.key(row, UploadFindings.UNCERTAIN), run);
        });
        return madeId.isEmpty();
    }

    /**
     * The Stripe id of the grant an end row ends, its create left uncertain or sent longer ago than Stripe keeps
     * identifiers without an answer that settles it; null, the rows marked, when there is nothing to send now: if the
     * create never arrived there is nothing to end, and a {@code CREDIT_GRANT_NEVER_ARRIVED} error says which invoices
     * lacked its credit; while Stripe cannot be asked the end waits for a later run, with an {@code UPLOAD_UNCERTAIN}
     * error naming both rows. So does it when another upload moved the create while this one looked it up (it may be
     * sending it as new): that upload's answer settles the create, and a later run ends it.
     */
    String grantOfUnsettledCreate(OutboxRow end, OutboxRow create) throws InterruptedException {
        Optional<String> grantId;
        try {
            grantId = StripeLookups.arrived(sender, create, Instant.now(clock));
        } catch (StripeException e) {
            String reason = "the grant this row ends, created by " + create.identifier() + " sent at "
                    + create.inFlightAt() + " without an answer that settles it, may not have arrived, and Stripe"
                    + " could not be asked whether it did (" + e.getMessage() + "); a later run asks again, or look"
                    + " for " + grantNaming(create);
            inOwnTransaction(() -> {
                outbox.markRetryLater(end.outboxId(), reason);
                findings.record(UploadFindings.of(end, UploadFindings.UNCERTAIN, reason), run);
            });
            return null;
        }
        boolean[] settled = new boolean[1];
        inOwnTransaction(() -> {
            settled[0] = outbox.settleLookedUp(
                    create, grantId.isPresent() ? FOUND : NEVER_ARRIVED, run, grantId.orElse(null));
            if (!settled[0]) {
                outbox.markRetryLater(
                        end.outboxId(),
                        "the grant this row ends, created by " + create.identifier() + ", was being sent by another"
                                + " upload while this one looked it up; a later run ends it");
                return;
            }
            if (grantId.isEmpty()) {
                outbox.markSent(end.outboxId(), "NOTHING_TO_END", run);
                findings.record(neverArrived(create, end), run);
            }
            findings.resolve(UploadFindings.key(create, UploadFindings.PENDING), run);
            findings.resolve(UploadFindings.key(create, UploadFindings.UNCERTAIN), run);
            findings.resolve(UploadFindings.key(end, UploadFindings.UNCERTAIN), run);
        });
        return settled[0] ? grantId.orElse(null) : null;
    }

    private static Finding neverArrived(OutboxRow create, OutboxRow end) {
        return UploadFindings.of(
                create,
                "CREDIT_GRANT_NEVER_ARRIVED",
                create.identifier() + " never reached Stripe: there is no " + grantNaming(create) + ", and "
                        + end.identifier() + " ends it, so it is not sent. Its "
                        + BigDecimal.valueOf(create.valueMicros(), 6)
                                .stripTrailingZeros()
                                .toPlainString()
                        + " USD of credit was on no invoice of " + create.stripeCustomerId() + " finalized since "
                        + create.inFlightAt() + "; check those invoices, and void any grant a person made for it by"
                        + " hand");
    }

    /** What a person checks in Stripe of a row whose arrival the engine could not learn. */
    private static String manualCheck(OutboxRow row) {
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT || row.kind() == OutboxRow.Kind.INVOICE_ITEM) {
            String made = row.kind() == OutboxRow.Kind.CREDIT_GRANT ? grantNaming(row) : itemNaming(row);
            return "look for " + made + "; if there is none, the next run that can ask creates it";
        }
        return "check whether " + row.grant().stripeGrantId() + " is "
                + (row.kind() == OutboxRow.Kind.CREDIT_GRANT_VOID ? "voided" : "expired");
    }

    /** How a person finds a create's grant in Stripe. */
    private static String grantNaming(OutboxRow create) {
        return "credit grant of " + create.stripeCustomerId() + byIdentifier(create);
    }

    private static String itemNaming(OutboxRow item) {
        return "an invoice item of " + item.stripeCustomerId() + byIdentifier(item);
    }

    private static String byIdentifier(OutboxRow row) {
        return " with metadata " + StripeRequest.IDENTIFIER + "=" + row.identifier();
    }

    private void inOwnTransaction(Runnable work) {
        ownTransaction.executeWithoutResult(status -> work.run());
    }
}
