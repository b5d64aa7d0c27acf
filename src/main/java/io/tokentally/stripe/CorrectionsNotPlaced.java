package io.tokentally.stripe;

import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.reconcile.FindingRepository;
import io.tokentally.shared.Amounts;
import java.util.List;

/**
 * The error findings of decreases the build-outbox step could not send: only Stripe customers that refused an hour's
 * latest event for good hold what they would take off ({@link OutboxPlanner.Queued#meterEvents}). One per customer,
 * meter and hour, recorded again by each run that plans the hour, and resolved by one whose plan of it places all.
 */
final class CorrectionsNotPlaced {

    static final String KIND = "CORRECTION_NOT_PLACED";

    private CorrectionsNotPlaced() {}

    static void record(List<OutboxPlanner.NotPlaced> plans, FindingRepository findings, long run) {
        for (OutboxPlanner.NotPlaced plan : plans) {
            if (plan.value() == 0) {
                findings.resolve(key(plan), run);
            } else {
                findings.record(finding(plan), run);
            }
        }
    }

    private static String key(OutboxPlanner.NotPlaced plan) {
        return "correction-not-placed:" + plan.customerId() + ":" + plan.meter() + ":" + plan.hour();
    }

    private static Finding finding(OutboxPlanner.NotPlaced plan) {
        String unit = plan.meter().endsWith(Amounts.AMOUNT_METER_SUFFIX) ? " micro-USD" : " units";
        String refused = String.join(", ", plan.refusedBy());
        long lower = -plan.value();
        return new Finding(
                key(plan),
                KIND,
                Finding.Severity.ERROR,
                "customer " + plan.customerId() + ", " + plan.meter() + ", window " + plan.hour() + ": Stripe should"
                        + " hold " + lower + unit + " less of the hour, but only " + refused + ", which refused the"
                        + " latest event of the hour sent to it for good (a customer deleted in Stripe, say), holds"
                        + " it, and "
                        + (plan.current() == null
                                ? "the customer has no Stripe id now"
                                : plan.current() + ", the customer's Stripe id now, holds too little of the hour")
                        + ": nothing is sent for it, lest it lower a Stripe customer's total for usage it did not bill."
                        + " If " + refused + "'s invoice billed the hour, credit the customer " + lower + unit
                        + " by hand, then acknowledge this finding",
                new Evidence()
                        .number("customer_id", plan.customerId())
                        .number("meter", plan.meter())
                        .number("window_start", plan.hour().toString())
                        .number("not_sent", lower)
                        .number("refused_by", refused)
                        .number("stripe_customer_id", plan.current()));
    }
}
