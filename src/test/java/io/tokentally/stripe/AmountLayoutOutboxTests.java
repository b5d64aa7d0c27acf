package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.shared.BillingPeriod;
import java.time.Instant;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountLayoutOutboxTests {

    @ParameterizedTest(name = "{0} to {1}, changed {2}: from {3}")
    @CsvSource(
            delimiter = ';',
            nullValues = "none",
            value = {
                // a UTC period: from the first changed hour's day
                "2026-11-01T00:00:00Z; 2026-12-01T00:00:00Z; 2026-11-14T07:00:00Z 2026-11-20T03:00:00Z;"
                        + " 2026-11-14T00:00:00Z",
                // changed hours of other periods do not count
                "2026-11-01T00:00:00Z; 2026-12-01T00:00:00Z; 2026-10-31T23:00:00Z 2026-11-02T05:00:00Z;"
                        + " 2026-11-02T00:00:00Z",
                "2026-11-01T00:00:00Z; 2026-12-01T00:00:00Z; 2026-10-31T23:00:00Z 2026-12-01T00:00:00Z; none",
                // a period cut at another zone's midnight: from its start
                "2026-11-01T05:00:00Z; 2026-12-01T05:00:00Z; 2026-11-14T07:00:00Z; 2026-11-01T05:00:00Z",
                // cut at UTC midnight at one end only (a daylight saving change in between): from its start
                "2026-10-01T00:00:00Z; 2026-11-01T01:00:00Z; 2026-10-20T07:00:00Z; 2026-10-01T00:00:00Z"
            })
    void plansFromTheFirstChangedDayOfAPeriodCutAtUtcMidnights(
            String start, String end, String changed, String expected) {
        TreeSet<Instant> hours = new TreeSet<>();
        Arrays.stream(changed.split(" ")).map(Instant::parse).forEach(hours::add);

        Instant from = AmountLayoutOutbox.planFrom(new BillingPeriod(Instant.parse(start), Instant.parse(end)), hours);

        assertThat(from).isEqualTo(expected == null ? null : Instant.parse(expected));
    }
}
