package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboxPlannerTests {

    @Test
    void anIdentifierNamesItsHourByItsProlepticYearSoThatYearZeroIsNotYearOne() {
        assertThat(OutboxPlanner.identifier("acme", "usage", Instant.parse("2026-11-27T10:00:00Z"), 0))
                .matches("tt-[0-9a-f]{24}-2026112710-r0");
        assertThat(OutboxPlanner.identifier("acme", "usage", Instant.parse("0000-01-15T10:00:00Z"), 0))
                .matches("tt-[0-9a-f]{24}-0000011510-r0");
    }
}
