package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.param.billing.MeterListParams;
import org.springframework.stereotype.Component;

/** Whether Stripe answers with the configured key: one cheap read (the first active meter). */
@Component
public class StripeProbe {

    private final StripeProperties properties;

    public StripeProbe(StripeProperties properties) {
        this.properties = properties;
    }

    public boolean dryRun() {
        return properties.dryRun();
    }

    /** Throws when Stripe cannot be reached or refuses the key; its message never holds the key. */
    public void check() throws StripeException {
        StripeClients.of(properties, 0)
                .v1()
                .billing()
                .meters()
                .list(MeterListParams.builder()
                        .setStatus(MeterListParams.Status.ACTIVE)
                        .setLimit(1L)
                        .build());
    }
}
