package io.tokentally.schedule;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScheduledLauncherTests {

    @Test
    void aUsageDayThatHasNotBegunInUtcIsNotStarted() {
        // given 11:00 UTC on 2 December: 00:00 on 3 December in Auckland, whose same-day window is 3 December
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T11:00:00Z"), ZoneOffset.UTC);
        ScheduledLauncher launcher = new ScheduleConfiguration().scheduledLauncher(null, clock);

        // when, then: refused before any run, as the API and the command line refuse it
        assertThatThrownBy(() -> launcher.launch(null, LocalDate.parse("2026-12-03")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("2026-12-03 is after today, 2026-12-02 (UTC): a day is run once it has begun");
    }
}
