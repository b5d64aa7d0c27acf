package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JacksonMessagesTests {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED"
                        + " (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); byte offset: #UNKNOWN])"
                        + " | Unexpected end-of-input: expected close marker for Object",
                "Unexpected character ('1' (code 49)): was expecting a colon to separate property name and value"
                        + " | Unexpected character ('1' (code 49)): was expecting a colon to separate property name"
                        + " and value",
                "Unexpected end-of-input at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled);"
                        + " line: 1, column: 7] | Unexpected end-of-input",
            })
    void dropsTheReadersNoteOfItsSourceAndKeepsTheRest(String message, String shown) {
        assertThat(JacksonMessages.withoutSource(message)).isEqualTo(shown);
    }
}
