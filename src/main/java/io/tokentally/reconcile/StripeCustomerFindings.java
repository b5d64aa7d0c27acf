package io.tokentally.reconcile;

import io.tokentally.plans.Customer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongBiFunction;

/**
 * A finding for each stored customer whose Stripe customer id a customers file changes. What runs plan from then on
 * names the new id, except meter events of an hour an earlier one's meter holds, which go there; outbox rows
 * planned before and not yet sent still name the old one and are sent there: right when the customer moved to a new
 * Stripe customer after that usage, wrong when the old id was a mistake (a typo, another customer's id), which only
 * the operator can tell.
 */
public final class StripeCustomerFindings {

    public static final String KIND = "STRIPE_CUSTOMER_CHANGED";
    private static final String KEY_PREFIX = "stripe-customer-changed:";

    private StripeCustomerFindings() {}

    /**
     * @param stored the customers before the file was loaded, by id
     * @param unsent how many outbox rows of a customer (first argument) naming a Stripe customer (second) are not sent
     */
    public static List<Finding> changed(
            Map<String, Customer> stored, List<Customer> loaded, String file, ToLongBiFunction<String, String> unsent) {
        List<Finding> findings = new ArrayList<>();
        for (Customer customer : loaded) {
            Customer before = stored.get(customer.customerId());
            String old = before == null ? null : blankAsNull(before.stripeCustomerId());
            String now = blankAsNull(customer.stripeCustomerId());
            if (old != null && !old.equals(now)) {
                findings.add(
                        finding(customer.customerId(), old, now, file, unsent.applyAsLong(customer.customerId(), old)));
            }
        }
        return findings;
    }

    /**
     * Whether the key of a finding of this kind may be one of the customer's (a customer id holding a colon may match
     * another's too): the customers whose Stripe customer ever changed, whose grants may need placing on another.
     */
    public static boolean mayName(String key, String customerId) {
        return key.startsWith(KEY_PREFIX + customerId + ":");
    }

    private static Finding finding(String customerId, String old, String now, String file, long unsentRows) {
        String after = now == null ? "none" : now;
        String corrections = "a correction that lowers an hour already sent to " + old + " or an earlier Stripe"
                + " customer is taken off the meters that hold the hour, up to what each holds, so that their totals"
                + " are what the hour billed (if a subscription has ended, Stripe bills it nowhere: then settle it by"
                + " hand), and what only one that refused its last event for good holds is sent nowhere, an error"
                + " (CORRECTION_NOT_PLACED) for a person;"
                + " the included usage of a period both Stripe customers bill is granted on each, what it paid of the"
                + " hours that one bills, and so is that of what a purchase paid of such a period; a pack's or"
                + " promotion's own grant made on " + old + " stays there and pays its invoices only: move what it has"
                + " left by hand";
        String message = "the Stripe customer of " + customerId + " changed from " + old + " to " + after + " (" + file
                + "): what runs plan from now on "
                + (now == null
                        ? "names none, and its upload is rejected (UPLOAD_REJECTED) until one is given, but "
                        : "goes to " + now + ", invoice items included (billed on its next invoice), but ")
                + corrections;
        message += unsentRows == 0
                ? "; no outbox row planned before waits to be sent"
                : "; " + unsentRows + " outbox row(s) planned before and not yet sent still name " + old + " and are"
                        + " sent there"
                        + (now == null
                                ? ""
                                : ": right if the customer moved to " + now + " after that usage, wrong if " + old
                                        + " was a mistake (then credit or void in Stripe what reaches it)");
        return new Finding(
                KEY_PREFIX + customerId + ":" + after,
                KIND,
                Finding.Severity.WARNING,
                message,
                new Evidence().number("before", old).number("after", after).number("unsent_rows", unsentRows));
    }

    private static String blankAsNull(String id) {
        return id == null || id.isBlank() ? null : id;
    }
}
