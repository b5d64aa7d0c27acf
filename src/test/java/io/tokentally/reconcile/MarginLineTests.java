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
        "0,    0,    10, ,                   ",
        // nothing billed (a -100% markup) for a cost: a loss of no percent
        "0.2,  0,    25, NEGATIVE_MARGIN,    ",
        // 0.5 of 3 is 16.666...%: shown as 16.67, compared exactly
        "2.5,  3,    16.67,  MARGIN_BELOW_FLOOR, 16.67",
        "2.5,  3,    16.669, MARGIN_BELOW_FLOOR, 16.67",
        "2.5,  3,    16.66,  ,                   16.67"
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

    @ParameterizedTest(name = "cost {0} of {1} billed, floor {2}%")
    @CsvSource({
        // a margin of 16.666...%
        "2.5,   3, 16.669, 16.6666",
        "2.5,   3, 16.67,  16.666",
        "2.5,   3, 17,     16.66",
        // of 21.6%: shown to as many decimals in the evidence as in the message (hunt BK)
        "0.784, 1, 25,     21.60",
        "0.784, 1, 24.625, 21.6000"
    })
    void aMarginUnderTheFloorIsNeverShownAtOrAboveIt(String cost, String billed, String floor, String shown) {
        // given
        MarginLine line = new MarginLine("erin", "openai/gpt-4o", DAY, new BigDecimal(cost), new BigDecimal(billed));

        // when
        Finding finding = line.finding(new BigDecimal(floor)).orElseThrow();

        // then the message and the evidence give the same percent
        assertThat(finding.message()).contains("margin " + shown + "% is below the floor of " + floor + "%");
        assertThat(finding.evidence()).contains("\"margin_percent\":\"" + shown + "\"");
    }
}
