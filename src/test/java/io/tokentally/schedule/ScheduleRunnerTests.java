package io.tokentally.schedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scheduler scenarios on the embedded default, H2. */
@SpringBootTest(properties = {"tokentally.schedules.enabled=true", "tokentally.schedules.poll-interval=1h"})
class ScheduleRunnerTests extends ScheduleRunnerScenarios {

    static final Path WORK = temporaryFolder("tokentally-schedule-h2-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
    }

    static Path temporaryFolder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
