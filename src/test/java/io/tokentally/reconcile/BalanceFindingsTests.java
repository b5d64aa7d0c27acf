package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.rating.Statement;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalanceFindingsTests {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0.45 | INCLUDED_USAGE_80  | customer acme used 80% or more of included usage 'monthly' of plan studio for 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z: 0.45 of 0.5 USD
            0.5  | INCLUDED_USAGE_100 | customer acme used 100% or more of included usage 'monthly' of plan studio for 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z: 0.5 of 0.5 USD; all of it is used, so the usage it covers is billed at the plan's rates for the rest of the period
            """)
    void saysWhenAllOfAnIncludedUsageIsUsedThatUsageIsBilledFromThen(
            String consumedUsd, String highestKind, String message) {
        // given: 0.50 USD of included usage, of which consumedUsd is used
        Statement statement = new Statement(
                "acme",
                new BillingPeriod(FROM, TO),
                "usd",
                List.of(),
                List.of(),
                List.of(new Statement.Included(
                        "studio", "monthly", FROM, TO, new BigDecimal("0.5"), null, new BigDecimal(consumedUsd), 0L)),
                List.of(),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                BigDecimal.ZERO);

        // when
        List<Finding> findings = BalanceFindings.of(statement, List.of(80, 100));

        // then: the highest threshold reached says how far the usage went
        Finding highest = findings.get(findings.size() - 1);
        assertThat(highest.kind()).isEqualTo(highestKind);
        assertThat(highest.message()).isEqualTo(message);
    }
}
