package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.rating.Balance;
import io.tokentally.rating.Statement;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalanceFindingsTests {

    private static final Instant AS_OF = Instant.parse("2026-11-28T00:00:00Z");
    private static final Instant PERIOD = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aBalanceBelowTheLowBalanceSettingIsAFindingNamingBothAmountsInUsdAndTheSetting() {
        // given a customer with credits who has $3.50 left and may no longer spend
        Balance balance = balance("3.50", false);

        // when
        var findings = BalanceFindings.of(balance, PERIOD, true, new BigDecimal("5"));

        // then
        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("LOW_BALANCE:acme:" + PERIOD);
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(finding.message())
                    .isEqualTo("customer acme has 3.5 USD left as of " + AS_OF + ", below 5 USD"
                            + " (tokentally.balances.low-balance-usd); usage is no longer allowed");
        });
    }

    @Test
    void aBalanceAtTheSettingIsNoFinding() {
        // given
        Balance balance = balance("5", true);

        // when, then
        assertThat(BalanceFindings.of(balance, PERIOD, true, new BigDecimal("5")))
                .isEmpty();
    }

    @Test
    void aCustomerWithoutCreditsIsNoFindingWhateverItsBalance() {
        // given a customer who never had credits
        Balance balance = balance("0", true);

        // when, then
        assertThat(BalanceFindings.of(balance, PERIOD, false, new BigDecimal("5")))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0.45 | INCLUDED_USAGE_80  | customer acme used 80% or more of included usage 'monthly' of plan studio for 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z: 0.45 of 0.5 USD
            0.5  | INCLUDED_USAGE_100 | customer acme used 100% or more of included usage 'monthly' of plan studio for 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z: 0.5 of 0.5 USD; the usage it covered is no longer covered by it for the rest of the period: credits pay for it or it is billed, in the plan's consumption order
            """)
    void saysWhenAllOfAnIncludedUsageIsUsedThatUsageIsBilledFromThen(
            String consumedUsd, String highestKind, String message) {
        // given: 0.50 USD of included usage, of which consumedUsd is used
        Statement statement = new Statement(
                "acme",
                new BillingPeriod(PERIOD, TO),
                "usd",
                List.of(),
                List.of(),
                List.of(new Statement.Included(
                        "studio", "monthly", PERIOD, TO, new BigDecimal("0.5"), null, new BigDecimal(consumedUsd), 0L)),
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

    private static Balance balance(String availableUsd, boolean allow) {
        return new Balance(
                "acme",
                AS_OF,
                "USD",
                new BigDecimal(availableUsd),
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                new BigDecimal(availableUsd),
                0,
                allow);
    }
}
