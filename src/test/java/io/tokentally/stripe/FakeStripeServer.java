package io.tokentally.stripe;

import java.time.Clock;

/**
 * Runs the fake Stripe on its own, for measuring the uploader with the bench command:
 * {@code java -cp <test classpath> io.tokentally.stripe.FakeStripeServer [RATE_PER_SECOND]} (25 when not given,
 * as a sandbox's limit). It accepts every {@code cus_bench*} customer and the amount layout's meters, and prints its
 * base URL; what it holds is read as the engine reads it (meter event summaries), and its counts are printed when it
 * stops.
 */
public final class FakeStripeServer {

    private FakeStripeServer() {}

    public static void main(String[] args) throws Exception {
        FakeStripe stripe = new FakeStripe(Clock.systemUTC())
                .meters(new AmountMeterLayout("tokentally").meters())
                .acceptCustomersStartingWith("cus_bench")
                .ratePerSecond(args.length > 0 ? Integer.parseInt(args[0]) : 25);
        System.out.println(stripe.baseUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(
                    "calls " + stripe.calls() + ", events " + stripe.events().size() + ", 429 answers "
                            + stripe.rateLimited() + ", 409 answers " + stripe.conflicts());
            stripe.close();
        }));
        Thread.currentThread().join();
    }
}
