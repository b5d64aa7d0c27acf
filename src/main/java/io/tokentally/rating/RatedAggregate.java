package io.tokentally.rating;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * An hourly aggregate of one token type with its provider cost and billed amount, both exact, and the
 * price version that produced them. Unattributed usage has a cost but bills nothing.
 *
 * @param newestPriceId the newest price version of the model started by the usage's time when it was read
 *     ({@link HourlyUsage}): with the price epoch, what keeps usage read after a back-dated price apart
 * @param reasoningTokens the reasoning sub-count of output tokens (0 for other token types)
 * @param markupPercent the markup applied, or null for unattributed usage and usage billed at a custom rate
 * @param rateUsdPerMillion the plan's custom rate that billed the usage, or null where the markup did
 */
public record RatedAggregate(
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
        String planId,
        long requests,
        long tokens,
        long reasoningTokens,
        long priceId,
        BigDecimal usdPerMillion,
        BigDecimal costUsd,
        BigDecimal markupPercent,
        BigDecimal rateUsdPerMillion,
        BigDecimal billedUsd) {}
