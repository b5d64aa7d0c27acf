package io.tokentally.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health indicator that asks its service at most once per {@code period}, however many callers ask it:
 * {@code /actuator/health} takes no token, and every call would otherwise cost a request to Stripe with the
 * account's key (and its rate limit).
 */
final class CachedHealth implements HealthIndicator {

    private final HealthIndicator indicator;
    private final Clock clock;
    private final Duration period;
    private Health last;
    private Instant askedAt;

    CachedHealth(HealthIndicator indicator, Clock clock, Duration period) {
        this.indicator = indicator;
        this.clock = clock;
        this.period = period;
    }

    /**
     * Callers take turns: while the service is asked (a slow Stripe answer, its retries), the others wait for that
     * answer rather than asking too. Liveness and readiness do not include these indicators, so a probe never waits.
     */
    @Override
    public synchronized Health health() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(askedAt.plus(period))) {
            last = indicator.health();
            askedAt = now;
        }
        return last;
    }
}
