package io.tokentally.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LookalikeColumnsTests {

    private static final List<String> REQUIRED = UsageColumns.REQUIRED;

    @ParameterizedTest(name = "{0} looks like: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "cached_input_token | cached_input_tokens",
                "cached-input-tokens | cached_input_tokens",
                "cache_read_input_tokens | cached_input_tokens",
                "cache_creation_input_tokens | cache_write_tokens",
                "cache_write_1h_token | cache_write_1h_tokens",
                "reasoning_token | reasoning_tokens",
                "image | images",
                "service_tiers | service_tier",
                "cache_write_5m_tokens | cache_write_tokens",
                "statsu | status",
                // names a gateway may add that are no count of the format
                "total_tokens | ''",
                "latency_ms | ''",
                "status_code | ''",
                "input_cost | ''",
                "pages | ''",
                "state | ''",
            })
    void anIgnoredColumnIsNamedWhenItLooksLikeAColumnOfTheFormatTheHeaderLacks(String column, String meant) {
        List<String> header = new ArrayList<>(REQUIRED);
        header.add(column);

        assertThat(LookalikeColumns.of(header))
                .isEqualTo(meant.isEmpty() ? List.of() : List.of("'" + column + "' (like " + meant + ")"));
    }

    @ParameterizedTest(name = "{0} beside {1}")
    @CsvSource({"cached_input_token, cached_input_tokens", "cache_read_input_tokens, cached_input_tokens"})
    void aLookalikeOfAColumnTheHeaderHasIsAnOrdinaryIgnoredColumn(String column, String present) {
        List<String> header = new ArrayList<>(REQUIRED);
        header.add(present);
        header.add(column);

        assertThat(LookalikeColumns.of(header)).isEmpty();
    }
}
