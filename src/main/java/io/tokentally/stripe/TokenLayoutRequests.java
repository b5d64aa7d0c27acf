package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.param.PriceCreateParams;
import io.tokentally.shared.Amounts;
import io.tokentally.stripe.TokenMeterLayout.TokenPrice;

/**
 * The price create request of the {@code tokens} layout's set-up; its meters: {@link SummingMeters}, its price
 * look-ups: {@link MeteredPrices#findPrice} (archived prices included, unlike the amount layout's).
 */
final class TokenLayoutRequests {

    private TokenLayoutRequests() {}

    /** Creates the metered price of {@code price} on the meter; returns its id. */
    static String createPrice(StripeSender stripe, TokenPrice price, String meterId)
            throws StripeException, InterruptedException {
        return MeteredPrices.create(stripe, priceParams(price, meterId)).getId();
    }

    /** The create request of a metered price: its unit amount in cents, its meter, and the version it prices. */
    private static PriceCreateParams priceParams(TokenPrice price, String meterId) {
        return MeteredPrices.onMeter(price.lookupKey(), meterId, price.displayName())
                // plain text: BigDecimal.toString would write 4.8E-7 for a tiny price
                .putExtraParam("unit_amount_decimal", Amounts.toText(price.centsPerUnit()))
                .putMetadata("tokentally_model", price.model())
                .putMetadata("tokentally_token_type", price.tokenType().code())
                .putMetadata("tokentally_price_version_id", Long.toString(price.priceVersionId()))
                .putMetadata("tokentally_effective_from", price.effectiveFrom().toString())
                .putMetadata("tokentally_usd_per_million", price.usdPerMillion().toPlainString())
                .putMetadata("tokentally_markup_percent", price.markupPercent().toPlainString())
                .build();
    }
}
