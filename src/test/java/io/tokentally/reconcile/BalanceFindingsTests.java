package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.rating.Balance;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BalanceFindingsTests {

    private static final Instant AS_OF = Instant.parse("2026-11-28T00:00:00Z");
    private static final Instant PERIOD = Instant.parse("2026-11-01T00:00:00Z");

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
