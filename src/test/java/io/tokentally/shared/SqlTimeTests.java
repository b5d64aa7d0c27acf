package io.tokentally.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlTimeTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-27T00:00:00Z",
                "2026-11-27T23:59:59.999999999Z",
                "1969-12-31T23:59:59.5Z", // before the epoch, with a fraction
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z"
            })
    void utcIsTheSameInstantAtOffsetZero(String text) {
        // given
        Instant instant = Instant.parse(text);

        // when
        OffsetDateTime utc = SqlTime.utc(instant);

        // then
        assertThat(utc).isEqualTo(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        assertThat(utc.getOffset()).isEqualTo(ZoneOffset.UTC);
        assertThat(utc.toInstant()).isEqualTo(instant);
    }
}
