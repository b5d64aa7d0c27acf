package io.tokentally.rating;

import java.util.List;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Adapts the pure {@link Rater} to the rate step. */
class RateItemProcessor implements ItemProcessor<HourlyUsage, List<RatedAggregate>> {

    private final Rater rater;

    RateItemProcessor(Rater rater) {
        this.rater = rater;
    }

    @Override
    public List<RatedAggregate> process(HourlyUsage usage) {
        return rater.rate(usage, true);
    }
}
