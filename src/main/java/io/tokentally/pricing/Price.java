package io.tokentally.pricing;

import io.tokentally.shared.ContextTier;
import io.tokentally.shared.ServiceTier;
import io.tokentally.shared.StorableText;
import io.tokentally.shared.TokenType;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One version of one price: USD per 1M units of a token type of a model, for a service and context
 * tier, in force from {@code effectiveFrom} until the next version.
 *
 * @param priceId the catalog row, 0 before it is stored
 * @param longContextThreshold prompt tokens above which a request of this model is long-context, or null
 * @param origin where the price came from: a file name, or how it was derived
 */
public record Price(
        long priceId,
        String model,
        TokenType tokenType,
        ServiceTier serviceTier,
        ContextTier contextTier,
        Instant effectiveFrom,
        BigDecimal usdPerMillion,
        Long longContextThreshold,
        String origin) {

    /** The longest origin kept ({@code price.origin}). */
    static final int ORIGIN_LENGTH = 200;

    /**
     * An origin longer than the column keeps is cut, ending in {@code …}: a derived price's names the price it comes
     * from, whose origin may name a feed's long key (its start, which says the feed, is kept).
     */
    public Price {
        if (origin.length() > ORIGIN_LENGTH) {
            origin = StorableText.cut(origin, ORIGIN_LENGTH - 1) + "…";
        }
    }

    /** This version from another origin (a prices file's row given as an override). */
    public Price withOrigin(String otherOrigin) {
        return withOrigin(otherOrigin, longContextThreshold);
    }

    /** This version from another origin, with another long-context threshold (a derived one made the model's own). */
    Price withOrigin(String otherOrigin, Long otherThreshold) {
        return new Price(
                priceId,
                model,
                tokenType,
                serviceTier,
                contextTier,
                effectiveFrom,
                usdPerMillion,
                otherThreshold,
                otherOrigin);
    }

    public String provider() {
        return model.substring(0, model.indexOf('/'));
    }

    /** Whether the catalog derived this version from others (a batch or long-context cache price). */
    public boolean derived() {
        return origin.startsWith(PriceRepository.DERIVED);
    }

    Key key() {
        return new Key(model, tokenType, serviceTier, contextTier, effectiveFrom);
    }

    /** What identifies a price version. */
    record Key(
            String model,
            TokenType tokenType,
            ServiceTier serviceTier,
            ContextTier contextTier,
            Instant effectiveFrom) {

        /** The version in words, as messages name it: "output of openai/gpt-4o (standard, standard) effective ...". */
        @Override
        public String toString() {
            return tokenType.code() + " of " + model + " (" + serviceTier.code() + ", " + contextTier.code()
                    + ") effective " + effectiveFrom;
        }
    }
}
