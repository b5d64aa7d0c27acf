package io.tokentally.rating;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Billed usage of one rated aggregate as allocation sees it: {@code tokens} of one model, token type and
 * tiers in one hour at one billed price per million (the list price with the markup, or a custom rate). Its value is
 * exact, so part of it can be valued exactly.
 */
public record Charge(
        Instant hour,
        String model,
        TokenType tokenType,
        ServiceTier serviceTier,
        ContextTier contextTier,
        long tokens,
        BigDecimal billedPerMillion,
        BigDecimal billedUsd) {

    /** The billed value of {@code quantity} of its tokens, exact. */
    public BigDecimal valueOf(long quantity) {
        return quantity == tokens ? billedUsd : Amounts.cost(quantity, billedPerMillion);
    }
}
