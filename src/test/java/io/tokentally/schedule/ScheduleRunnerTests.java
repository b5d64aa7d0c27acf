package io.tokentally.schedule;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scheduler scenarios on the embedded default, H2. */
@SpringBootTest(properties = {"tokentally.schedules.enabled=true", "tokentally.schedules.poll-interval=1h"})
class ScheduleRunnerTests extends ScheduleRunnerScenarios {

    static final Path WORK = TempFolders.create("tokentally-schedule-h2-");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tokentally.data-dir", () -> WORK.resolve("data").toString());
    }
}
