package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider's own usage of a key in a service tier repriced as the gateway's (ADR 0010), by hand: each side's
 * rows as {@code tokens@usd-per-million} ({@code tokens@-} without a price), separated by {@code +}.
 */
class TierRepricingTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # a daily bucket priced at its start ($2.50), the gateway's hours at $2.50 and $3: $0.50 -> $0.55
            equal tokens                            | 200000@2.5   |             | 100000@2.5 + 100000@3 | 0.05
            # the gateway's $0.55 and the extra token at the bucket's own $0.0000025
            a token more                            | 200001@2.5   |             | 100000@2.5 + 100000@3 | 0.05
            # $0.4999975 + ($0.55 x 0.999995 - $0.4999975) x 0.999995
            a token fewer                           | 199999@2.5   |             | 100000@2.5 + 100000@3 | 0.04999950000125
            # a fiftieth, $0.0025 at its own price: + ($0.1375 / 50 - $0.0025) / 50
            a fiftieth of the gateway's             | 1000@2.5     |             | 25000@2.5 + 25000@3   | 0.000005
            nothing priced on the gateway's side    | 200000@2.5   |             | 200000@-              | 0
            # held tokens lend no price: the export's, none at its start, take the other 50,000's $0.40 per million
            held and unpriced tokens                | 100000@-     |             | 50000@- + 50000@0.4   | 0.04
            # Claude on Vertex keeps its $20 hour: Anthropic's bucket against the gateway's $1.60 less its $0.80
            another party's rows taken out          | 40000@15     | 40000@20    | 80000@20              | 0.2
            # Vertex priced long ($6) where the gateway billed standard ($3): its $0.24 taken out as at most $0.12
            another party's rows in another tier    | 60000@3      | 40000@6     | 100000@3              | 0
            another party's rows above the gateway's| 40000@15     | 100000@20   | 80000@20              | 0
            no own usage                            | 0@15         | 40000@20    | 40000@20              | 0
            """)
    void repricesTheProvidersOwnUsageAsTheGateways(
            String name, String own, String elsewhere, String billable, String difference) {
        // given
        TierRepricing repricing = new TierRepricing();
        rows(own).forEach(row -> repricing.addProvider(row.tokens, row.perMillion, false));
        rows(elsewhere).forEach(row -> repricing.addProvider(row.tokens, row.perMillion, true));
        rows(billable).forEach(row -> repricing.addBillable(row.tokens, row.perMillion));

        // then
        assertThat(repricing.difference()).isEqualByComparingTo(difference);
    }

    private record Row(long tokens, BigDecimal perMillion) {}

    private static List<Row> rows(String rows) {
        if (rows == null) {
            return List.of();
        }
        return Arrays.stream(rows.split("\\+"))
                .map(String::strip)
                .map(row -> row.split("@"))
                .map(parts -> new Row(Long.parseLong(parts[0]), parts[1].equals("-") ? null : new BigDecimal(parts[1])))
                .toList();
    }
}
