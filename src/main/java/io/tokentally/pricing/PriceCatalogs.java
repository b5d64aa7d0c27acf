package io.tokentally.pricing;

import io.tokentally.normalize.ModelCatalogSource;
import org.springframework.stereotype.Component;

/** Builds the in-memory catalog from the price table. */
@Component
public class PriceCatalogs implements ModelCatalogSource {

    private final PriceRepository repository;

    public PriceCatalogs(PriceRepository repository) {
        this.repository = repository;
    }

    @Override
    public PriceCatalog current() {
        return new PriceCatalog(repository.findAll());
    }
}
