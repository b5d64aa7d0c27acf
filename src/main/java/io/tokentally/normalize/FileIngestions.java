package io.tokentally.normalize;

import io.tokentally.ingest.CostFormat;
import io.tokentally.ingest.FileRegistry;
import io.tokentally.ingest.IngestProperties;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFormats;
import java.util.function.BiFunction;

/**
 * Starts the ingestion of one registered file by its format: a cost export's into {@code provider_cost},
 * any other export's through the usage normalizer. The model catalog and the known customers are read
 * when the file's ingestion starts; the keys committed by other files come from the run's {@link CommittedKeys},
 * which the passes that run at once share.
 */
final class FileIngestions implements BiFunction<RegisteredFile, CommittedKeys, FileIngestion> {

    /** Where an ingestion stores what it read: usage, export snapshots, provider costs, rejects, conflicts. */
    record Stores(
            UsageStore usage,
            SnapshotStore snapshots,
            ProviderCostStore costs,
            RejectRepository rejects,
            DuplicateConflictRepository conflicts) {}

    private final UsageFormats formats;
    private final ModelCatalogSource catalogs;
    private final KnownCustomers customers;
    private final Stores stores;
    private final IngestProperties properties;
    private final FileRegistry registry;

    FileIngestions(
            UsageFormats formats,
            ModelCatalogSource catalogs,
            KnownCustomers customers,
            Stores stores,
            IngestProperties properties,
            FileRegistry registry) {
        this.formats = formats;
        this.catalogs = catalogs;
        this.customers = customers;
        this.stores = stores;
        this.properties = properties;
        this.registry = registry;
    }

    @Override
    public FileIngestion apply(RegisteredFile file, CommittedKeys committed) {
        return formats.named(file.format()) instanceof CostFormat costFormat
                ? new CostFileIngest(file, costFormat, catalogs.current(), stores.costs(), stores.rejects())
                : new FileIngest(
                        file,
                        registry,
                        formats.named(file.format()),
                        normalizer(file),
                        stores.usage(),
                        committed,
                        stores.snapshots(),
                        stores.rejects(),
                        stores.conflicts(),
                        properties.batchSize(),
                        properties.dedupDays());
    }

    /** The file's normalizer; the catalog as plans holding price changes see it is built only if a customer's does. */
    private UsageNormalizer normalizer(RegisteredFile file) {
        ModelCatalog catalog = catalogs.current();
        PriceHolders holders = customers.priceHolders();
        return new UsageNormalizer(
                file.source(),
                catalog,
                holders.any() ? catalogs.held() : catalog,
                customers.customerIds(),
                holders,
                !formats.named(file.format()).snapshots());
    }
}
