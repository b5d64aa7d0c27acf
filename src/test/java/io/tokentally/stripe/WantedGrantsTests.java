package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Allowance;
import io.tokentally.plans.CreditSource;
import io.tokentally.plans.Customer;
import io.tokentally.plans.Plan;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.plans.PlanType;
import io.tokentally.shared.BillingCycle;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WantedGrantsTests {

    static final Plan TEAM = new Plan(
            "team",
            PlanType.FIXED,
            "USD",
            BigDecimal.ZERO,
            List.of(),
            new BigDecimal("30"),
            List.of(new Allowance("monthly", new BigDecimal("10"), null, List.of())),
            CreditSource.DEFAULT_ORDER,
            true);

    @Test
    void grantsTheIncludedUsageOfAFirstPlanFromItsStartOnly() {
        // given a customer on team from 16 November, asked on the 20th
        Customer customer = new Customer(
                "acme",
                "cus_acme",
                "team",
                "Acme",
                BillingCycle.CALENDAR_MONTH_UTC,
                List.of(new PlanAssignment(Instant.parse("2026-11-16T00:00:00Z"), "team")));
        BillingPeriod november = customer.cycle().periodContaining(Instant.parse("2026-11-20T00:00:00Z"));

        // when
        List<CreditGrantPlanner.Wanted> wanted = WantedGrants.of(
                customer,
                Map.of("team", TEAM),
                List.of(),
                List.of(november),
                () -> {
                    throw new AssertionError("a USD allowance needs no ledger");
                },
                Instant.parse("2026-11-20T00:00:00Z"));

        // then: $10 x 15/30 days = $5, from the 16th to the period's end; nothing for the days before the plan
        assertThat(wanted)
                .extracting(w -> w.amountMicros() + " " + w.effectiveAt() + " " + w.expiresAt())
                .containsExactly("5000000 2026-11-16T00:00:00Z 2026-12-01T00:00:00Z");
    }
}
