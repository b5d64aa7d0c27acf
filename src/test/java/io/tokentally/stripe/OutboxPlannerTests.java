package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboxPlannerTests {

    @Test
    void anIdentifierIsTheHashOfCustomerMeterAndHourThenTheHourByItsProlepticYear() {
        // when: the first 24 hex digits of sha256("acme|usage|<hour>"), computed apart from the engine
        String november = OutboxPlanner.identifier("acme", "usage", Instant.parse("2026-11-27T10:00:00Z"), 0);
        String yearZero = OutboxPlanner.identifier("acme", "usage", Instant.parse("0000-01-15T10:00:00Z"), 3);

        // then: year 0 was written as year 1
        assertThat(november).isEqualTo("tt-d1fafcec2e40439cb3349484-2026112710-r0");
        assertThat(yearZero).isEqualTo("tt-182395a34cfb890711e3b9a5-0000011510-r3");
    }
}
