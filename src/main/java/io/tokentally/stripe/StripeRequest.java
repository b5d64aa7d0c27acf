package io.tokentally.stripe;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact HTTP request an outbox row becomes: method, path, form fields and idempotency key. The
 * dry run writes these; the live uploader sends the same fields through stripe-java.
 */
public record StripeRequest(String method, String path, Map<String, String> form, String idempotencyKey) {

    public static StripeRequest of(OutboxRow row) {
        Map<String, String> form = new LinkedHashMap<>();
        if (row.kind() == OutboxRow.Kind.METER_EVENT) {
            form.put("event_name", row.meter());
            form.put("payload[stripe_customer_id]", row.stripeCustomerId());
            form.put("payload[value]", Long.toString(row.valueMicros()));
            form.put("identifier", row.identifier());
            form.put("timestamp", Long.toString(row.eventTimestamp().getEpochSecond()));
            return new StripeRequest("POST", "/v1/billing/meter_events", form, row.idempotencyKey());
        }
        form.put("customer", row.stripeCustomerId());
        form.put("currency", "usd");
        form.put("quantity", "1");
        form.put("unit_amount_decimal", centsOf(row.valueMicros()).toPlainString());
        form.put(
                "description",
                "Late usage " + row.meter() + " " + row.windowStart() + " (revision " + row.revision() + ")");
        form.put("metadata[tokentally_identifier]", row.identifier());
        return new StripeRequest("POST", "/v1/invoiceitems", form, row.idempotencyKey());
    }

    /** Micro-USD as cents, exactly (1 cent = 10,000 micro-USD); Stripe takes 12 decimals. */
    static BigDecimal centsOf(long micros) {
        return BigDecimal.valueOf(micros).movePointLeft(4).stripTrailingZeros();
    }
}
