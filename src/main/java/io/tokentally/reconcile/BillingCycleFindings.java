package io.tokentally.reconcile;

import io.tokentally.plans.Customer;
import io.tokentally.shared.BillingCycle;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A finding for each stored customer whose billing cycle a customers file changes. A customer has one cycle, not
 * one per date, so a change cuts all its periods anew, those already billed too when a late file or a rerate
 * touches them; a change of time zone in the middle of a period used to move it without a word. It is an error when
 * the new cycle's open period begins before the old one's: hours of a period closed and invoiced under the old cycle
 * are then in an open period, where usage the old period billed as a late invoice item is sent again as meter
 * events.
 */
public final class BillingCycleFindings {

    public static final String KIND = "BILLING_CYCLE_CHANGED";

    private BillingCycleFindings() {}

    /**
     * @param stored the customers before the file was loaded, by id
     * @param openFrom the start of a cycle's earliest open period (the one in its close grace included)
     */
    public static List<Finding> changed(
            Map<String, Customer> stored,
            List<Customer> loaded,
            String file,
            Function<BillingCycle, Instant> openFrom) {
        return changedCustomers(stored, loaded).stream()
                .map(customer -> finding(stored.get(customer.customerId()).cycle(), customer, file, openFrom))
                .toList();
    }

    /** The loaded customers whose billing cycle cuts periods otherwise than the stored one's. */
    public static List<Customer> changedCustomers(Map<String, Customer> stored, List<Customer> loaded) {
        return loaded.stream()
                .filter(customer -> stored.containsKey(customer.customerId()))
                .filter(customer -> !cutsAlike(stored.get(customer.customerId()).cycle(), customer.cycle()))
                .toList();
    }

    private static Finding finding(
            BillingCycle before, Customer customer, String file, Function<BillingCycle, Instant> openFrom) {
        Instant closedBefore = openFrom.apply(before);
        Instant reopenedFrom = openFrom.apply(customer.cycle());
        boolean reopens = reopenedFrom.isBefore(closedBefore);
        String message = "the billing cycle of " + customer.customerId() + " changed from " + described(before)
                + " to " + described(customer.cycle()) + " (" + file + "). A customer has one billing cycle, not"
                + " one per date: from this run on, its periods are cut by the new one, the open period and any"
                + " earlier one a late file or a rerate touches included. Change a cycle only at a period boundary"
                + " of both cycles";
        Evidence evidence =
                new Evidence().number("before", described(before)).number("after", described(customer.cycle()));
        if (reopens) {
            message += ". This change is not: the hours from " + reopenedFrom + " to " + closedBefore
                    + ", in a period closed under the old cycle, are in the open period of the new one, and usage"
                    + " of them that the closed period billed as an invoice item (late usage) is sent again as meter"
                    + " events, by this run on: credit the customer what those items billed for these hours";
            evidence.number("reopened_from", reopenedFrom.toString()).number("closed_before", closedBefore.toString());
        }
        return new Finding(
                "billing-cycle-changed:" + customer.customerId() + ":" + described(customer.cycle()),
                KIND,
                reopens ? Finding.Severity.ERROR : Finding.Severity.WARNING,
                message,
                evidence);
    }

    /** Whether two cycles cut the same periods: the anchor month counts for yearly cycles only. */
    static boolean cutsAlike(BillingCycle a, BillingCycle b) {
        return a.interval() == b.interval()
                && a.anchorDay() == b.anchorDay()
                && (a.interval() == BillingCycle.Interval.MONTH || a.anchorMonth() == b.anchorMonth())
                && Objects.equals(a.zone().normalized(), b.zone().normalized());
    }

    static String described(BillingCycle cycle) {
        return (cycle.interval() == BillingCycle.Interval.MONTH
                        ? "monthly from day " + cycle.anchorDay()
                        : "yearly from day " + cycle.anchorDay() + " of month " + cycle.anchorMonth())
                + ", " + cycle.zone().getId();
    }
}
