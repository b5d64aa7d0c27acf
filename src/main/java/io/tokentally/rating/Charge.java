package io.tokentally.rating;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Billed usage of one rated aggregate as allocation sees it: {@code tokens} of one model, token type and
 * tiers in one hour at one price and markup. Its value is exact, so part of it can be valued exactly.
 */
public record Charge(
        Instant hour,
        String model,
        TokenType tokenType,
        ServiceTier serviceTier,
        ContextTier contextTier,
        long tokens,
        BigDecimal usdPerMillion,
        BigDecimal markupPercent,
        BigDecimal billedUsd) {

    /** The billed price of one million tokens: list price plus markup, exact. */
    public BigDecimal billedPerMillion() {
        return Amounts.withMarkup(usdPerMillion, markupPercent);
    }

    /** The billed value of {@code quantity} of its tokens, exact. */
    public BigDecimal valueOf(long quantity) {
        return quantity == tokens
                ? billedUsd
                : Amounts.withMarkup(Amounts.cost(quantity, usdPerMillion), markupPercent);
    }
}
