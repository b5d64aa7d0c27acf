package io.tokentally.reconcile;

import io.tokentally.plans.CreditGrant;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanRepository;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.rating.Balance;
import io.tokentally.rating.CreditLedger;
import io.tokentally.rating.CreditLedgers;
import io.tokentally.rating.Statement;
import io.tokentally.rating.Statements;
import io.tokentally.shared.BillingPeriod;
import io.tokentally.shared.UsageWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What settling every customer in one run shares. */
record Settlement(
        Map<String, Plan> plans,
        Map<String, List<CreditGrant>> grants,
        CreditLedgers ledgers,
        LateInvoiceItems lateItems,
        Instant now,
        UsageWindow window,
        List<Instant> runHours,
        Map<String, Instant> purchasesLoadedFrom) {

    /**
     * What settling the run of {@code date} shares: the plans, grants, the time now on {@code clock}, the run's
     * hours and the earliest purchases feed row it loaded per customer.
     */
    static Settlement of(
            PlanRepository plans,
            PurchaseRepository purchases,
            CreditLedgers ledgers,
            LateInvoiceItems lateItems,
            Clock clock,
            String date,
            long run) {
        return new Settlement(
                plans.findAll(),
                purchases.grantsByCustomer(),
                ledgers,
                lateItems,
                // to the microsecond, as the databases keep the balances' time: balances.json and the balance API
                // name one instant (the file had the clock's nanoseconds; independent check of issue 6)
                Instant.now(clock).truncatedTo(ChronoUnit.MICROS),
                UsageWindow.ofUtcDate(LocalDate.parse(date)),
                ledgers.runHours(run),
                purchases.earliestLoadedBy(run));
    }

    /** Writes the customer's statements and adds its threshold findings to {@code crossings}; returns its balance. */
    Balance settle(
            Customer customer,
            CreditLedger ledger,
            Path folder,
            BalanceProperties properties,
            List<ThresholdWebhook.Crossing> crossings)
            throws IOException {
        List<CreditGrant> own = grants.getOrDefault(customer.customerId(), List.of());
        TreeSet<BillingPeriod> periods = periods(customer);
        for (BillingPeriod period : periods) {
            Statement statement = Statements.of(customer, plans, ledger, period);
            StatementFiles.write(
                    folder,
                    statement,
                    lateItems.of(customer.customerId(), period).orElse(null));
            BalanceFindings.of(statement, properties.includedThresholdsPercent())
                    .forEach(finding -> crossings.add(new ThresholdWebhook.Crossing(customer.customerId(), finding)));
        }
        Balance balance = Balance.of(customer, plans, ledger, now, properties.floorUsd());
        Instant periodStart = customer.cycle().periodContaining(now).start();
        BalanceFindings.of(balance, periodStart, !own.isEmpty(), properties.lowBalanceUsd())
                .forEach(finding -> crossings.add(new ThresholdWebhook.Crossing(customer.customerId(), finding)));
        return balance;
    }

    /** The periods the run touched ({@link CreditLedgers#periodsTouched}). */
    TreeSet<BillingPeriod> periods(Customer customer) {
        return ledgers.periodsTouched(customer, runHours, window, purchasesLoadedFrom.get(customer.customerId()));
    }

    /**
     * The ledgers of a group of customers, read together: from the first period the run touched (or
     * the current one, if earlier) to the end of the last (or of the current one, if later).
     */
    Map<String, CreditLedger> ledgers(List<Customer> customers) {
        List<CreditLedgers.Request> requests = new ArrayList<>(customers.size());
        for (Customer customer : customers) {
            TreeSet<BillingPeriod> periods = periods(customer);
            BillingPeriod current = customer.cycle().periodContaining(now);
            requests.add(new CreditLedgers.Request(
                    customer,
                    grants.getOrDefault(customer.customerId(), List.of()),
                    min(periods.first().start(), current.start()),
                    max(periods.last().end(), current.end())));
        }
        return ledgers.ledgers(requests, plans);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
