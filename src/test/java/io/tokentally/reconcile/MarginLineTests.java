package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarginLineTests {

    static final LocalDate DAY = LocalDate.of(2026, 10, 9);

    @ParameterizedTest(name = "cost {0}, billed {1}, floor {2}% -> {3} {4}")
    @CsvSource({
        "2.5,  3.25, 0,  ,                   23.08",
        "2.5,  2.25, 0,  NEGATIVE_MARGIN,    -11.11",
        "2.5,  2.6,  5,  MARGIN_BELOW_FLOOR, 3.85",
        "2.5,  2.5,  0,  ,                   0.00",
        "2.5,  2.5,  1,  MARGIN_BELOW_FLOOR, 0.00",
        "0,    0,    10, ,                   "
    })
    void aLossIsAnErrorAndAMarginUnderTheFloorAWarning(
            String cost, String billed, String floor, String kind, String percent) {
        MarginLine line = new MarginLine("erin", "openai/gpt-4o", DAY, new BigDecimal(cost), new BigDecimal(billed));

        assertThat(line.finding(new BigDecimal(floor)).map(Finding::kind).orElse(null))
                .isEqualTo(kind);
        if (percent == null) {
            assertThat(line.marginPercent()).isNull();
        } else {
            assertThat(line.marginPercent()).isEqualByComparingTo(percent);
        }
    }
}
