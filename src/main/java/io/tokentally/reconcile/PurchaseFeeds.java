package io.tokentally.reconcile;

import io.tokentally.plans.Purchase;
import io.tokentally.plans.PurchaseRepository;
import io.tokentally.plans.PurchasesFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.batch.core.step.StepContribution;

/**
 * Saves a run's purchases feeds (a row loaded before with the same values counts once) and records what is wrong
 * with them as findings, each naming its feed once. A purchase for a customer who is not among the customers
 * loaded is kept, and found on every run until the customer is added: it covers no usage until then.
 */
final class PurchaseFeeds {

    private final Set<String> customers;
    private final PurchaseRepository purchases;
    private final FindingRepository findings;
    private final StepContribution contribution;
    private final long run;

    PurchaseFeeds(
            Set<String> customers,
            PurchaseRepository purchases,
            FindingRepository findings,
            StepContribution contribution,
            long run) {
        this.customers = customers;
        this.purchases = purchases;
        this.findings = findings;
        this.contribution = contribution;
        this.run = run;
    }

    /** Loads one feed, read as {@code result}, shown in findings as {@code shown}. */
    void load(PurchasesFile.Result result, String shown) {
        List<String> problems = new ArrayList<>(result.problems());
        for (PurchasesFile.Read read : result.reads()) {
            Purchase row = read.purchase();
            Optional<String> refused = purchases.save(row, shown, run);
            refused.ifPresentOrElse(
                    why -> problems.add(read.where() + ": " + why), () -> contribution.incrementWriteCount(1));
            if (refused.isEmpty() && !customers.contains(row.customerId())) {
                findings.record(unknownCustomer(row, shown), run);
            }
        }
        for (String problem : problems) {
            findings.record(
                    new Finding(
                            "PURCHASE_REJECTED:" + shown + ":" + problem,
                            "PURCHASE_REJECTED",
                            Finding.Severity.ERROR,
                            problem.startsWith(shown) ? problem : shown + ": " + problem),
                    run);
        }
    }

    private static Finding unknownCustomer(Purchase row, String shown) {
        return new Finding(
                "PURCHASE_FOR_UNKNOWN_CUSTOMER:" + shown + ":" + row.purchaseId() + ":"
                        + row.event().code(),
                "PURCHASE_FOR_UNKNOWN_CUSTOMER",
                Finding.Severity.WARNING,
                shown + ": purchase " + row.purchaseId() + " (" + row.event().code() + ") is for customer '"
                        + row.customerId() + "', who is not among the customers loaded (customers file); it is kept,"
                        + " and applies once the customer is added");
    }
}
