package io.tokentally.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.billing.Meter;
import com.stripe.net.RequestOptions;
import com.stripe.param.billing.MeterCreateParams;

/** Creates the Stripe meters both layouts' set-up provision: one per event name, summing its events. */
final class SummingMeters {

    private SummingMeters() {}

    /** Creates the meter of {@code eventName}, idempotent on the event name. */
    static Meter create(StripeClient client, String eventName, String displayName) throws StripeException {
        return client.v1()
                .billing()
                .meters()
                .create(
                        MeterCreateParams.builder()
                                .setEventName(eventName)
                                .setDisplayName(displayName)
                                .setDefaultAggregation(MeterCreateParams.DefaultAggregation.builder()
                                        .setFormula(MeterCreateParams.DefaultAggregation.Formula.SUM)
                                        .build())
                                .build(),
                        RequestOptions.builder()
                                .setIdempotencyKey("tokentally-setup-meter-" + eventName)
                                .build());
    }
}
