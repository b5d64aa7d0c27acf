package io.tokentally.stripe;

import com.stripe.StripeClient;

/** stripe-java clients configured from {@link StripeProperties}: key, base URLs, retries, timeouts. */
final class StripeClients {

    private StripeClients() {}

    static StripeClient of(StripeProperties properties) {
        return of(properties, properties.maxNetworkRetries());
    }

    /** A client for the set-up commands: key, API base and retries, with stripe-java's default timeouts. */
    static StripeClient forSetup(StripeProperties properties) {
        return keyAndBase(properties)
                .setMaxNetworkRetries(properties.maxNetworkRetries())
                .build();
    }

    /** A client with its own number of network retries (a probe wants none). */
    static StripeClient of(StripeProperties properties, int maxNetworkRetries) {
        return keyAndBase(properties)
                .setMeterEventsBase(properties.meterEventsBase())
                .setMaxNetworkRetries(maxNetworkRetries)
                .setConnectTimeout(properties.connectTimeoutMillis())
                .setReadTimeout(properties.readTimeoutMillis())
                .build();
    }

    /** A client builder with the API key and the API base, what every client here starts from. */
    private static StripeClient.StripeClientBuilder keyAndBase(StripeProperties properties) {
        return StripeClient.builder().setApiKey(properties.apiKey()).setApiBase(properties.apiBase());
    }
}
