package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearestNameTests {

    private static final List<String> KNOWN = List.of(
            "spring.datasource.url",
            "spring.datasource.name",
            "spring.datasource.username",
            "spring.datasource.hikari.pool-name",
            "tokentally.attribution.mapping-file");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // two neighbouring letters swapped are one edit
                "spring.datasource.ulr | spring.datasource.url",
                "tokentally.attribution.mapping-fle | tokentally.attribution.mapping-file",
                // a short last part takes one edit for each three letters: these are other names, not misspellings
                "spring.datasource.user | ",
                "spring.datasource.pass | ",
                "spring.datasource.hikari.pool-size | ",
            })
    void suggestsANameOnlyWhenTheGivenOneIsNearEnoughForItsLength(String given, String expected) {
        assertThat(NearestName.of(
                        given, KNOWN, name -> name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")))
                .isEqualTo(expected);
    }
}
