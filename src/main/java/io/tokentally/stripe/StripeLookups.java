package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.HasId;
import com.stripe.model.billing.Meter;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.InvoiceItemListParams;
import com.stripe.param.billing.MeterEventSummaryListParams;
import com.stripe.param.billing.MeterListParams;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the engine asks Stripe about what it holds, through a sender's spaced and retried reads: whether an outbox
 * row's call arrived, the account's active meters, and a customer's meter total of a day.
 */
final class StripeLookups {

    private StripeLookups() {}

    /**
     * Whether a credit grant or invoice item row's call arrived, asked of Stripe: the Stripe id of what it made if it
     * did, empty if it did not. An invoice item or a grant create is the customer's one whose metadata carries the
     * row's identifier; a void or expire is its grant, once ended ({@link StripeCreditGrants#ended}).
     *
     * @param now the run's clock, which an expire row's grant must have expired by
     */
    static Optional<String> arrived(StripeSender stripe, OutboxRow row, Instant now)
            throws StripeException, InterruptedException {
        String customer = row.stripeCustomerId();
        if (row.kind() == OutboxRow.Kind.INVOICE_ITEM) {
            return findListed(
                    stripe,
                    "invoice items of " + customer,
                    after -> stripe.client()
                            .v1()
                            .invoiceItems()
                            .list(InvoiceItemListParams.builder()
                                    .setCustomer(customer)
                                    .setLimit(100L)
                                    .setStartingAfter(after)
                                    .build()),
                    item -> StripeRequest.carries(item.getMetadata(), row));
        }
        if (row.kind() == OutboxRow.Kind.CREDIT_GRANT) {
            return findListed(
                    stripe,
                    "credit grants of " + customer,
                    after -> StripeCreditGrants.listed(stripe.client(), customer, after),
                    grant -> StripeRequest.carries(grant.getMetadata(), row));
        }
        return stripe.retried(
                "credit grant " + row.grant().stripeGrantId(),
                () -> StripeCreditGrants.ended(stripe.client(), row, now));
    }

    /** The id of the first object of a paged list that {@code wanted} accepts, newest first as Stripe lists. */
    private static <T extends HasId> Optional<String> findListed(
            StripeSender stripe, String what, StripeSender.Page<T> page, Predicate<T> wanted)
            throws StripeException, InterruptedException {
        return stripe.scan(what, page, wanted).map(HasId::getId);
    }

    /** The active meters' ids by event name, each page of the list read on its own ({@link StripeSender#scan}). */
    static Map<String, String> meterIds(StripeSender stripe) throws StripeException, InterruptedException {
        Map<String, String> ids = new HashMap<>();
        for (Meter meter : stripe.listed(
                "meters", after -> stripe.client().v1().billing().meters().list(activeMetersAfter(after)))) {
            ids.put(meter.getEventName(), meter.getId());
        }
        return ids;
    }

    /** A page of 100 of the account's active meters, after the meter {@code startingAfter} names (or the first). */
    private static MeterListParams activeMetersAfter(String startingAfter) {
        return MeterListParams.builder()
                .setStatus(MeterListParams.Status.ACTIVE)
                .setLimit(100L)
                .setStartingAfter(startingAfter)
                .build();
    }

    /**
     * What Stripe's meter event summary says a customer used of a meter in one UTC day: its summaries (one for a
     * day's window) summed, each page read on its own ({@link StripeSender#listed}).
     */
    static BigDecimal dayTotal(StripeSender stripe, String meterId, String stripeCustomerId, Instant dayStart)
            throws StripeException, InterruptedException {
        BigDecimal total = BigDecimal.ZERO;
        for (MeterEventSummary summary : stripe.listed(
                "summary of " + meterId,
                after -> stripe.client()
                        .v1()
                        .billing()
                        .meters()
                        .eventSummaries()
                        .list(
                                meterId,
                                MeterEventSummaryListParams.builder()
                                        .setCustomer(stripeCustomerId)
                                        .setStartTime(dayStart.getEpochSecond())
                                        .setEndTime(dayStart.plus(Duration.ofDays(1))
                                                .getEpochSecond())
                                        .setValueGroupingWindow(MeterEventSummaryListParams.ValueGroupingWindow.DAY)
                                        .setLimit(100L)
                                        .setStartingAfter(after)
                                        .build()))) {
            total = total.add(summary.getAggregatedValue());
        }
        return total;
    }
}
