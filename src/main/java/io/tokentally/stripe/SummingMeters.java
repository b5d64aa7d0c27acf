package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.billing.Meter;
import com.stripe.net.RequestOptions;
import com.stripe.param.billing.MeterCreateParams;

/** Creates the Stripe meters both layouts' set-up provision: one per event name, summing its events. */
final class SummingMeters {

    private SummingMeters() {}

    /** Creates the meter of {@code eventName}, idempotent on the event name, retried ({@link StripeSender#retried}). */
    static Meter create(StripeSender stripe, String eventName, String displayName)
            throws StripeException, InterruptedException {
        MeterCreateParams params = MeterCreateParams.builder()
                .setEventName(eventName)
                .setDisplayName(displayName)
                .setDefaultAggregation(MeterCreateParams.DefaultAggregation.builder()
                        .setFormula(MeterCreateParams.DefaultAggregation.Formula.SUM)
                        .build())
                .build();
        RequestOptions options = RequestOptions.builder()
                .setIdempotencyKey("tokentally-setup-meter-" + eventName)
                .build();
        return stripe.retried(
                "meter " + eventName,
                () -> stripe.client().v1().billing().meters().create(params, options));
    }
}
