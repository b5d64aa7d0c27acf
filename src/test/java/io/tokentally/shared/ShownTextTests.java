package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShownTextTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            ignoreLeadingAndTrailingWhitespace = false,
            value = {
                "plain text, a space kept|acme corp|'acme corp'",
                // an unknown customer id that reads as a known one
                "a trailing no-break space|c1\u00A0|'c1\\u00A0'",
                "a vertical tab after a count|100\u000B|'100\\u000B'",
                "a zero-width space|ac\u200Bme|'ac\\u200Bme'",
                "a byte-order mark|\uFEFFacme|'\\uFEFFacme'",
                // a tag character, a format character of a supplementary plane: two units, not five hex digits
                "a tag letter|acme\uDB40\uDC41|'acme\\uDB40\\uDC41'",
                "a letter outside Latin-1 kept|café ü 東京|'café ü 東京'"
            })
    void quotesAValueAndWritesWhatCannotBeSeenAsAnEscape(String name, String value, String shown) {
        // when, then
        assertThat(ShownText.quoted(value)).isEqualTo(shown);
    }
}
