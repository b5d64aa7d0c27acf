package io.tokentally.rating;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Adapts the pure {@link Rater} to the rate step. */
class RateItemProcessor implements ItemProcessor<HourlyUsage, Rater.Rating> {

    private final Rater rater;

    RateItemProcessor(Rater rater) {
        this.rater = rater;
    }

    @Override
    public Rater.Rating process(HourlyUsage usage) {
        return rater.rateOrHold(usage, true);
    }
}
