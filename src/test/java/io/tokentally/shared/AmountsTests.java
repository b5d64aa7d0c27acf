package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountsTests {

    @ParameterizedTest
    @CsvSource({
        "1000000, 2.5,            2.5", // 1,000,000 x 2.5 / 1e6
        "1234567, 2.5,            3.0864175", // 1,234,567 x 2.5 = 3,086,417.5; / 1e6
        "1,       0.15,           0.00000015", // 1 x 0.15 / 1e6
        "7,       0.000000000001, 0.000000000000000007", // 7 x 1e-12 / 1e6 = 7e-18, not rounded away
        "0,       15,             0",
        "3,       0.3333,         0.0000009999" // 3 x 0.3333 = 0.9999; / 1e6
    })
    void costIsTokensTimesPricePerMillionExactly(long tokens, String usdPerMillion, String expected) {
        // given
        BigDecimal price = new BigDecimal(usdPerMillion);

        // when
        BigDecimal cost = Amounts.cost(tokens, price);

        // then
        assertThat(cost).isEqualByComparingTo(expected);
    }

    @Test
    void costOfAStoredPriceWithNegativeScaleIsStillExact() {
        // given 10 USD per 1M as the price table reads it back after stripTrailingZeros: 1E+1
        BigDecimal price = new BigDecimal("10").stripTrailingZeros();

        // when
        BigDecimal cost = Amounts.cost(3, price);

        // then
        assertThat(cost).isEqualByComparingTo("0.00003"); // 3 x 10 / 1e6
        assertThat(Amounts.toText(cost)).isEqualTo("0.00003");
    }

    @ParameterizedTest
    @CsvSource({
        "1.999996, 10,  199999", // 199,999.6 tokens at $10 per million: the part of a token is not bought
        "0.00001,  10,  1",
        "0.0000099, 10, 0",
        "5,        0,   0", // a free model's price buys no count of tokens
        "2.4,      12,  200000"
    })
    void theWholeTokensAnAmountBuysAreRoundedDown(String usd, String usdPerMillion, long expected) {
        assertThat(Amounts.tokensBought(new BigDecimal(usd), new BigDecimal(usdPerMillion)))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "3.0864175, 30,   4.01234275", // 3.0864175 + 3.0864175 x 0.30 = 3.0864175 + 0.92592525
        "0.15,      12.5, 0.16875", // 0.15 + 0.15 x 0.125 = 0.15 + 0.01875
        "0.1365,    0,    0.1365",
        "2,         -100, 0", // 2 + 2 x -1
        "0.000001,  33.3, 0.000001333" // 0.000001 + 0.000001 x 0.333
    })
    void markupIsExact(String cost, String percent, String expected) {
        // given
        BigDecimal amount = new BigDecimal(cost);

        // when
        BigDecimal billed = Amounts.withMarkup(amount, new BigDecimal(percent));

        // then
        assertThat(billed).isEqualByComparingTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "0.005,      0.01", // half a cent rounds up
        "0.00499,    0.00",
        "0.004999999999, 0.00",
        "2.675,      2.68", // a double would hold 2.67499999... and round down
        "4.01234275, 4.01",
        "-0.005,     -0.01", // HALF_UP rounds away from zero
        "12,         12.00"
    })
    void roundsToCentsHalfUp(String amount, String expected) {
        // given
        BigDecimal value = new BigDecimal(amount);

        // when
        BigDecimal cents = Amounts.toMinorUnit(value);

        // then
        assertThat(cents).isEqualByComparingTo(expected);
        assertThat(cents.scale()).isEqualTo(2);
        assertThat(cents.toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} x {1} / {2} = {3}")
    @CsvSource({
        "0.166666666667, 1, 2, 0.083333333334", // half of an odd 12th decimal rounds up
        "0.000000000001, 1, 2, 0.000000000001",
        "2.5, 1, 2, 1.25",
        "0.3, 6, 3, 0.6", // a long-context cache price in the input's proportion
        "1, 1, 3, 0.333333333333"
    })
    void derivesAUnitPriceRoundedHalfUpToTwelveDecimals(
            String usd, String numerator, String denominator, String expected) {
        // when
        BigDecimal price =
                Amounts.derivedPrice(new BigDecimal(usd), new BigDecimal(numerator), new BigDecimal(denominator));

        // then
        assertThat(price.toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0.0000005, 0.000001", "0.00000049, 0.000000", "1.2345675, 1.234568"})
    void roundsToMicrosHalfUp(String amount, String expected) {
        // given
        BigDecimal value = new BigDecimal(amount);

        // when
        BigDecimal micros = Amounts.toMicros(value);

        // then
        assertThat(micros.toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "1.2300,   1.23",
        "1E-7,     0.0000001",
        "1E+3,     1000",
        "2.50E+2,  250",
        "0.000,    0",
        "0E-10,    0",
        "-0.50,    -0.5",
        "0.000000000000000007, 0.000000000000000007"
    })
    void writesPlainTextWithoutTrailingZerosOrExponent(String amount, String expected) {
        // given
        BigDecimal value = new BigDecimal(amount);

        // when
        String text = Amounts.toText(value);

        // then
        assertThat(text).isEqualTo(expected).doesNotContain("E", "e");
    }

    @ParameterizedTest
    @CsvSource({
        "0.00123400000000000000000000",
        "-0.00123400000000000000000000",
        "12345678901234.56789012345678901234",
        "100.00000000000000000000000000",
        "0.00000000000000000000000000",
        "7",
        "1.5E+3",
        "0.00000000000000000000000001"
    })
    void strippedIsStripTrailingZerosWithTheSameScale(String text) {
        // given
        BigDecimal amount = new BigDecimal(text);

        // when
        BigDecimal stripped = Amounts.stripped(amount);

        // then
        assertThat(stripped).isEqualTo(amount.stripTrailingZeros());
        assertThat(stripped.scale()).isEqualTo(amount.stripTrailingZeros().scale());
    }
}
