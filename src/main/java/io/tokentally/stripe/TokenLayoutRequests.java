package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import com.stripe.net.RequestOptions;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.PriceListParams;
import io.tokentally.shared.Amounts;
import io.tokentally.stripe.TokenMeterLayout.TokenPrice;
import java.util.List;

/** The price requests of the {@code tokens} layout's set-up; its meters: {@link SummingMeters}. */
final class TokenLayoutRequests {

    private TokenLayoutRequests() {}

    /** The price of {@code lookupKey}, or null if there is none. */
    static Price findPrice(StripeClient client, String lookupKey) throws StripeException {
        List<Price> prices = client.v1()
                .prices()
                .list(PriceListParams.builder().addLookupKey(lookupKey).build())
                .getData();
        return prices.isEmpty() ? null : prices.get(0);
    }

    /** Creates the metered price of {@code price} on the meter; returns its id. */
    static String createPrice(StripeClient client, TokenPrice price, String meterId) throws StripeException {
        return client.v1()
                .prices()
                .create(
                        priceParams(price, meterId),
                        RequestOptions.builder()
                                .setIdempotencyKey("tokentally-setup-price-" + price.lookupKey())
                                .build())
                .getId();
    }

    /** The create request of a metered price: its unit amount in cents, its meter, and the version it prices. */
    private static PriceCreateParams priceParams(TokenPrice price, String meterId) {
        return PriceCreateParams.builder()
                .setCurrency("usd")
                .setLookupKey(price.lookupKey())
                // plain text: BigDecimal.toString would write 4.8E-7 for a tiny price
                .putExtraParam("unit_amount_decimal", Amounts.toText(price.centsPerUnit()))
                .setRecurring(PriceCreateParams.Recurring.builder()
                        .setInterval(PriceCreateParams.Recurring.Interval.MONTH)
                        .setUsageType(PriceCreateParams.Recurring.UsageType.METERED)
                        .setMeter(meterId)
                        .build())
                .setProductData(PriceCreateParams.ProductData.builder()
                        .setName(price.displayName())
                        .build())
                .putMetadata("tokentally_model", price.model())
                .putMetadata("tokentally_token_type", price.tokenType().code())
                .putMetadata("tokentally_price_version_id", Long.toString(price.priceVersionId()))
                .putMetadata("tokentally_effective_from", price.effectiveFrom().toString())
                .putMetadata("tokentally_usd_per_million", price.usdPerMillion().toPlainString())
                .putMetadata("tokentally_markup_percent", price.markupPercent().toPlainString())
                .build();
    }
}
