package io.tokentally.rating;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/** Writes a chunk of ratings: the rated aggregates through their writer, the held usage to its table. */
class RatingItemWriter implements ItemWriter<Rater.Rating> {

    private final RatedAggregateItemWriter aggregates;
    private final HeldUsageRepository heldUsage;
    private final long run;

    RatingItemWriter(RatedAggregateItemWriter aggregates, HeldUsageRepository heldUsage, long run) {
        this.aggregates = aggregates;
        this.heldUsage = heldUsage;
        this.run = run;
    }

    @Override
    public void write(Chunk<? extends Rater.Rating> chunk) throws Exception {
        Chunk<List<RatedAggregate>> rated = new Chunk<>();
        Map<AggregateKey, HeldUsage> held = new LinkedHashMap<>();
        for (Rater.Rating rating : chunk) {
            rated.add(rating.rated());
            for (HeldUsage usage : rating.held()) {
                // usage held since ingest and usage held by the catalog (held before it was marked, or an export
                // bucket's) can share a key, and held_usage keeps one row per key
                held.merge(AggregateKey.of(usage), usage, HeldUsage::plus);
            }
        }
        aggregates.write(rated);
        heldUsage.hold(new ArrayList<>(held.values()), run);
    }
}
