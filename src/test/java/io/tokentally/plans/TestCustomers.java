package io.tokentally.plans;

import io.tokentally.shared.BillingCycle;
import java.time.Instant;
import java.util.List;

/** Customers for tests that need one as stored, without a customers file. */
public final class TestCustomers {

    private TestCustomers() {}

    /** A customer on {@code payg} since the epoch, billed by calendar month in UTC, named by its id. */
    public static Customer onPayg(String id, String stripeId) {
        return new Customer(
                id,
                stripeId,
                "payg",
                id,
                BillingCycle.CALENDAR_MONTH_UTC,
                List.of(new PlanAssignment(Instant.EPOCH, "payg")));
    }
}
