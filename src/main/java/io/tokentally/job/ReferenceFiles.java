package io.tokentally.job;

import io.tokentally.ingest.S3Objects;
import io.tokentally.ingest.S3Source;
import io.tokentally.plans.CustomerRepository;
import io.tokentally.plans.CustomersFile;
import io.tokentally.plans.PlanFiles;
import io.tokentally.plans.PlanRepository;
import io.tokentally.pricing.Price;
import io.tokentally.pricing.PriceRepository;
import io.tokentally.pricing.PricesFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Reads a run's prices, plans and customers files before the run starts, with the rules their load steps
 * apply, so that a fault in one is refused up front with its file, line and reason, and reaches the bucket of each
 * S3 input. A run that failed on one instead would be restarted, with the same paths, by the next run of its day.
 */
@Component
public class ReferenceFiles {

    private final PriceRepository prices;
    private final PlanRepository plans;
    private final CustomerRepository customers;
    private final S3Objects s3;

    ReferenceFiles(PriceRepository prices, PlanRepository plans, CustomerRepository customers, S3Objects s3) {
        this.prices = prices;
        this.plans = plans;
        this.customers = customers;
        this.s3 = s3;
    }

    /**
     * @throws Invalid naming each faulty file with its fault: the prices file's, and the plans or customers
     *     file's (the customers file is read once the plans file is sound, as it names the plans' ids). A prices
     *     file without a price, or a customers file without a customer, is a fault only while none are stored:
     *     loading either adds to what is stored, so a later night's file may add nothing.
     */
    public void check(BillingJobParameters parameters) {
        List<String> faults = new ArrayList<>();
        try {
            checkPrices(parameters);
        } catch (IllegalArgumentException e) {
            faults.add(e.getMessage());
        }
        try {
            PlanFiles files = PlanFiles.read(
                    parameters.plans(), parameters.customers(), plans.findAll().keySet());
            if (files.customers().isEmpty() && customers.customerIds().isEmpty()) {
                throw new IllegalArgumentException(parameters.customers() + ": no customers, only a header, and none"
                        + " are stored yet: every usage row would be kept unattributed and nothing billed");
            }
            CustomersFile.requireOwnStripeCustomers(customers.findAll(), files.customers(), parameters.customers());
        } catch (IllegalArgumentException e) {
            faults.add(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parameters
                .inputs()
                .forEach(input -> S3Source.parse(input)
                        .flatMap(s3::whyUnreadable)
                        .ifPresent(why -> faults.add("input " + input + ": " + why)));
        if (!faults.isEmpty()) {
            throw new Invalid(faults);
        }
    }

    private void checkPrices(BillingJobParameters parameters) {
        try {
            List<Price> filePrices = PricesFile.read(parameters.prices());
            if (filePrices.isEmpty() && prices.findAll().isEmpty()) {
                throw new IllegalArgumentException(parameters.prices() + ": no prices, only a header, and none are"
                        + " stored yet: every usage row would be held back unpriced");
            }
            try {
                prices.refuseChangedVersions(filePrices);
            } catch (PriceRepository.ChangedVersion e) {
                throw PricesFile.refusal(parameters.prices(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameters.prices() + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A prices, plans or customers file the run would fail on, or an S3 input it could not read. */
    public static final class Invalid extends RuntimeException {

        private final transient List<String> faults;

        Invalid(List<String> faults) {
            super(String.join("\n", faults));
            this.faults = List.copyOf(faults);
        }

        /** One fault per file or S3 input, each naming it. */
        public List<String> faults() {
            return faults;
        }
    }
}
