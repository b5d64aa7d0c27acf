package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Creates the amount layout's meters and their metered prices in Stripe when they are missing:
 * meters are found by event name, prices by lookup key, so running it again creates nothing. Only an active price
 * counts as found; the tokens layout counts archived ones too ({@link MeteredPrices#findActivePrice} says why). Each
 * request is spaced and retried as the upload's reads are ({@link StripeSender#retried}).
 */
@Component
public class StripeSetup {

    /** One micro-USD per meter unit: 0.0001 cents. */
    static final BigDecimal CENTS_PER_MICRO_USD = new BigDecimal("0.0001");

    private final StripeProperties properties;
    private final AmountMeterLayout layout;

    public StripeSetup(StripeProperties properties, AmountMeterLayout layout) {
        this.properties = properties;
        this.layout = layout;
    }

    /** What a line of the set-up report says about one meter and its price. */
    public record Item(
            String meter,
            String meterId,
            boolean meterCreated,
            String lookupKey,
            String priceId,
            boolean priceCreated) {}

    public List<Item> ensure() throws StripeException, InterruptedException {
        if (properties.dryRun()) {
            throw new IllegalStateException(
                    "STRIPE_API_KEY (tokentally.stripe.api-key) is not set: stripe setup needs a key");
        }
        StripeSender stripe = new StripeSender(properties);
        Map<String, String> meterIds = StripeLookups.meterIds(stripe);
        List<Item> items = new ArrayList<>();
        for (String eventName : layout.meters()) {
            items.add(ensure(stripe, meterIds, eventName));
        }
        return items;
    }

    /**
     * The lookup keys of the layout's prices Stripe has no active price under, in the layout's order; only reads. The
     * tokens layout sends usage Stripe cannot bill in tokens to these meters, so its set-up says which are missing.
     */
    public List<String> missingPrices() throws StripeException, InterruptedException {
        StripeSender stripe = new StripeSender(properties);
        List<String> missing = new ArrayList<>();
        for (String eventName : layout.meters()) {
            String lookupKey = lookupKeyOf(eventName);
            if (MeteredPrices.findActivePrice(stripe, lookupKey) == null) {
                missing.add(lookupKey);
            }
        }
        return missing;
    }

    /** Finds or creates one meter of the layout, then finds or creates its price; each request retried. */
    private Item ensure(StripeSender stripe, Map<String, String> meterIds, String eventName)
            throws StripeException, InterruptedException {
        String meterId = meterIds.get(eventName);
        boolean meterCreated = meterId == null;
        if (meterCreated) {
            meterId = SummingMeters.create(stripe, eventName, layout.displayName(eventName))
                    .getId();
        }
        String lookupKey = lookupKeyOf(eventName);
        Price price = MeteredPrices.findActivePrice(stripe, lookupKey);
        boolean priceCreated = price == null;
        if (priceCreated) {
            price = createPrice(stripe, eventName, lookupKey, meterId);
        }
        return new Item(eventName, meterId, meterCreated, lookupKey, price.getId(), priceCreated);
    }

    /** The lookup key of the price of the layout's meter of {@code eventName}. */
    private static String lookupKeyOf(String eventName) {
        return eventName + "_metered";
    }

    /** Creates the metered price of {@code lookupKey} on the meter: one micro-USD per unit. */
    private Price createPrice(StripeSender stripe, String eventName, String lookupKey, String meterId)
            throws StripeException, InterruptedException {
        return MeteredPrices.create(
                stripe,
                MeteredPrices.onMeter(lookupKey, meterId, layout.displayName(eventName))
                        .setUnitAmountDecimal(CENTS_PER_MICRO_USD)
                        .build());
    }
}
