package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The pricing-model scenarios against the fake Stripe, on the embedded H2 database. */
@SpringBootTest
class PricingModelsIntegrationTests extends PricingModelsScenarios {

    static final Path WORK = TempFolders.create("tokentally-pricing-h2-");
    static final FakeStripe STRIPE = start();
    static final WebhookReceiver WEBHOOK = new WebhookReceiver();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        properties(registry, STRIPE, WORK);
        registry.add("tokentally.balances.webhook-url", WEBHOOK::url);
    }

    @AfterAll
    static void stop() {
        STRIPE.close();
        WEBHOOK.close();
    }

    @Override
    FakeStripe stripe() {
        return STRIPE;
    }

    @Override
    WebhookReceiver webhook() {
        return WEBHOOK;
    }

    @Override
    Path workDir() {
        return WORK;
    }
}
