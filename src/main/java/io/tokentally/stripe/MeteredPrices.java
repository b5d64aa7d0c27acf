package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import com.stripe.net.RequestOptions;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.PriceListParams;
import java.util.List;

/**
 * The price requests both set-ups make ({@link StripeSetup} for the amount layout, {@link TokenLayoutSetup} for the
 * tokens layout): find a price by lookup key, and create a metered monthly USD price on a meter under an
 * idempotency key made from its lookup key. Each set-up adds its own unit amount and metadata.
 *
 * <p>Stripe lets one price at a time use a lookup key, an archived (inactive) price included, and a list by lookup
 * key without {@code active} returns archived prices too. The two set-ups treat an archived price differently,
 * hence {@link #findPrice} and {@link #findActivePrice}.
 */
final class MeteredPrices {

    private MeteredPrices() {}

    /**
     * The price of {@code lookupKey}, archived or not, or null if there is none: what the tokens layout needs. Its
     * superseded prices stay in Stripe (ADR 0018) and an operator may archive one to stop new subscriptions on it,
     * but the subscription items already on it still bill it and must still be found to be moved; and a wanted
     * price that was archived still holds its lookup key, so creating it again would be refused.
     */
    static Price findPrice(StripeSender stripe, String lookupKey) throws StripeException, InterruptedException {
        return first(stripe, PriceListParams.builder().addLookupKey(lookupKey));
    }

    /**
     * The active price of {@code lookupKey}, or null if there is none: what the amount layout needs. The set-up tells
     * the operator to add its {@code <meter>_metered} prices to subscriptions, which an archived price cannot go on,
     * so an archived one is not reported as ready. The create that follows then fails on the lookup key the archived
     * price still holds, with Stripe's message, rather than list an unusable price (unless Stripe replays the first
     * create's answer under the same idempotency key, which it keeps for a day).
     */
    static Price findActivePrice(StripeSender stripe, String lookupKey) throws StripeException, InterruptedException {
        return first(stripe, PriceListParams.builder().addLookupKey(lookupKey).setActive(true));
    }

    /** The first price the list finds, or null; the read retried ({@link StripeSender#retried}). */
    private static Price first(StripeSender stripe, PriceListParams.Builder builder)
            throws StripeException, InterruptedException {
        PriceListParams params = builder.build();
        List<Price> prices = stripe.retried(
                "price " + params.getLookupKeys().get(0),
                () -> stripe.client().v1().prices().list(params).getData());
        return prices.isEmpty() ? null : prices.get(0);
    }

    /** The create request of a monthly metered USD price on the meter, without its unit amount. */
    static PriceCreateParams.Builder onMeter(String lookupKey, String meterId, String productName) {
        return PriceCreateParams.builder()
                .setCurrency("usd")
                .setLookupKey(lookupKey)
                .setRecurring(PriceCreateParams.Recurring.builder()
                        .setInterval(PriceCreateParams.Recurring.Interval.MONTH)
                        .setUsageType(PriceCreateParams.Recurring.UsageType.METERED)
                        .setMeter(meterId)
                        .build())
                .setProductData(PriceCreateParams.ProductData.builder()
                        .setName(productName)
                        .build());
    }

    /** Creates the price, idempotently by its lookup key, retried ({@link StripeSender#retried}). */
    static Price create(StripeSender stripe, PriceCreateParams params) throws StripeException, InterruptedException {
        RequestOptions options = RequestOptions.builder()
                .setIdempotencyKey("tokentally-setup-price-" + params.getLookupKey())
                .build();
        return stripe.retried(
                "price " + params.getLookupKey(),
                () -> stripe.client().v1().prices().create(params, options));
    }
}
