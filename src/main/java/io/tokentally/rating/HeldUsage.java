package io.tokentally.rating;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;

/**
 * Hourly usage of one token type that has no price at its time: held back, never billed at zero,
 * and rated by the first run after a price for its time exists.
 *
 * @param model the usage's model id as stored (the row's own id when the model had no price at ingest)
 * @param reason which price is missing
 */
public record HeldUsage(
        String customerId,
        String provider,
        String model,
        TokenType tokenType,
        ServiceTier serviceTier,
        ContextTier contextTier,
        Instant hourStart,
        Instant priceEpoch,
        long newestPriceId,
        boolean attributed,
        long requests,
        long tokens,
        String reason) {

    /** This usage with {@code other}'s requests and tokens added: its key, price epoch and reason kept. */
    public HeldUsage plus(HeldUsage other) {
        return new HeldUsage(
                customerId,
                provider,
                model,
                tokenType,
                serviceTier,
                contextTier,
                hourStart,
                priceEpoch,
                newestPriceId,
                attributed,
                requests + other.requests,
                tokens + other.tokens,
                reason);
    }
}
