package io.tokentally.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;

class CachedHealthTests {

    static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void asksItsServiceOncePerPeriodHoweverOftenItIsAsked() {
        // given
        AtomicReference<Instant> now = new AtomicReference<>(START);
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        AtomicInteger asked = new AtomicInteger();
        CachedHealth health = new CachedHealth(
                () -> Health.up().withDetail("asked", asked.incrementAndGet()).build(), clock, Duration.ofSeconds(30));

        // when
        for (int i = 0; i < 50; i++) {
            health.health();
        }
        now.set(START.plusSeconds(29));
        Health withinThePeriod = health.health();
        now.set(START.plusSeconds(30));
        Health afterIt = health.health();

        // then
        assertThat(withinThePeriod.getDetails()).containsEntry("asked", 1);
        assertThat(afterIt.getDetails()).containsEntry("asked", 2);
        assertThat(asked).hasValue(2);
    }
}
