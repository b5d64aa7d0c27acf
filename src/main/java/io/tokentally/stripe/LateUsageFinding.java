package io.tokentally.stripe;

import io.tokentally.reconcile.Evidence;
import io.tokentally.reconcile.Finding;
import io.tokentally.shared.Amounts;
import io.tokentally.shared.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;

/** The {@code LATE_USAGE_INVOICED} finding of a closed period's invoice item (ADR 0021). */
final class LateUsageFinding {

    private LateUsageFinding() {}

    /**
     * The finding of the item: the amount, and the changes since the close behind it, in its message and as its
     * evidence's numbers.
     *
     * @param closing the period's closing position
     * @param current its position now
     * @param queued what the period's items queued before this one
     * @param grace {@code tokentally.stripe.period-close-grace}
     */
    static Finding of(
            OutboxRow item,
            BillingPeriod period,
            PeriodPosition closing,
            PeriodPosition current,
            ClosedPeriodPlanner.Queued queued,
            Duration grace) {
        BigDecimal overage = current.overageUsd().subtract(closing.overageUsd());
        BigDecimal carried = current.carriedCreditsUsd().subtract(closing.carriedCreditsUsd());
        return new Finding(
                "late-usage-invoiced:" + item.customerId() + ":period:" + period.start() + ":r" + item.revision(),
                "LATE_USAGE_INVOICED",
                carried.signum() == 0 ? Finding.Severity.INFO : Finding.Severity.WARNING,
                message(item, period, overage, carried, queued, grace),
                new Evidence()
                        .number("period_start", period.start().toString())
                        .number("period_end", period.end().toString())
                        .number("invoice_item_usd", BigDecimal.valueOf(item.valueMicros(), 6))
                        .number("revision", item.revision())
                        .number("overage_change_usd", overage)
                        .number("carried_credits_change_usd", carried)
                        .number("invoiced_late_before_usd", BigDecimal.valueOf(queued.valueMicros(), 6)));
    }

    /**
     * @param overage how much the period's overage changed since the close
     * @param carried how much the usage paid from credit grants Stripe applies again after the period changed since
     *     the close
     */
    private static String message(
            OutboxRow item,
            BillingPeriod period,
            BigDecimal overage,
            BigDecimal carried,
            ClosedPeriodPlanner.Queued queued,
            Duration grace) {
        BigDecimal amount = BigDecimal.valueOf(item.valueMicros(), 6);
        StringBuilder message = new StringBuilder()
                .append(item.customerId())
                .append("'s usage of the billing period ")
                .append(period)
                .append(" changed after the period closed for Stripe (end + tokentally.stripe.period-close-grace ")
                .append(grace)
                .append("), when Stripe had invoiced it: an invoice item of ")
                .append(Amounts.toText(amount))
                .append(" USD goes on the customer's next invoice (revision ")
                .append(item.revision())
                .append("). Since the close the overage changed by ")
                .append(Amounts.toText(overage))
                .append(" USD");
        if (carried.signum() != 0) {
            message.append(", and usage paid from credit grants Stripe applies again after the period by ")
                    .append(Amounts.toText(carried))
                    .append(" USD: Stripe applies credits to metered usage only, so the item charges it and")
                    .append(" Stripe's grants keep that amount for later metered usage instead of the engine's");
        }
        message.append("; invoiced late before: ")
                .append(Amounts.toText(BigDecimal.valueOf(queued.valueMicros(), 6)))
                .append(" USD");
        return message.toString();
    }
}
