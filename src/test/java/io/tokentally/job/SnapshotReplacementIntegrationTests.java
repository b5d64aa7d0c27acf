package io.tokentally.job;

import io.tokentally.TempFolders;
import io.tokentally.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The snapshot scenarios on PostgreSQL, in a schema of their own. */
@SpringBootTest(properties = "tokentally.attribution.mapping-file=sample-data/customer-keys.csv")
class SnapshotReplacementIntegrationTests extends SnapshotReplacementScenarios {

    static final Path WORK = TempFolders.create("tokentally-snapshots-pg-");
    static final String SCHEMA = "snapshots_it_" + Long.toString(System.nanoTime(), 36);

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
