package io.tokentally.schedule;

import io.tokentally.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scheduler scenarios on PostgreSQL: ShedLock's JDBC provider on database time, and the fire table. */
@SpringBootTest(properties = {"tokentally.schedules.enabled=true", "tokentally.schedules.poll-interval=1h"})
class ScheduleRunnerIntegrationTests extends ScheduleRunnerScenarios {

    static final String SCHEMA = "schedule_it_" + Long.toString(System.nanoTime(), 36);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestPostgres.register(registry, SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws Exception {
        TestPostgres.dropSchema(SCHEMA);
    }
}
