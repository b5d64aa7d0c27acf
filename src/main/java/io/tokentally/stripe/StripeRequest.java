package io.tokentally.stripe;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The exact HTTP request an outbox row becomes: method, path, form fields and idempotency key. The
 * dry run writes these; the live uploader sends the same fields through stripe-java.
 */
public record StripeRequest(String method, String path, Map<String, String> form, String idempotencyKey) {

    /** The metadata key an invoice item or credit grant carries its row's identifier under, to be found by it. */
    static final String IDENTIFIER = "tokentally_identifier";

    /** Whether an object's metadata (null for none) carries the row's identifier. */
    static boolean carries(Map<String, String> metadata, OutboxRow row) {
        return metadata != null && row.identifier().equals(metadata.get(IDENTIFIER));
    }

    public static StripeRequest of(OutboxRow row) {
        if (row.isCreditGrant()) {
            return ofGrant(row);
        }
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
        form.put("description", description(row));
        form.put("metadata[" + IDENTIFIER + "]", row.identifier());
        return new StripeRequest("POST", "/v1/invoiceitems", form, row.idempotencyKey());
    }

    /** What an invoice item says on the invoice. */
    static String description(OutboxRow row) {
        if (ClosedPeriodRepository.METER.equals(row.meter())) {
            return "Usage of the billing period from " + row.windowStart() + " that arrived after it was invoiced"
                    + " (revision " + row.revision() + ")";
        }
        return "Late usage " + row.meter() + " " + row.windowStart() + " (revision " + row.revision() + ")";
    }

    private static StripeRequest ofGrant(OutboxRow row) {
        Map<String, String> form = new LinkedHashMap<>();
        if (row.kind() != OutboxRow.Kind.CREDIT_GRANT) {
            String grantId = Objects.requireNonNull(row.grant().stripeGrantId(), "the id of the grant the row ends");
            String action = row.kind() == OutboxRow.Kind.CREDIT_GRANT_VOID ? "void" : "expire";
            return new StripeRequest(
                    "POST", "/v1/billing/credit_grants/" + grantId + "/" + action, form, row.idempotencyKey());
        }
        OutboxRow.GrantTerms grant = row.grant();
        form.put("customer", row.stripeCustomerId());
        form.put("amount[type]", "monetary");
        form.put("amount[monetary][currency]", "usd");
        form.put("amount[monetary][value]", Long.toString(grantCents(row.valueMicros())));
        form.put("applicability_config[scope][price_type]", "metered");
        form.put("category", grant.category());
        if (grant.effectiveAt() != null) {
            form.put("effective_at", Long.toString(grant.effectiveAt().getEpochSecond()));
        }
        if (grant.expiresAt() != null) {
            form.put("expires_at", Long.toString(grant.expiresAt().getEpochSecond()));
        }
        form.put("priority", Integer.toString(grant.priority()));
        form.put("name", grant.name());
        form.put("metadata[" + IDENTIFIER + "]", row.identifier());
        return new StripeRequest("POST", "/v1/billing/credit_grants", form, row.idempotencyKey());
    }

    /** A grant's micro-USD as whole cents; fails rather than rounds. */
    static long grantCents(long micros) {
        if (micros % 10_000 != 0) {
            throw new IllegalArgumentException("grant of " + micros + " micro-USD is not a whole number of cents");
        }
        return micros / 10_000;
    }

    /**
     * Micro-USD as cents, exactly (1 cent = 10,000 micro-USD), without trailing zeros; Stripe takes a decimal string
     * of up to 12 decimals. Never of a negative scale: stripe-java writes a {@code BigDecimal} by its {@code
     * toString}, which writes $5.00 stripped (5E+2 cents) as {@code 5E+2} (hunt AJ).
     */
    static BigDecimal centsOf(long micros) {
        BigDecimal cents = BigDecimal.valueOf(micros).movePointLeft(4).stripTrailingZeros();
        return cents.scale() < 0 ? cents.setScale(0) : cents;
    }
}
