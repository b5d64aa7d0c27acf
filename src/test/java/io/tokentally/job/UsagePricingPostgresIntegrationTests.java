package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.shared.NovemberClock;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The usage-pricing scenarios (held usage, custom rates) with PostgreSQL at 127.0.0.1:5432, in a schema
 * of their own. A small pool, closed after the class: the server's connections are shared.
 */
@SpringBootTest
@Import(NovemberClock.Beans.class)
@DirtiesContext
class UsagePricingPostgresIntegrationTests extends UsagePricingScenarios {

    static final Path WORK = TempFolders.create("tokentally-usage-pricing-pg-");
    static final FakeStripe STRIPE = PricingModelsScenarios.start(NovemberClock.CLOCK);
    static final String SCHEMA = "held_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        PricingModelsScenarios.properties(registry, STRIPE, WORK);
    }

    @AfterAll
    static void stop() throws Exception {
        STRIPE.close();
        TestPostgres.dropSchema(SCHEMA);
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
