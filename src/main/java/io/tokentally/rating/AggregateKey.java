package io.tokentally.rating;

import java.time.Instant;

/**
 * The natural key of a rated aggregate (the primary key of {@code rated_aggregate}, and of {@code held_usage});
 * the tier and token type codes are the enums' own strings, so a key hashes without building text.
 */
record AggregateKey(
        String customerId,
        String model,
        String tokenType,
        String serviceTier,
        String contextTier,
        Instant hourStart,
        Instant priceEpoch,
        long newestPriceId) {

    static AggregateKey of(RatedAggregate a) {
        return new AggregateKey(
                a.customerId(),
                a.model(),
                a.tokenType().code(),
                a.serviceTier().code(),
                a.contextTier().code(),
                a.hourStart(),
                a.priceEpoch(),
                a.newestPriceId());
    }

    static AggregateKey of(HeldUsage h) {
        return new AggregateKey(
                h.customerId(),
                h.model(),
                h.tokenType().code(),
                h.serviceTier().code(),
                h.contextTier().code(),
                h.hourStart(),
                h.priceEpoch(),
                h.newestPriceId());
    }
}
