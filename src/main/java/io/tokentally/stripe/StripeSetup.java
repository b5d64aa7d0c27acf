package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Price;
import com.stripe.model.billing.Meter;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Creates the amount layout's meters and their metered prices in Stripe when they are missing:
 * meters are found by event name, prices by lookup key, so running it again creates nothing. Only an active price
 * counts as found; the tokens layout counts archived ones too ({@link MeteredPrices#findActivePrice} says why).
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

    public List<Item> ensure() throws StripeException {
        if (properties.dryRun()) {
            throw new IllegalStateException(
                    "STRIPE_API_KEY (tokentally.stripe.api-key) is not set: stripe setup needs a key");
        }
        StripeClient client = StripeClients.forSetup(properties);
        List<Meter> existing = activeMeters(client);
        List<Item> items = new ArrayList<>();
        for (String eventName : layout.meters()) {
            items.add(ensure(client, existing, eventName));
        }
        return items;
    }

    /** Finds or creates one meter of the layout, then finds or creates its price. */
    private Item ensure(StripeClient client, List<Meter> existing, String eventName) throws StripeException {
        Meter meter = existing.stream()
                .filter(m -> eventName.equals(m.getEventName()))
                .findFirst()
                .orElse(null);
        boolean meterCreated = meter == null;
        if (meterCreated) {
            meter = SummingMeters.create(client, eventName, layout.displayName(eventName));
        }
        String lookupKey = eventName + "_metered";
        Price price = MeteredPrices.findActivePrice(client, lookupKey);
        boolean priceCreated = price == null;
        if (priceCreated) {
            price = createPrice(client, eventName, lookupKey, meter.getId());
        }
        return new Item(eventName, meter.getId(), meterCreated, lookupKey, price.getId(), priceCreated);
    }

    /** The account's active meters, in Stripe's order. */
    private static List<Meter> activeMeters(StripeClient client) throws StripeException {
        List<Meter> existing = new ArrayList<>();
        client.v1()
                .billing()
                .meters()
                .list(MeterListParams.builder()
                        .setStatus(MeterListParams.Status.ACTIVE)
                        .setLimit(100L)
                        .build())
                .autoPagingIterable()
                .forEach(existing::add);
        return existing;
    }

    /** Creates the metered price of {@code lookupKey} on the meter: one micro-USD per unit. */
    private Price createPrice(StripeClient client, String eventName, String lookupKey, String meterId)
            throws StripeException {
        return MeteredPrices.create(
                client,
                MeteredPrices.onMeter(lookupKey, meterId, layout.displayName(eventName))
                        .setUnitAmountDecimal(CENTS_PER_MICRO_USD)
                        .build());
    }
}
