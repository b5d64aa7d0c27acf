package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The pricing-model scenarios with PostgreSQL at 127.0.0.1:5432, in a schema of their own. */
@SpringBootTest
class PricingModelsPostgresIntegrationTests extends PricingModelsScenarios {

    static final Path WORK = TempFolders.create("tokentally-pricing-pg-");
    static final FakeStripe STRIPE = start();
    static final WebhookReceiver WEBHOOK = new WebhookReceiver();
    static final String SCHEMA = "pricing_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        properties(registry, STRIPE, WORK);
        registry.add("tokentally.balances.webhook-url", WEBHOOK::url);
    }

    @AfterAll
    static void stop() throws Exception {
        STRIPE.close();
        WEBHOOK.close();
        TestPostgres.dropSchema(SCHEMA);
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
