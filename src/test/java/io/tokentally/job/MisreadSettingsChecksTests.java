package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.mock.env.MockEnvironment;

class MisreadSettingsChecksTests {

    /** Settings of each kind the checks look at, as a properties record declares them. */
    record Settings(
            @DefaultValue("1s") Duration grace,
            @DefaultValue("7") BigDecimal floorUsd,

            @DefaultValue("5") @DurationUnit(ChronoUnit.SECONDS)
            Duration inSeconds,

            @DefaultValue("3") int count) {}

    @ParameterizedTest(name = "{0} = [{1}]")
    @CsvSource(
            delimiter = '|',
            value = {
                "tokentally.test.grace      | ''        | " + MisreadSettingsChecks.EMPTY,
                "tokentally.test.floor-usd  | ''        | " + MisreadSettingsChecks.EMPTY,
                "tokentally.test.grace      | 15        | " + MisreadSettingsChecks.NO_UNIT,
                "tokentally.test.grace      | ${T:15}   | " + MisreadSettingsChecks.NO_UNIT,
                "tokentally.test.grace      | ${T:}     | " + MisreadSettingsChecks.EMPTY,
                // empty, a whole number fails to convert: said the same way, not in the converter's words
                "tokentally.test.count      | ''        | " + MisreadSettingsChecks.EMPTY,
            })
    void refusesAnEmptyAmountOrDurationAndADurationWithoutAUnit(String name, String value, String reason) {
        // given
        MockEnvironment environment = new MockEnvironment().withProperty(name, value);

        // when / then
        assertThatExceptionOfType(BindException.class)
                .isThrownBy(() -> bind("tokentally.test", environment))
                .havingRootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .withMessage(reason);
        assertThatExceptionOfType(BindException.class)
                .isThrownBy(() -> bind("tokentally.test", environment))
                .satisfies(e -> assertThat(e.getName().toString()).isEqualTo(name));
    }

    @ParameterizedTest(name = "{0} = [{1}]")
    @CsvSource(
            delimiter = '|',
            value = {
                "tokentally.test.grace       | 15m | grace=PT15M",
                "tokentally.test.grace       | 0   | grace=PT0S",
                "tokentally.test.floor-usd   | 0   | floorUsd=0",
                // a duration with a unit of its own is read in it
                "tokentally.test.in-seconds  | 30  | inSeconds=PT30S",
                // Spring's own settings are Spring's
                "spring.test.grace           | 15  | grace=PT0.015S",
                "spring.test.floor-usd       | ''  | floorUsd=7",
            })
    void takesEveryOtherValueAsSpringDoes(String name, String value, String bound) {
        // given
        MockEnvironment environment = new MockEnvironment().withProperty(name, value);

        // when
        Settings settings = bind(name.substring(0, name.lastIndexOf('.')), environment);

        // then
        Map<String, Object> fields =
                Map.of("grace", settings.grace(), "floorUsd", settings.floorUsd(), "inSeconds", settings.inSeconds());
        String field = bound.substring(0, bound.indexOf('='));
        assertThat(field + "=" + fields.get(field)).isEqualTo(bound);
    }

    @Test
    void aBadValueInsideAnEmptyParentIsSaidAsItsOwnFailureNotAsTheParentsEmptiness() {
        // given: TOKENTALLY_TEST= beside a count that is not a number
        MockEnvironment environment =
                new MockEnvironment().withProperty("tokentally.test", "").withProperty("tokentally.test.count", "abc");

        // when / then
        assertThatExceptionOfType(BindException.class)
                .isThrownBy(() -> bind("tokentally.test", environment))
                .satisfies(e -> assertThat(e.getName().toString()).isEqualTo("tokentally.test.count"))
                .satisfies(e -> assertThat(e).rootCause().hasMessageNotContaining(MisreadSettingsChecks.EMPTY));
    }

    private static Settings bind(String prefix, MockEnvironment environment) {
        BindHandler handler = new MisreadSettingsChecks(environment).apply(BindHandler.DEFAULT);
        return Binder.get(environment).bindOrCreate(prefix, Bindable.of(Settings.class), handler);
    }
}
