package io.tokentally.api;

import io.tokentally.ingest.S3Objects;
import io.tokentally.ingest.S3Properties;
import io.tokentally.ingest.S3Source;
import io.tokentally.stripe.StripeProbe;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health beyond the database: whether Stripe answers with the configured key (up with
 * {@code dry_run} when there is none) and, when a drop folder is configured, whether its bucket can
 * be reached. Both are in {@code /actuator/health}, not in the readiness group, so an outage of
 * either shows without taking the service out of rotation. Each is asked at most once per {@link #ASKED_EVERY}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
class ReachabilityHealthConfiguration {

    static final Duration ASKED_EVERY = Duration.ofSeconds(30);

    @Bean
    HealthIndicator stripeHealthIndicator(StripeProbe stripe, Clock clock) {
        return new CachedHealth(
                () -> {
                    if (stripe.dryRun()) {
                        return Health.up().withDetail("dry_run", true).build();
                    }
                    try {
                        stripe.check();
                        return Health.up().build();
                    } catch (Exception e) {
                        return Health.down()
                                .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                                .build();
                    }
                },
                clock,
                ASKED_EVERY);
    }

    @Bean
    @ConditionalOnExpression("'${tokentally.s3.drop:}' != ''")
    HealthIndicator s3HealthIndicator(S3Objects s3, S3Properties properties, Clock clock) {
        S3Source drop = S3Source.parse(properties.drop())
                .orElseThrow(() -> new IllegalStateException(
                        "tokentally.s3.drop must be [name=]s3://bucket/prefix, not '" + properties.drop() + "'"));
        return new CachedHealth(
                () -> {
                    try {
                        s3.checkBucket(drop.bucket());
                        return Health.up().withDetail("bucket", drop.bucket()).build();
                    } catch (RuntimeException e) {
                        return Health.down()
                                .withDetail("bucket", drop.bucket())
                                .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                                .build();
                    }
                },
                clock,
                ASKED_EVERY);
    }
}
