package io.tokentally.stripe;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.shared.NovemberClock;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The upload scenarios with PostgreSQL at 127.0.0.1:5432 as the database, in a schema of their own. */
@SpringBootTest
@Import(NovemberClock.Beans.class)
class StripeUploadPostgresIntegrationTests extends StripeUploadScenarios {

    static final Path WORK = TempFolders.create("tokentally-stripe-pg-");
    static final FakeStripe STRIPE = StripeUploadIntegrationTests.start();
    static final String SCHEMA = "stripe_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        StripeUploadIntegrationTests.stripeProperties(registry, STRIPE, WORK);
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
