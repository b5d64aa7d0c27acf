package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Customer;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.shared.BillingCycle;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BillingCycleFindingsTests {

    static final BillingCycle UTC_MONTHS = BillingCycle.CALENDAR_MONTH_UTC;

    @Test
    void aStoredCustomerWhoseTimeZoneChangesIsAWarningNamingBothCycles() {
        // given
        Map<String, Customer> stored = Map.of("acme", customer("acme", UTC_MONTHS));
        BillingCycle berlin = new BillingCycle(BillingCycle.Interval.MONTH, 1, 1, ZoneId.of("Europe/Berlin"));

        // when
        List<Finding> findings =
                BillingCycleFindings.changed(stored, List.of(customer("acme", berlin)), "/in/customers.csv");

        // then
        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("billing-cycle-changed:acme:monthly from day 1, Europe/Berlin");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(finding.message())
                    .startsWith("the billing cycle of acme changed from monthly from day 1, UTC to monthly"
                            + " from day 1, Europe/Berlin (/in/customers.csv). A customer has one billing"
                            + " cycle");
        });
    }

    @Test
    void aNewCustomerTheSameCutsOrAnotherSpellingOfUtcAreNoChange() {
        // given: a monthly cycle's anchor month is not used, and Etc/UTC cuts as UTC does
        Map<String, Customer> stored = Map.of("acme", customer("acme", UTC_MONTHS));
        BillingCycle sameCuts = new BillingCycle(BillingCycle.Interval.MONTH, 1, 7, ZoneId.of("Etc/UTC"));

        // when
        List<Finding> findings = BillingCycleFindings.changed(
                stored,
                List.of(
                        customer("acme", sameCuts),
                        customer(
                                "newco",
                                new BillingCycle(BillingCycle.Interval.YEAR, 15, 3, ZoneId.of("America/New_York")))),
                "/in/customers.csv");

        // then
        assertThat(findings).isEmpty();
    }

    @Test
    void aYearlyCycleMovedToAnotherMonthIsAChange() {
        BillingCycle march = new BillingCycle(BillingCycle.Interval.YEAR, 1, 3, ZoneId.of("UTC"));
        BillingCycle april = new BillingCycle(BillingCycle.Interval.YEAR, 1, 4, ZoneId.of("UTC"));

        assertThat(BillingCycleFindings.changed(
                        Map.of("acme", customer("acme", march)), List.of(customer("acme", april)), "c.csv"))
                .extracting(Finding::message)
                .singleElement()
                .asString()
                .contains("from yearly from day 1 of month 3, UTC to yearly from day 1 of month 4, UTC");
    }

    private static Customer customer(String id, BillingCycle cycle) {
        return new Customer(id, "cus_" + id, "payg", id, cycle, List.of(new PlanAssignment(Instant.EPOCH, "payg")));
    }
}
