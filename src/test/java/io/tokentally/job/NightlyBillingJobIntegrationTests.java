package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The same scenarios on PostgreSQL at 127.0.0.1:5432 (database {@code test}, user {@code postgres}),
 * in a schema of their own that Flyway creates.
 */
@SpringBootTest(properties = "tokentally.ingest.batch-size=100")
class NightlyBillingJobIntegrationTests extends NightlyBillingJobScenarios {

    static final Path WORK = TempFolders.create("tokentally-job-pg-");
    static final String SCHEMA = "job_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }

    @Override
    Path workDir() {
        return WORK;
    }
}
