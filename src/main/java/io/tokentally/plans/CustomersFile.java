package io.tokentally.plans;

import io.tokentally.ingest.CsvRow;
import io.tokentally.ingest.CsvTable;
import io.tokentally.ingest.provider.CustomerAttribution;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.FieldLength;
import io.tokentally.shared.Hours;
import io.tokentally.shared.OffsetTimes;
import io.tokentally.shared.PlainNumbers;
import io.tokentally.shared.ShownText;
import io.tokentally.shared.SqlTime;
import io.tokentally.shared.ZoneIds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the customers file: {@code customer_id, stripe_customer_id, plan_id[, name]}, optionally
 * {@code plan_effective_from} (a customer may have one row per plan change) and the billing cycle
 * {@code billing_interval, billing_anchor_day, billing_anchor_month, billing_time_zone}.
 */
public final class CustomersFile {

    /** From when a billing time zone's offsets must be whole hours: long before any usage billed now. */
    private static final Instant WHOLE_HOURS_SINCE = Instant.parse("2000-01-01T00:00:00Z");

    /** The longest Stripe customer id and name tokentally keeps. */
    private static final int MAX_STRIPE_ID = 100;

    private static final int MAX_NAME = 500;

    private CustomersFile() {}

    public static List<Customer> read(Path file, Set<String> planIds) throws IOException {
        Map<String, List<CsvRow>> rowsById = new LinkedHashMap<>();
        Map<String, CsvRow> rowByStripeId = new HashMap<>();
        for (CsvRow row : CsvTable.readStrictly(
                file,
                List.of("customer_id", "plan_id"),
                List.of(
                        "stripe_customer_id",
                        "name",
                        "plan_effective_from",
                        "billing_interval",
                        "billing_anchor_day",
                        "billing_anchor_month",
                        "billing_time_zone"))) {
            String plan = row.require("plan_id");
            if (!planIds.contains(plan)) {
                throw row.problem("plan_id " + ShownText.quoted(plan) + " is neither in the plans file nor stored by an"
                        + " earlier load");
            }
            String id = row.requireVisible("customer_id", FieldLength.CUSTOMER_ID);
            if (id.equals(CustomerAttribution.UNATTRIBUTED)) {
                throw row.problem("customer_id '" + id + "' is reserved: provider and gateway records without a"
                        + " customer key are kept under it as unattributed usage, and a customer of that name would"
                        + " be billed for them");
            }
            requireOwnStripeCustomer(row, id, rowByStripeId);
            rowsById.computeIfAbsent(id, key -> new ArrayList<>()).add(row);
        }
        List<Customer> customers = new ArrayList<>();
        for (Map.Entry<String, List<CsvRow>> entry : rowsById.entrySet()) {
            customers.add(customer(entry.getKey(), entry.getValue()));
        }
        return customers;
    }

    /**
     * Fails if an earlier row gives the row's Stripe customer to another customer: Stripe sums meter events and
     * spends credit grants per Stripe customer, while statements, balances and the read-back of what Stripe recorded
     * are per customer, so two customers of one Stripe customer would pay for each other.
     */
    private static void requireOwnStripeCustomer(CsvRow row, String id, Map<String, CsvRow> rowByStripeId) {
        String stripeId = row.getVisible("stripe_customer_id", MAX_STRIPE_ID);
        if (stripeId == null) {
            return;
        }
        CsvRow earlier = rowByStripeId.putIfAbsent(stripeId, row);
        if (earlier != null && !earlier.require("customer_id").equals(id)) {
            throw row.problem("stripe_customer_id '" + stripeId + "' is given to customer '"
                    + earlier.require("customer_id") + "' on line " + earlier.lineNo() + " already; a Stripe customer"
                    + " is one customer's (Stripe sums meter events and spends credit grants per Stripe customer,"
                    + " statements and balances are per customer)");
        }
    }

    /**
     * Fails if a customer the file loads would share its Stripe customer with a stored one the file leaves out, what
     * {@link #requireOwnStripeCustomer} checks within one file: a later file may give one customer the id another
     * holds only if it gives that one another id too.
     *
     * @param stored the customers stored before the file is loaded, by id
     * @param loaded the customers the file loads
     * @param file the customers file, which the message names
     */
    public static void requireOwnStripeCustomers(Map<String, Customer> stored, List<Customer> loaded, Path file) {
        Set<String> inFile = new HashSet<>();
        loaded.forEach(customer -> inFile.add(customer.customerId()));
        Map<String, String> leftOutByStripeId = new HashMap<>();
        stored.values().stream()
                .filter(customer -> !inFile.contains(customer.customerId()) && customer.stripeCustomerId() != null)
                .forEach(customer -> leftOutByStripeId.put(customer.stripeCustomerId(), customer.customerId()));
        for (Customer customer : loaded) {
            String holder = leftOutByStripeId.get(customer.stripeCustomerId());
            if (holder != null) {
                throw new IllegalArgumentException(ShownText.escaped(file + ": stripe_customer_id '"
                        + customer.stripeCustomerId() + "' of customer '" + customer.customerId() + "' is stored for"
                        + " customer '" + holder + "', which this file leaves out; a Stripe customer is one customer's"
                        + " (Stripe sums meter events and spends credit grants per Stripe customer, statements and"
                        + " balances are per customer): list '" + holder + "' with its own Stripe customer, or give '"
                        + customer.customerId() + "' another"));
            }
        }
    }

