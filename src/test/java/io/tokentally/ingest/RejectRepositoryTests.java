package io.tokentally.ingest;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The reject scenarios on the embedded database. */
@SpringBootTest
class RejectRepositoryTests extends RejectRepositoryScenarios {

    static final Path WORK = TempFolders.create("tokentally-rejects-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
        registry.add("tokentally.runs-dir", () -> WORK.resolve("runs").toString());
    }
}
