package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokentally.plans.Customer;
import io.tokentally.plans.TestCustomers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeCustomerFindingsTests {

    @Test
    void aChangedStripeCustomerIsAWarningCountingTheUnsentRowsThatStillNameTheOldOne() {
        // given: acme's Stripe id corrected while two of its rows wait to be sent; globex unchanged
        Map<String, Customer> stored =
                Map.of("acme", customer("acme", "cus_Typo"), "globex", customer("globex", "cus_Globex"));
        List<Customer> loaded = List.of(customer("acme", "cus_Acme"), customer("globex", "cus_Globex"));

        // when
        List<Finding> findings = StripeCustomerFindings.changed(
                stored, loaded, "/in/customers.csv", (customer, stripeId) -> stripeId.equals("cus_Typo") ? 2 : 0);

        // then
        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.key()).isEqualTo("stripe-customer-changed:acme:cus_Acme");
            assertThat(finding.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(finding.message())
                    .isEqualTo("the Stripe customer of acme changed from cus_Typo to cus_Acme (/in/customers.csv):"
                            + " what runs plan from now on goes to cus_Acme, invoice items included (billed on its"
                            + " next invoice), but a correction that lowers an hour already sent to cus_Typo or an"
                            + " earlier Stripe customer is taken off the meters that hold the hour, up to what each"
                            + " holds, so that their totals are what the hour billed (if a subscription has ended,"
                            + " Stripe bills it nowhere: then settle it by hand), and what only one that refused its"
                            + " last event for good holds is sent nowhere, an error (CORRECTION_NOT_PLACED) for a"
                            + " person; the included usage of a period both Stripe customers bill is granted on each,"
                            + " what it paid of the hours that one bills, and so is that of what a purchase paid of"
                            + " such a period; a pack's or promotion's own grant made on cus_Typo stays there and pays"
                            + " its invoices only: move what it has left by hand; 2 outbox row(s) planned before and"
                            + " not yet"
                            + " sent still name cus_Typo and are sent there: right if the customer moved to cus_Acme"
                            + " after that usage, wrong if cus_Typo was a mistake (then credit or void in Stripe what"
                            + " reaches it)");
        });
    }

    @Test
    void aFirstStripeIdOrANewCustomerIsNoFindingAndARemovedOneIsNone() {
        // given: hooli had no Stripe id, initech is new, umbrella's id is taken away
        Map<String, Customer> stored =
                Map.of("hooli", customer("hooli", ""), "umbrella", customer("umbrella", "cus_U"));
        List<Customer> loaded =
                List.of(customer("hooli", "cus_Hooli"), customer("initech", "cus_Initech"), customer("umbrella", null));

        // when
        List<Finding> findings = StripeCustomerFindings.changed(stored, loaded, "c.csv", (customer, stripeId) -> 0);

        // then
        assertThat(findings)
                .singleElement()
                .satisfies(finding -> assertThat(finding.message())
                        .isEqualTo(
                                "the Stripe customer of umbrella changed from cus_U to none (c.csv): what runs plan from"
                                        + " now on names none, and its upload is rejected (UPLOAD_REJECTED) until one"
                                        + " is given, but a correction that lowers an hour already sent to cus_U or"
                                        + " an earlier Stripe customer is taken off the meters that hold the hour, up"
                                        + " to what each holds, so that their totals are what the hour billed (if a"
                                        + " subscription has ended, Stripe bills it nowhere: then settle it by hand),"
                                        + " and what only one that refused its last event for good holds is sent"
                                        + " nowhere, an error (CORRECTION_NOT_PLACED) for a person; the included"
                                        + " usage of a period both Stripe customers bill is granted on each, what it"
                                        + " paid of the hours that one bills, and so is that of what a purchase paid"
                                        + " of such a period; a pack's or promotion's own grant made on cus_U stays"
                                        + " there and pays its invoices only: move what it has left by hand; no outbox"
                                        + " row planned before waits to be sent"));
    }

    private static Customer customer(String id, String stripeId) {
        return TestCustomers.onPayg(id, stripeId);
    }
}