    /** A customer from its rows: one per plan (a row without plan_effective_from is the first plan). */
    private static Customer customer(String id, List<CsvRow> rows) {
        List<PlanAssignment> plans = new ArrayList<>();
        BillingCycle cycle = null;
        String stripeCustomerId = null;
        long stripeLine = 0;
        String name = null;
        for (CsvRow row : rows) {
            Instant from = effectiveFrom(row);
            requireNewEffectiveFrom(row, id, from, plans);
            plans.add(new PlanAssignment(from, row.require("plan_id")));
            cycle = sameCycle(row, id, cycle);
            // an empty stripe_customer_id or name on a plan-change row leaves the customer's as they are
            String stripeId = row.getVisible("stripe_customer_id", MAX_STRIPE_ID);
            if (stripeId != null && stripeCustomerId != null && !stripeId.equals(stripeCustomerId)) {
                throw row.problem("customer_id '" + id + "' has stripe_customer_id '" + stripeId + "' here and '"
                        + stripeCustomerId + "' on line " + stripeLine + "; a customer has one Stripe customer");
            }
            if (stripeId != null && stripeCustomerId == null) {
                stripeCustomerId = stripeId;
                stripeLine = row.lineNo();
            }
            String rowName = row.get("name", MAX_NAME);
            name = rowName != null ? rowName : name;
        }
        Customer draft = new Customer(id, stripeCustomerId, plans.get(0).planId(), name, cycle, plans);
        // the plan of the latest plan_effective_from: the customer's plans are sorted by it
        String current = draft.plans().get(draft.plans().size() - 1).planId();
        return new Customer(id, stripeCustomerId, current, name, cycle, draft.plans());
    }

    /** Fails if an earlier row of the customer has the same plan_effective_from. */
    private static void requireNewEffectiveFrom(CsvRow row, String id, Instant from, List<PlanAssignment> plans) {
        if (plans.stream().anyMatch(plan -> plan.effectiveFrom().equals(from))) {
            throw row.problem("customer_id '" + id + "' appears twice"
                    + (from.equals(Instant.EPOCH) ? "" : " with plan_effective_from " + from)
                    + "; a customer has one row per plan_effective_from (a row without one is its first plan)");
        }
    }

    /** The row's billing cycle, which must be {@code earlier}, the cycle of the customer's earlier rows (if any). */
    private static BillingCycle sameCycle(CsvRow row, String id, BillingCycle earlier) {
        BillingCycle rowCycle = cycle(row);
        if (earlier != null && !earlier.equals(rowCycle)) {
            throw row.problem("customer_id '" + id + "' has two billing cycles; give every row the same one");
        }
        return rowCycle;
    }

    private static Instant effectiveFrom(CsvRow row) {
        String text = row.get("plan_effective_from");
        if (text == null || text.isBlank()) {
            return Instant.EPOCH;
        }
        try {
            Instant from = OffsetDateTime.parse(text.strip()).toInstant();
            if (!SqlTime.isKept(from)) {
                throw row.problem("plan_effective_from " + text + " " + SqlTime.NOT_KEPT);
            }
            if (!Hours.startOf(from).equals(from)) {
                throw row.problem("plan_effective_from " + text
                        + " is not on a whole UTC hour; usage is billed by the hour, so a plan changes on an hour");
            }
            return from;
        } catch (DateTimeParseException e) {
            throw row.problem(
                    "plan_effective_from " + ShownText.quoted(text) + " " + OffsetTimes.whyNotRead(text.strip()));
        }
    }

    private static BillingCycle cycle(CsvRow row) {
        try {
            String interval = row.get("billing_interval");
            String zoneText = row.get("billing_time_zone");
            ZoneId zone = zoneText == null || zoneText.isBlank() ? ZoneId.of("UTC") : ZoneIds.of(zoneText.strip());
            if (!onWholeHours(zone)) {
                throw row.problem("billing_time_zone " + zone
                        + " has offsets that are not whole hours; usage is billed by the UTC hour, so periods must"
                        + " start on one");
            }
            return new BillingCycle(
                    interval == null || interval.isBlank() ? BillingCycle.Interval.MONTH : interval(row, interval),
                    number(row, "billing_anchor_day"),
                    number(row, "billing_anchor_month"),
                    zone);
        } catch (DateTimeException e) {
            throw row.problem("billing_time_zone: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(row.file()) ? e : row.problem(e.getMessage());
        }
    }

    private static BillingCycle.Interval interval(CsvRow row, String text) {
        try {
            return BillingCycle.Interval.parse(text);
        } catch (IllegalArgumentException e) {
            throw row.problem("billing_interval " + e.getMessage());
        }
    }

    private static int number(CsvRow row, String column) {
        String text = row.get(column);
        if (text == null || text.isBlank()) {
            return 1;
        }
        try {
            return PlainNumbers.wholeInt(text.strip());
        } catch (NumberFormatException e) {
            throw row.problem(column + " '" + text + "' is not a whole number");
        }
    }

    /**
     * Whether the zone's offset has been a whole number of hours since {@link #WHOLE_HOURS_SINCE}: the offset then
     * and every one it changed to after. Asia/Singapore (+07:30 until 1982) is taken; Asia/Kolkata (+05:30) and
     * America/Caracas (-04:30 from 2007 to 2016) are not.
     */
    private static boolean onWholeHours(ZoneId zone) {
        var rules = zone.getRules();
        if (rules.getOffset(WHOLE_HOURS_SINCE).getTotalSeconds() % 3600 != 0) {
            return false;
        }
        return rules.getTransitions().stream()
                .filter(t -> t.getInstant().isAfter(WHOLE_HOURS_SINCE))
                .allMatch(t -> t.getOffsetAfter().getTotalSeconds() % 3600 == 0);
    }
}
