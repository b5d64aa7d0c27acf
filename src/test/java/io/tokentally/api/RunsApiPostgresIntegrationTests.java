package io.tokentally.api;

import io.tokentally.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The REST trigger's scenarios with PostgreSQL as the database and job repository, in a schema of their own. */
class RunsApiPostgresIntegrationTests extends RunsApiIntegrationTests {

    static final String SCHEMA = "api_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs-postgres").toString());
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }
}
