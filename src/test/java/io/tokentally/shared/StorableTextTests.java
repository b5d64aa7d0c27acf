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

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "shorter than the cut|ab\uD83D\uDE00|5|ab\uD83D\uDE00",
                "a cut inside a pair|ab\uD83D\uDE00|3|ab",
                "a cut after a pair|ab\uD83D\uDE00c|4|ab\uD83D\uDE00",
                "a cut of plain text|abcdef|3|abc"
            })
    void cutsWithoutSplittingAPair(String name, String text, int max, String expected) {
        // when, then: half a character cannot be written as UTF-8 (a rejects.csv that held one failed the run's
        // report on H2; PostgreSQL stored a '?')
        assertThat(StorableText.cut(text, max)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "plain text|tok-1|",
                "a pair|tok\uD83D\uDE00|",
                "half a pair|tok\uD83D|holds half of a surrogate pair (an escaped \\ud83d without its other half),"
                        + " which is not a character",
                "a NUL|to\u0000k|holds a NUL (U+0000), which PostgreSQL does not store"
            })
    void refusesANulOrHalfAPair(String name, String text, String why) {
        // when, then
        assertThat(StorableText.whyRefused(text)).isEqualTo(why);
    }

    @Test
    void returnsNullForNull() {
        // when, then
        assertThat(StorableText.of(null)).isNull();
    }
}
