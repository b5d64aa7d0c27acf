package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Customer;
import io.tokentally.plans.PlanAssignment;
import io.tokentally.shared.BillingCycle;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BillingCycleFindingsTests {

    static final BillingCycle UTC_MONTHS = BillingCycle.CALENDAR_MONTH_UTC;

    /** Where each cycle's earliest open period begins on 5 December 2026, as the closed-period planner says. */
    static final Function<BillingCycle, Instant> OPEN_FROM =
            cycle -> switch (cycle.zone().getId()) {
                case "Europe/Berlin" -> Instant.parse("2026-11-30T23:00:00Z");
                case "America/New_York" -> Instant.parse("2026-12-01T05:00:00Z");
                default -> Instant.parse("2026-12-01T00:00:00Z");
            };

    @Test
    void aStoredCustomerWhoseTimeZoneChangesIsAWarningNamingBothCyclesAndTheRule() {
        // given: New York's open month begins five hours after the UTC one, so no closed hour is reopened
        Map<String, Customer> stored = Map.of("acme", customer("acme", UTC_MONTHS));
        BillingCycle newYork = new BillingCycle(BillingCycle.Interval.MONTH, 1, 1, ZoneId.of("America/New_York"));

        // when
        List<Finding> findings = BillingCycleFindings.changed(
                stored, List.of(customer("acme", newYork)), "/in/customers.csv", OPEN_FROM);

        // then
        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("billing-cycle-changed:acme:monthly from day 1, America/New_York");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(finding.message())
                    .startsWith("the billing cycle of acme changed from monthly from day 1, UTC to monthly"
                            + " from day 1, America/New_York (/in/customers.csv). A customer has one billing"
                            + " cycle")
                    .endsWith("Change a cycle only at a period boundary of both cycles");
        });
    }

    @Test
    void aChangeWhoseOpenPeriodBeginsBeforeTheOldOnesIsAnErrorNamingTheReopenedHours() {
        // given: acme billed in UTC months, then in Berlin's, whose open period begins an hour before the UTC one
        Map<String, Customer> stored = Map.of("acme", customer("acme", UTC_MONTHS));
        BillingCycle berlin = new BillingCycle(BillingCycle.Interval.MONTH, 1, 1, ZoneId.of("Europe/Berlin"));

        // when: the change, and the change back
        List<Finding> reopening =
                BillingCycleFindings.changed(stored, List.of(customer("acme", berlin)), "/in/customers.csv", OPEN_FROM);
        List<Finding> back = BillingCycleFindings.changed(
                Map.of("acme", customer("acme", berlin)), List.of(customer("acme", UTC_MONTHS)), "c.csv", OPEN_FROM);

        // then: the first puts an hour of the closed November in the open period; the second does not
        assertThat(reopening).singleElement().satisfies(finding -> {
            assertThat(finding.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(finding.message())
                    .endsWith("Change a cycle only at a period boundary of both cycles. This change is not: the hours"
                            + " from 2026-11-30T23:00:00Z to 2026-12-01T00:00:00Z, in a period closed under the old"
                            + " cycle, are in the open period of the new one, and usage of them that the closed period"
                            + " billed as an invoice item (late usage) is sent again as meter events, by this run on:"
                            + " credit the customer what those items billed for these hours");
        });
        assertThat(back).singleElement().extracting(Finding::severity).isEqualTo(Finding.Severity.WARNING);
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
                "/in/customers.csv",
                OPEN_FROM);

        // then
        assertThat(findings).isEmpty();
    }

    @Test
    void aYearlyCycleMovedToAnotherMonthIsAChange() {
        BillingCycle march = new BillingCycle(BillingCycle.Interval.YEAR, 1, 3, ZoneId.of("UTC"));
        BillingCycle april = new BillingCycle(BillingCycle.Interval.YEAR, 1, 4, ZoneId.of("UTC"));

        assertThat(BillingCycleFindings.changed(
                        Map.of("acme", customer("acme", march)), List.of(customer("acme", april)), "c.csv", OPEN_FROM))
                .extracting(Finding::message)
                .singleElement()
                .asString()
                .contains("from yearly from day 1 of month 3, UTC to yearly from day 1 of month 4, UTC");
    }

    private static Customer customer(String id, BillingCycle cycle) {
        return new Customer(id, "cus_" + id, "payg", id, cycle, List.of(new PlanAssignment(Instant.EPOCH, "payg")));
    }
}
