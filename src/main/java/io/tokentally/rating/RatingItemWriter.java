package io.tokentally.rating;

import java.util.ArrayList;
import java.util.List;
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
        List<HeldUsage> held = new ArrayList<>();
        for (Rater.Rating rating : chunk) {
            rated.add(rating.rated());
            held.addAll(rating.held());
        }
        aggregates.write(rated);
        heldUsage.hold(held, run);
    }
}
