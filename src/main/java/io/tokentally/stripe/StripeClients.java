package io.tokentally.stripe;

import com.stripe.StripeClient;

/**
 * stripe-java clients configured from {@link StripeProperties}: key, base URLs, retries, timeouts. stripe-java calls
 * through the JDK's {@code HttpURLConnection}, which, unless {@value #RETRY_POST} is false, sends a POST again on its
 * own when the connection closes before the answer: a call Stripe applied and whose answer was lost then ends with the
 * second request's answer alone (a 429, say), and the row seems to have reached nothing. The command line ({@code
 * TokentallyCommand.execute}) turns that off before any connection is made.
 */
public final class StripeClients {

    /** The JDK's switch for its own resend of a POST, read once, when its HTTP client class is first loaded. */
    private static final String RETRY_POST = "sun.net.http.retryPost";

    private StripeClients() {}

    /** Turns off the JDK's own resend of a POST; of effect only before the JVM's first HTTP connection. */
    public static void neverResendPosts() {
        System.setProperty(RETRY_POST, "false");
    }

    static StripeClient of(StripeProperties properties) {
        return of(properties, properties.maxNetworkRetries());
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
