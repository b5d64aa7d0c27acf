package io.tokentally.reconcile;

import java.time.LocalDate;

/** What provider reconciliation compares: one provider's model and token type on one UTC day. */
record ReconcileKey(String provider, String model, String tokenType, LocalDate day)
        implements Comparable<ReconcileKey> {

    @Override
    public int compareTo(ReconcileKey other) {
        return text().compareTo(other.text());
    }

    /** {@code provider|model|token type|day}, stable across runs. */
    String text() {
        return provider + "|" + model + "|" + tokenType + "|" + day;
    }
}
