package io.tokentally.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The clock of the job scenarios whose usage must fall in an open billing period: it reads 30 November 2026,
 * 12:00 UTC when the class is loaded and runs on from there. Their days (written into the scenarios, or counted
 * back from {@link #today()}) then lie in a calendar month whose period is still open, whatever the day the suite
 * runs. On the real clock, a suite run in December found November closed, and a run early in any month found the
 * days counted back in the month before, also closed: their usage went to Stripe as invoice items, not meter events.
 * A scenario class imports {@link Beans} for the application and builds its fake Stripe on {@link #CLOCK}.
 */
public final class NovemberClock {

    public static final Instant START = Instant.parse("2026-11-30T12:00:00Z");
    public static final Clock CLOCK =
            Clock.offset(Clock.systemUTC(), Duration.between(Clock.systemUTC().instant(), START));

    private NovemberClock() {}

    /** The UTC day the clock reads now. */
    public static LocalDate today() {
        return LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC);
    }

    /** The application's clock, for a scenario class to import. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Beans {

        @Bean
        @Primary
        Clock novemberClock() {
            return CLOCK;
        }
    }
}
