package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.convert.DurationStyle;

/** A duration in a message is written as its setting is ({@code 2h}, not {@code PT2H}), and reads back the same. */
class DurationSettingsTests {

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PT2H          | 2h
            PT3S          | 3s
            PT90M         | 90m
            P2D           | 2d
            PT1.5S        | 1500ms
            PT0S          | 0s
            PT0.0005S     | PT0.0005S
            """)
    void writesADurationInTheLargestWholeUnit(String iso, String written) {
        // given
        Duration duration = Duration.parse(iso);

        // when
        String text = DurationSettings.written(duration);

        // then
        assertThat(text).isEqualTo(written);
        assertThat(DurationStyle.detectAndParse(text)).isEqualTo(duration);
    }
}
