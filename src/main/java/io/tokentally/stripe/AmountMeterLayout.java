package io.tokentally.stripe;

import io.tokentally.shared.Amounts;
import io.tokentally.shared.TokenType;
import java.util.List;

/**
 * The {@code amount} meter layout: one meter per token class (input, cache, output) and one for the
 * non-token units (web searches, images, audio seconds), whose value is the billed amount in integer
 * micro-USD (priced at 0.0001 cents per unit in Stripe). Works on every Stripe account.
 */
public final class AmountMeterLayout {

    private final String prefix;

    public AmountMeterLayout(String prefix) {
        this.prefix = prefix;
    }

    /** The meter (event name) that bills a token type. */
    public String meterFor(TokenType tokenType) {
        return switch (tokenType) {
            case INPUT -> prefix + "_input" + Amounts.AMOUNT_METER_SUFFIX;
            case CACHE_READ, CACHE_WRITE_5M, CACHE_WRITE_1H -> prefix + "_cache" + Amounts.AMOUNT_METER_SUFFIX;
            case OUTPUT -> prefix + "_output" + Amounts.AMOUNT_METER_SUFFIX;
            case WEB_SEARCH_REQUEST, IMAGE, AUDIO_SECOND -> prefix + "_units" + Amounts.AMOUNT_METER_SUFFIX;
        };
    }

    public List<String> meters() {
        return List.of(
                meterFor(TokenType.INPUT),
                meterFor(TokenType.CACHE_READ),
                meterFor(TokenType.OUTPUT),
                meterFor(TokenType.WEB_SEARCH_REQUEST));
    }

    /** A human name for a meter, for Stripe's display name. */
    public String displayName(String meter) {
        String tokenClass = meter.substring(prefix.length() + 1, meter.indexOf(Amounts.AMOUNT_METER_SUFFIX));
        return tokenClass.equals("units")
                ? "LLM non-token units (USD micros)"
                : "LLM " + tokenClass + " tokens (USD micros)";
    }
}
