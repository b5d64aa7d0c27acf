package io.tokentally.pricing;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each model's first price of its own (not derived) starts, per token type and tiers. A batch price at 50% of
 * standard, or a long-context cache price in proportion to input, is derived only before it, and a derived one
 * stored earlier (before the own price was loaded) is not looked up from then on: from its start, the model's own
 * price is the price, whatever was loaded first.
 */
public final class OwnPrices {

    private final Map<List<Object>, Instant> firstFrom = new HashMap<>();

    public OwnPrices(Iterable<Price> prices) {
        for (Price price : prices) {
            if (!isDerived(price)) {
                firstFrom.merge(slot(price), price.effectiveFrom(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
    }

    static boolean isDerived(Price price) {
        return price.origin().startsWith(PriceRepository.DERIVED_BATCH)
                || price.origin().startsWith(PriceRepository.DERIVED_LONG);
    }

    /**
     * Whether a derived {@code price} takes effect at or after the first price of its model's own for its slot, or,
     * a batch price derived from a derived long-context cache price, for that one's slot.
     */
    public boolean supersedes(Price price) {
        if (!isDerived(price)) {
            return false;
        }
        boolean fromDerivedLong = price.origin().startsWith(PriceRepository.DERIVED_BATCH)
                && price.origin().contains(PriceRepository.DERIVED_LONG);
        return startsFromOwn(
                        price.model(),
                        price.tokenType(),
                        price.serviceTier(),
                        price.contextTier(),
                        price.effectiveFrom())
                || (fromDerivedLong
                        && startsFromOwn(
                                price.model(),
                                price.tokenType(),
                                ServiceTier.STANDARD,
                                price.contextTier(),
                                price.effectiveFrom()));
    }

    /** Whether the model has a price of its own for the token type and tiers in force at {@code at}. */
    boolean startsFromOwn(
            String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier, Instant at) {
        Instant own = firstFrom.get(List.of(model, tokenType, serviceTier, contextTier));
        return own != null && !at.isBefore(own);
    }

    private static List<Object> slot(Price price) {
        return List.of(price.model(), price.tokenType(), price.serviceTier(), price.contextTier());
    }
}
