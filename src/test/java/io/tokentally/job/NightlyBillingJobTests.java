package io.tokentally.job;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The nightly job on the embedded default: an H2 file database in a fresh folder. */
@SpringBootTest(properties = "tokentally.ingest.batch-size=100")
class NightlyBillingJobTests extends NightlyBillingJobScenarios {

    static final Path WORK = TempFolders.create("tokentally-job-h2-");

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
