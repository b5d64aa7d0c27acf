package io.tokentally.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.SubscriptionItemUpdateParams;
import com.stripe.param.SubscriptionListParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Finds the subscription items billed at a price, and moves one to another price of the same meter. */
final class SubscriptionMoves {

    private SubscriptionMoves() {}

    /**
     * A subscription item on a superseded price.
     *
     * @param currentPeriodStart when the item's current billing period started, or null if Stripe did not say
     */
    record ItemOnPrice(String itemId, String subscriptionId, String customer, Instant currentPeriodStart) {

        /** Whether its current period started at or after {@code instant}: a next-period move is due. */
        boolean periodStartedAtOrAfter(Instant instant) {
            return currentPeriodStart != null && !currentPeriodStart.isBefore(instant);
        }
    }

    /** The items billed at the price, of every subscription Stripe lists on it (each page read on its own). */
    static List<ItemOnPrice> itemsOn(StripeSender stripe, String priceId) throws StripeException, InterruptedException {
        List<ItemOnPrice> items = new ArrayList<>();
        for (Subscription subscription : stripe.listed(
                "subscriptions on " + priceId,
                after -> stripe.client()
                        .v1()
                        .subscriptions()
                        .list(SubscriptionListParams.builder()
                                .setPrice(priceId)
                                .setLimit(100L)
                                .setStartingAfter(after)
                                .build()))) {
            for (SubscriptionItem item : subscription.getItems().getData()) {
                if (priceId.equals(item.getPrice().getId())) {
                    Long start = item.getCurrentPeriodStart();
                    items.add(new ItemOnPrice(
                            item.getId(),
                            subscription.getId(),
                            subscription.getCustomer(),
                            start == null ? null : Instant.ofEpochSecond(start)));
                }
            }
        }
        return items;
    }

    /**
     * Points the item at {@code toPriceId} without proration (the same meter's usage, a new unit
     * price); the idempotency key names the item and the target price, so a retry moves it once.
     */
    static void move(StripeSender stripe, String itemId, String toPriceId, String toLookupKey)
            throws StripeException, InterruptedException {
        stripe.retried(
                "subscription item " + itemId,
                () -> stripe.client()
                        .v1()
                        .subscriptionItems()
                        .update(
                                itemId,
                                SubscriptionItemUpdateParams.builder()
                                        .setPrice(toPriceId)
                                        .setProrationBehavior(SubscriptionItemUpdateParams.ProrationBehavior.NONE)
                                        .build(),
                                RequestOptions.builder()
                                        .setIdempotencyKey("tokentally-move-" + itemId + "-" + toLookupKey)
                                        .build()));
    }
}
