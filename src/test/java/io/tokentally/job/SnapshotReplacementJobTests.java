package io.tokentally.job;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The snapshot scenarios on the embedded database. */
@SpringBootTest(properties = "tokentally.attribution.mapping-file=sample-data/customer-keys.csv")
class SnapshotReplacementJobTests extends SnapshotReplacementScenarios {

    static final Path WORK = TempFolders.create("tokentally-snapshots-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }

    @Override
    Path workDir() {
        return WORK;
    }
}
