package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import io.tokentally.stripe.FakeStripe;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The closed-period scenarios with PostgreSQL at 127.0.0.1:5432, in a schema of their own. */
@SpringBootTest
@Import(ClosedPeriodScenarios.ClockConfiguration.class)
class ClosedPeriodPostgresIntegrationTests extends ClosedPeriodScenarios {

    static final Path WORK = TempFolders.create("tokentally-closed-pg-");
    static final FakeStripe STRIPE = start();
    static final String SCHEMA = "closed_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        properties(registry, STRIPE, WORK);
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
