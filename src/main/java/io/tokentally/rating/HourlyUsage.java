package io.tokentally.rating;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import java.time.Instant;

/** Billable usage lines summed per customer, model, tiers, hour and price epoch. */
public record HourlyUsage(
        String customerId,
        String provider,
        String model,
        ServiceTier serviceTier,
        ContextTier contextTier,
        Instant hourStart,
        Instant priceEpoch,
        long requests,
        long input,
        long cacheRead,
        long cacheWrite5m,
        long cacheWrite1h,
        long output,
        long reasoning) {}
