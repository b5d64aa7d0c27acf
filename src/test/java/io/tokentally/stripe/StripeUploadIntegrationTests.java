package io.tokentally.stripe;

import io.tokentally.TempFolders;
import io.tokentally.shared.NovemberClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Upload scenarios against the fake Stripe (an HTTP server of the test), on the embedded H2 database. */
@SpringBootTest
@Import(NovemberClock.Beans.class)
class StripeUploadIntegrationTests extends StripeUploadScenarios {

    static final Path WORK = TempFolders.create("tokentally-stripe-h2-");
    static final FakeStripe STRIPE = start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        stripeProperties(registry, STRIPE, WORK);
    }

    static void stripeProperties(DynamicPropertyRegistry registry, FakeStripe stripe, Path work) {
        registry.add("tokentally.runs-dir", () -> work.resolve("runs").toString());
        registry.add("tokentally.stripe.api-key", () -> "sk_test_tokentally");
        registry.add("tokentally.stripe.api-base", stripe::baseUrl);
        registry.add("tokentally.stripe.meter-events-base", stripe::baseUrl);
        registry.add("tokentally.stripe.rate-per-second", () -> "200");
        registry.add("tokentally.stripe.backoff-millis", () -> "25");
        registry.add("tokentally.stripe.max-attempts", () -> "30");
        registry.add("tokentally.stripe.read-timeout-millis", () -> "2000");
        registry.add("tokentally.stripe.read-back-max-wait-seconds", () -> "3");
        registry.add("tokentally.stripe.read-back-poll-seconds", () -> "1");
        registry.add("tokentally.stripe.webhook-secret", () -> WEBHOOK_SECRET);
    }

    @AfterAll
    static void stop() {
        STRIPE.close();
    }

    @Override
    FakeStripe stripe() {
        return STRIPE;
    }

    @Override
    Path workDir() {
        return WORK;
    }

    static FakeStripe start() {
        return start(NovemberClock.CLOCK);
    }

    static FakeStripe start(Clock clock) {
        try {
            return new FakeStripe(clock).meters(LAYOUT.meters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
