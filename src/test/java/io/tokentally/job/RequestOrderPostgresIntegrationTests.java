package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Which copy of a repeated request id counts, on PostgreSQL (the commit lock is an advisory lock there). */
@SpringBootTest
class RequestOrderPostgresIntegrationTests extends RequestOrderScenarios {

    static final Path WORK = TempFolders.create("tokentally-order-pg-");
    static final String SCHEMA = "order_it_" + Long.toString(System.nanoTime(), 36);

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
