package io.tokentally.ingest;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The reject scenarios with PostgreSQL at 127.0.0.1:5432, in a schema of their own: there a result is fetched in
 * batches only inside a transaction. A small pool, closed after the class.
 */
@SpringBootTest
@DirtiesContext
class RejectRepositoryPostgresIntegrationTests extends RejectRepositoryScenarios {

    static final Path WORK = TempFolders.create("tokentally-rejects-");
    static final String SCHEMA = "rejects_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }
}
