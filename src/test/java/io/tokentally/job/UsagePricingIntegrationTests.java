package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.shared.NovemberClock;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The usage-pricing scenarios (held usage, custom rates) against the fake Stripe, on the embedded H2 database. */
@SpringBootTest
@Import(NovemberClock.Beans.class)
class UsagePricingIntegrationTests extends UsagePricingScenarios {

    static final Path WORK = TempFolders.create("tokentally-usage-pricing-h2-");
    static final FakeStripe STRIPE = PricingModelsScenarios.start(NovemberClock.CLOCK);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        PricingModelsScenarios.properties(registry, STRIPE, WORK);
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
}
