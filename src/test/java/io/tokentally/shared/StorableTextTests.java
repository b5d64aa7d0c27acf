package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorableTextTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a lone high surrogate|a\uD800b|a\uFFFDb",
                "a lone low surrogate|a\uDC00b|a\uFFFDb",
                "a high surrogate at the end|ab\uD800|ab\uFFFD",
                "two highs, then a pair|\uD800\uD800\uDC00|\uFFFD\uD800\uDC00",
                "a low before a high|\uDC00\uD800|\uFFFD\uFFFD",
                "a pair alone|x\uD83D\uDE00y|x\uD83D\uDE00y",
                // PostgreSQL's text holds no NUL: stored, it failed the run there
                "a NUL|a\u0000b|a\uFFFDb",
                "a NUL after a pair|\uD83D\uDE00\u0000x|\uD83D\uDE00\uFFFDx"
            })
    void replacesEachUnpairedSurrogateAndEachNulAndKeepsPairs(String name, String text, String expected) {
        // when, then
        assertThat(StorableText.of(text)).isEqualTo(expected);
    }

    @Test
    void returnsTextWithoutSurrogatesAsItIs() {
        // given
        String text = "req-1 caf\u00e9 \uFFFD";

        // when, then
        assertThat(StorableText.of(text)).isSameAs(text);
    }

    @Test
    void returnsNullForNull() {
        // when, then
        assertThat(StorableText.of(null)).isNull();
    }
}
