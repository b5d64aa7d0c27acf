package io.tokentally.job;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Which copy of a repeated request id counts, on the embedded H2. */
@SpringBootTest
class RequestOrderJobTests extends RequestOrderScenarios {

    static final Path WORK = TempFolders.create("tokentally-order-h2-");

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
