package io.tokentally.normalize;

import io.tokentally.ingest.ContentReading;
import io.tokentally.ingest.FileCounts;
import io.tokentally.ingest.InputFiles;
import io.tokentally.ingest.ProviderCost;
import io.tokentally.ingest.ProviderCostParser;
import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.RecordCursor;
import io.tokentally.ingest.RegisteredFile;
import io.tokentally.ingest.Reject;
import io.tokentally.ingest.RejectCode;
import io.tokentally.ingest.RejectRepository;
import io.tokentally.ingest.UsageFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One pass over a provider cost export: each line checked and its model named as the catalog names it, and the
 * file's buckets stored in place of the same buckets of older exports (a cost export is a snapshot of its
 * buckets, never added to an earlier one). A bucket the file holds again (a page written twice) is not added
 * either: a repeat of its numbers counts as a duplicate, other numbers are a reject ({@code CONFLICTING_BUCKET}),
 * the first line kept, as for an aggregated usage export.
 */
final class CostFileIngest implements FileIngestion {

    private final RegisteredFile file;
    private final UsageFormat format;
    private final ModelCatalog catalog;
    private final ProviderCostStore store;
    private final RejectRepository rejects;
    private final Map<String, ProviderCost> buckets = new LinkedHashMap<>();
    private final List<Reject> pendingRejects = new ArrayList<>();
    private long read;
    private ContentReading.Content contentRead;
    private long accepted;
    private long rejected;
    private long duplicate;

    CostFileIngest(
            RegisteredFile file,
            UsageFormat format,
            ModelCatalog catalog,
            ProviderCostStore store,
            RejectRepository rejects) {
        this.file = file;
        this.format = format;
        this.catalog = catalog;
        this.store = store;
        this.rejects = rejects;
    }

    @Override
    public void readAll(Consumer<RawRecord> onRecord) throws IOException {
        try (ContentReading bytes = ContentReading.of(file.localFile());
                RecordCursor cursor = format.open(InputFiles.openText(bytes.forReader()))) {
            for (RawRecord record = cursor.next(); record != null; record = cursor.next()) {
                read++;
                take(record);
                onRecord.accept(record);
            }
            contentRead = bytes.finish();
        }
        if (!pendingRejects.isEmpty()) {
            rejects.insertAll(pendingRejects);
            pendingRejects.clear();
        }
    }

    @Override
    public void readAgainIfOthersCommitted(Consumer<RawRecord> onRecord) {
        // cost buckets carry no request keys: a bucket stored by a concurrent file is replaced in store()
    }

    @Override
    public void store(long run) {
        store.replace(file.fileId(), file.path(), run, buckets.values());
    }

    @Override
    public ContentReading.Content contentRead() {
        return contentRead;
    }

    @Override
    public FileCounts counts() {
        return new FileCounts(read, accepted, rejected, duplicate, 0, 0);
    }

    private void take(RawRecord record) {
        ProviderCostParser.Result parsed = ProviderCostParser.parse(file.fileId(), record);
        if (parsed.reject() != null) {
            pendingRejects.add(parsed.reject());
            rejected++;
            return;
        }
        ProviderCost cost = canonical(parsed.cost());
        ProviderCost earlier = buckets.putIfAbsent(cost.bucketKey(), cost);
        if (earlier == null) {
            accepted++;
        } else if (earlier.amountMajor().compareTo(cost.amountMajor()) == 0
                && sameQuantity(earlier.quantity(), cost.quantity())) {
            duplicate++;
        } else {
            // as an aggregated usage export's bucket: the first is kept, the other is a reject, never lost unseen
            rejected++;
            pendingRejects.add(new Reject(
                    file.fileId(),
                    record.lineNo(),
                    RejectCode.CONFLICTING_BUCKET,
                    "bucket " + cost.bucketKey() + " appears earlier in the file (line " + earlier.lineNo()
                            + ") with other numbers; the first is kept",
                    record.raw()));
        }
    }

    /** Whether two lines give the same quantity (as numbers: {@code 1000} is {@code 1000.0}), or none. */
    private static boolean sameQuantity(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    /** The line with its model as the catalog names it, when the catalog knows it. */
    private ProviderCost canonical(ProviderCost cost) {
        if (cost.model() == null) {
            return cost;
        }
        String provider = catalog.canonicalProvider(cost.provider()).orElse(cost.provider());
        return cost.withCanonicalModel(
                catalog.canonicalModel(provider, cost.model()).orElse(provider + "/" + cost.model()));
    }
}
