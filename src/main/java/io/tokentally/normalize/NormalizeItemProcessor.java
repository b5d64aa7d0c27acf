package io.tokentally.normalize;

import io.tokentally.ingest.RawRecord;
import io.tokentally.ingest.UsageRowParser;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Adapts the format rules and the normalizer to a chunk step; rejects are values, not exceptions. */
class NormalizeItemProcessor implements ItemProcessor<RawRecord, UsageNormalizer.Result> {

    private final long fileId;
    private final UsageNormalizer normalizer;

    NormalizeItemProcessor(long fileId, UsageNormalizer normalizer) {
        this.fileId = fileId;
        this.normalizer = normalizer;
    }

    @Override
    public UsageNormalizer.Result process(RawRecord record) {
        UsageRowParser.Result parsed = UsageRowParser.parse(fileId, record);
        if (parsed.reject() != null) {
            return new UsageNormalizer.Result(null, parsed.reject());
        }
        return normalizer.normalize(parsed.row());
    }
}
