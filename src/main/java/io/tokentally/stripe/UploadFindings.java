package io.tokentally.stripe;

import io.tokentally.reconcile.Finding;

/** The error findings of an outbox row's upload: keyed by kind and the row's identifier, about the row's subject. */
final class UploadFindings {

    static final String PENDING = "UPLOAD_PENDING";
    static final String UNCERTAIN = "UPLOAD_UNCERTAIN";
    static final String REJECTED = "UPLOAD_REJECTED";

    private UploadFindings() {}

    static Finding of(OutboxRow row, String kind, String message) {
        return new Finding(key(row, kind), kind, Finding.Severity.ERROR, subject(row) + ": " + message);
    }

    static String key(OutboxRow row, String kind) {
        return kind + ":" + row.identifier();
    }

    /** What a finding about a row is about: the customer and the meter's hour, or the credit grant and its change. */
    private static String subject(OutboxRow row) {
        String customer = "customer " + row.customerId() + ", ";
        String grant = customer + "credit grant " + row.meter() + ", ";
        String ended = row.grant() == null || row.grant().stripeGrantId() == null
                ? ""
                : " of " + row.grant().stripeGrantId();
        return switch (row.kind()) {
            case METER_EVENT, INVOICE_ITEM ->
                customer + row.meter() + ", window " + row.windowStart() + ", value " + row.valueMicros()
                        + " micro-USD";
            case CREDIT_GRANT -> grant + "create of " + row.valueMicros() + " micro-USD";
            case CREDIT_GRANT_VOID -> grant + "void" + ended;
            case CREDIT_GRANT_EXPIRE -> grant + "expiry" + ended;
        };
    }
}
