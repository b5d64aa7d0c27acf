package io.tokentally.pricing;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A price as a feed states it today, without an effective instant: USD per 1M tokens of a token type
 * of a canonical model, for a service and context tier.
 *
 * @param feedKey the feed's own name for the model, recorded in the version's origin
 */
public record FeedPrice(
        String model,
        TokenType tokenType,
        ServiceTier serviceTier,
        ContextTier contextTier,
        BigDecimal usdPerMillion,
        Long longContextThreshold,
        String feedKey) {

    Slot slot() {
        return new Slot(model, tokenType, serviceTier, contextTier);
    }

    Price asVersion(Instant effectiveFrom, String feedName) {
        return new Price(
                0,
                model,
                tokenType,
                serviceTier,
                contextTier,
                effectiveFrom,
                usdPerMillion,
                longContextThreshold,
                "feed " + feedName + " (" + feedKey + ")");
    }

    /** What a price is for, whatever its version. */
    public record Slot(String model, TokenType tokenType, ServiceTier serviceTier, ContextTier contextTier) {

        public static Slot of(Price price) {
            return new Slot(price.model(), price.tokenType(), price.serviceTier(), price.contextTier());
        }

        @Override
        public String toString() {
            return model + " " + tokenType.code() + " (" + serviceTier.code() + ", " + contextTier.code() + ")";
        }
    }
}
