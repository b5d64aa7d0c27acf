package io.tokentally.pricing;

import io.tokentally.shared.ServiceTier;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each model's first batch price of its own starts, per token type and context tier. A batch price at 50% of
 * standard is derived only before it, and a derived one stored earlier (before the own price was loaded) does not
 * apply from then on: from its start, the model's own batch price is the batch price.
 */
final class OwnBatchPrices {

    private final Map<List<Object>, Instant> firstFrom = new HashMap<>();

    OwnBatchPrices(Iterable<Price> prices) {
        for (Price price : prices) {
            if (price.serviceTier() == ServiceTier.BATCH && !isDerivedBatch(price)) {
                firstFrom.merge(slot(price), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
    }

    static boolean isDerivedBatch(Price price) {
        return price.origin().startsWith(PriceRepository.DERIVED_BATCH);
    }

    /** Whether {@code price} takes effect at or after the first batch price of its model's own for its slot. */
    boolean startsFromOwn(Price price) {
        Instant own = firstFrom.get(slot(price));
        return own != null && !price.effectiveFrom().isBefore(own);
    }

    private static List<Object> slot(Price price) {
        return List.of(price.model(), price.tokenType(), price.contextTier());
    }
}
