package io.tokentally.pricing;

import io.tokentally.normalize.ModelCatalogSource;
import java.util.List;
import org.springframework.stereotype.Component;

/** Builds the in-memory catalog from the price table. */
@Component
public class PriceCatalogs implements ModelCatalogSource {

    private final PriceRepository repository;
    private final PriceApprovals approvals;

    public PriceCatalogs(PriceRepository repository, PriceApprovals approvals) {
        this.repository = repository;
        this.approvals = approvals;
    }

    /** The catalog for plans that hold price changes until they are approved. */
    @Override
    public PriceCatalog held() {
        return new PriceCatalog(HeldPrices.view(repository.findAll(), approvals.approvals()));
    }

    /** Every price version, as plans that take changes from their effective instant see them. */
    public List<Price> versions() {
        return repository.findAll();
    }

    /** Every price version as plans that hold changes until approval see them (from the hour after the approval). */
    public List<Price> heldVersions() {
        return HeldPrices.view(repository.findAll(), approvals.approvals());
    }

    @Override
    public PriceCatalog current() {
        return new PriceCatalog(repository.findAll());
    }
}
