package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainNumbersTests {

    @ParameterizedTest
    @ValueSource(strings = {"\u0665", "1\u0660", "\uFF15", "\u096B"})
    void refusesDigitsOtherThanZeroToNineThatJavasParsersTake(String text) {
        // given: Arabic-Indic, full-width and Devanagari digits, which Java's parsers read as numbers
        assertThat(new BigDecimal(text).signum()).isPositive();

        // then
        assertThatThrownBy(() -> PlainNumbers.decimal(text)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> PlainNumbers.wholeLong(text)).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> PlainNumbers.wholeInt(text)).isInstanceOf(NumberFormatException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "-12", "+7", "0"})
    void readsNumbersOfTheDigitsZeroToNine(String text) {
        assertThat(PlainNumbers.decimal(text)).isEqualByComparingTo(text);
        assertThat(PlainNumbers.wholeLong(text)).isEqualTo(Long.parseLong(text));
        assertThat(PlainNumbers.wholeInt(text)).isEqualTo(Integer.parseInt(text));
        assertThat(PlainNumbers.decimal("1.5E+3")).isEqualByComparingTo("1500");
    }
}
