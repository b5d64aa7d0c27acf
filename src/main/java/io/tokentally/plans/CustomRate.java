package io.tokentally.plans;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;

/**
 * A plan's own price for one token type of a model in one service and context tier: usage there is billed at
 * {@code usdPerMillion} per million tokens (or units) instead of its provider cost times (1 + markup).
 */
public record CustomRate(
        TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, BigDecimal usdPerMillion) {

    /** Whether this rate is the one for usage of this token type and tiers. */
    boolean covers(TokenType type, ServiceTier service, ContextTier context) {
        return tokenType == type && serviceTier == service && contextTier == context;
    }
}
