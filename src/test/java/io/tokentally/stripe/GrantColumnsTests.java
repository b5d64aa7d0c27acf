package io.tokentally.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GrantColumnsTests {

    @Test
    void aGrantsOwnColumnIsItsKeysMeterOnItsFirstStripeCustomerAndAnotherCustomersPartHasAColumnOfItsOwn() {
        // given a grant whose rows went to cus_old
        String key = "included:acme:monthly";
        String own = GrantColumns.meterOf("acme", key);
        Map<String, CreditGrantPlanner.Held> held = Map.of(own, held(1, 1, 6_000_000, "cus_old"));

        // when / then: the column on cus_old is the grant's own, its part on cus_new has the key's column for cus_new
        // (though cus_new is the customer's Stripe customer now); a grant without rows is its own on the current one
        assertThat(GrantColumns.meterOf("acme", key, "cus_old", held, "cus_new"))
                .isEqualTo(own);
        assertThat(GrantColumns.meterOf("acme", key, "cus_new", held, "cus_new"))
                .isEqualTo(GrantColumns.meterOf("acme", key + "|cus_new"))
                .isNotEqualTo(own);
        assertThat(GrantColumns.meterOf("acme", "purchase:p9", "cus_new", held, "cus_new"))
                .isEqualTo(GrantColumns.meterOf("acme", "purchase:p9"));
        assertThat(GrantColumns.meterOf("acme", "purchase:p9", "cus_old", held, "cus_new"))
                .isEqualTo(GrantColumns.meterOf("acme", "purchase:p9|cus_old"));
    }

    @Test
    void whatAGrantHoldsInAllItsColumnsSumsItsPartsOnEveryStripeCustomer() {
        // given $6 in the grant's own column on cus_old, its $4 part on cus_new, and another grant's column
        String key = "purchase:p1:used-before-its-end:2026-11-01T00:00:00Z";
        Map<String, CreditGrantPlanner.Held> held = Map.of(
                GrantColumns.meterOf("acme", key),
                held(1, 1, 6_000_000, "cus_old"),
                GrantColumns.meterOf("acme", key + "|cus_new"),
                held(2, 1, 4_000_000, "cus_new"),
                GrantColumns.meterOf("acme", "purchase:p2"),
                held(1, 1, 9_000_000, "cus_new"));

        // when
        CreditGrantPlanner.Held all = GrantColumns.heldOfAllColumns("acme", key, held);

        // then: $10 live in two creates, the own column's terms; nothing for a key without rows
        assertThat(all.grantedMicros()).isEqualTo(10_000_000);
        assertThat(all.live()).isEqualTo(2);
        assertThat(all.revision()).isEqualTo(2);
        assertThat(all.stripeCustomerId()).isEqualTo("cus_old");
        assertThat(GrantColumns.heldOfAllColumns("acme", "purchase:p3", held)).isSameAs(CreditGrantPlanner.Held.NONE);
    }

    /** A grant the outbox holds on {@code stripeCustomer}: November's, its terms expiring in December. */
    private static CreditGrantPlanner.Held held(int revision, int live, long granted, String stripeCustomer) {
        return new CreditGrantPlanner.Held(
                revision,
                live,
                granted,
                false,
                false,
                CreditGrantPlannerTests.NOVEMBER,
                CreditGrantPlannerTests.terms(CreditGrantPlannerTests.DECEMBER),
                stripeCustomer);
    }
}
