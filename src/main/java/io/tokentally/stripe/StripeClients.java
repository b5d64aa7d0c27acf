package io.tokentally.stripe;

import com.stripe.StripeClient;

/** stripe-java clients configured from {@link StripeProperties}: key, base URLs, retries, timeouts. */
final class StripeClients {

    private StripeClients() {}

    static StripeClient of(StripeProperties properties) {
        return of(properties, properties.maxNetworkRetries());
    }

    /** A client with its own number of network retries (a probe wants none). */
    static StripeClient of(StripeProperties properties, int maxNetworkRetries) {
        return StripeClient.builder()
                .setApiKey(properties.apiKey())
                .setApiBase(properties.apiBase())
                .setMeterEventsBase(properties.meterEventsBase())
                .setMaxNetworkRetries(maxNetworkRetries)
                .setConnectTimeout(properties.connectTimeoutMillis())
                .setReadTimeout(properties.readTimeoutMillis())
                .build();
    }
}
